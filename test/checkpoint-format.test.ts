// The checkpoint format without Node: its SHA-256 and base64 agree with node:crypto and Buffer,
// and a checkpoint survives serialization bit for bit.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../runtime/sha256.js';
import { decodeBase64, encodeBase64 } from '../runtime/base64.js';
import { parseCheckpoint, serializeCheckpoint, type Checkpoint } from '../inference/checkpoint.js';
import { UserError } from '../runtime/errors.js';

describe('sha256Hex', () => {
  it('matches node:crypto on empty, ASCII, multi-block and non-ASCII text', () => {
    const texts = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), 'latent z : real[2] // Größe ≤ 2, 😀'];
    for (const t of texts) expect(sha256Hex(t), JSON.stringify(t.slice(0, 20))).toBe(createHash('sha256').update(t).digest('hex'));
  });
});

describe('base64', () => {
  it('matches Buffer for every length modulo 3 and round-trips', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 12289]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it('refuses text that is not base64', () => {
    expect(decodeBase64('abc')).toBeUndefined();
    expect(decodeBase64('ab!d')).toBeUndefined();
  });
});

describe('serializeCheckpoint / parseCheckpoint', () => {
  const ckpt: Checkpoint = {
    model: { file: 'm.ppl', sha256: sha256Hex('model') },
    flags: { seed: '0', epochs: 2, nvilNormalize: false, baselines: ['mavg', 'nvil'] },
    backend: 'cpu',
    epoch: 2,
    step: 4,
    history: [{ epoch: 1, steps: 2, trainElbo: -3.5, testElbo: NaN, seconds: 0.1, samplesPerSecond: 100 }],
    params: [{ name: 'p', shape: [2, 3], constraint: 'real', values: Float32Array.from([1.5, -2, 3e-8, Math.PI, -0, 7]) }],
    optimizer: { name: 'adam', lr: 0.01, weights: [{ name: 'p/m', shape: [2, 3], values: new Float32Array(6).fill(0.25) }] },
    savedAt: new Date(0).toISOString(),
  };

  it('round-trips every field, NaN test ELBOs included', () => {
    expect(parseCheckpoint(serializeCheckpoint(ckpt), 'mem')).toEqual(ckpt);
  });

  it('names the origin in its errors', () => {
    expect(() => parseCheckpoint('{', 'here.json')).toThrow(UserError);
    expect(() => parseCheckpoint('{', 'here.json')).toThrow(/^here\.json: not a readable checkpoint/);
    expect(() => parseCheckpoint('{"format":"other"}', 'x')).toThrow(/x: not a ppl checkpoint/);
    const text = serializeCheckpoint(ckpt).replace(/"values":"[^"]*"/, '"values":"AAAA"');
    expect(() => parseCheckpoint(text, 'x')).toThrow(/x: not a valid checkpoint:\n  integrity: records \d+ bytes before it, the file has \d+/);
    expect(() => parseCheckpoint(withoutIntegrity(text), 'x')).toThrow(/x: parameter 'p': expected 6 values, found 0.75/);
  });
});

/** The document without its integrity record, as a version-1 file (which had none). */
function withoutIntegrity(text: string): string {
  return text.replace(/,"integrity":\{[^}]*\}\}$/, '}').replace('"version":2', '"version":1');
}

/** The document with `edit` applied to its parsed body, re-serialized without an integrity record. */
function edited(ckpt: Checkpoint, edit: (body: Record<string, unknown>) => void): string {
  const body = JSON.parse(serializeCheckpoint(ckpt)) as Record<string, unknown>;
  delete body['integrity'];
  body['version'] = 1;
  edit(body);
  return JSON.stringify(body);
}

describe('parseCheckpoint on damaged or hand-edited files', () => {
  const ckpt: Checkpoint = {
    model: { file: 'm.ppl', sha256: sha256Hex('model') },
    flags: { seed: '0' },
    backend: 'cpu',
    epoch: 1,
    step: 2,
    history: [{ epoch: 1, steps: 2, trainElbo: -3.5, testElbo: NaN, seconds: 0.1, samplesPerSecond: 100 }],
    params: [{ name: 'p', shape: [2], constraint: 'real', values: Float32Array.from([1, 2]) }],
    savedAt: new Date(0).toISOString(),
  };

  it('a file cut short anywhere is refused (never half read)', () => {
    const text = serializeCheckpoint(ckpt);
    for (const cut of [1, 10, text.length / 2, text.length - 40, text.length - 1]) {
      expect(() => parseCheckpoint(text.slice(0, Math.floor(cut)), 'c.json'), String(cut)).toThrow(/^c\.json: not a (readable|valid) checkpoint/);
    }
    expect(() => parseCheckpoint(text.replace('"epoch":1,', '"epoch":2,'), 'c.json')).toThrow(/integrity: the SHA-256 recorded does not match/);
  });

  const cases: [string, (b: Record<string, unknown>) => void, RegExp][] = [
    ['params missing', (b) => delete b['params'], /params: must be a list of parameters \(found nothing: it is missing\)/],
    ['params as text', (b) => (b['params'] = 'abc'), /params: must be a list of parameters \(found the text 'abc'\)/],
    ['history null', (b) => (b['history'] = null), /history: must be a list of epoch records \(found null\)/],
    ['epoch as text', (b) => (b['epoch'] = 'two'), /epoch: must be a whole number in 0\.\.10000000 \(found the text 'two'\)/],
    ['negative epoch', (b) => (b['epoch'] = -5), /epoch: must be a whole number in 0\.\.10000000 \(found number -5\)/],
    ['epoch 1e9', (b) => (b['epoch'] = 1e9), /epoch: must be a whole number in 0\.\.10000000/],
    ['more history than epochs', (b) => (b['epoch'] = 0), /history: has 1 epoch records, but epoch \(the epochs completed\) is 0/],
    ['bad shape', (b) => ((b['params'] as Record<string, unknown>[])[0]!['shape'] = [2, -1]), /params\[0\]\.shape: must be a list of whole numbers >= 0/],
    ['bad constraint', (b) => ((b['params'] as Record<string, unknown>[])[0]!['constraint'] = 'wide'), /params\[0\]\.constraint: must be one of real/],
    ['optimizer without weights', (b) => (b['optimizer'] = { name: 'adam', lr: 0.1 }), /optimizer\.weights: must be a list/],
  ];
  for (const [what, edit, message] of cases) {
    it(`${what}: a located message, not an internal error`, () => {
      expect(() => parseCheckpoint(edited(ckpt, edit), 'c.json')).toThrow(UserError);
      expect(() => parseCheckpoint(edited(ckpt, edit), 'c.json')).toThrow(message);
    });
  }

  it('null and a bare list are not checkpoints', () => {
    expect(() => parseCheckpoint('null', 'c.json')).toThrow(/c\.json: not a ppl checkpoint/);
    expect(() => parseCheckpoint('[]', 'c.json')).toThrow(/c\.json: not a ppl checkpoint/);
  });

  it('lists every problem at once, at most 12 and a count of the rest', () => {
    const text = edited(ckpt, (b) => {
      b['params'] = Array.from({ length: 20 }, () => ({ name: 1 }));
      b['epoch'] = 'x';
    });
    const message = (() => {
      try {
        parseCheckpoint(text, 'c.json');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^c\.json: not a valid checkpoint \(\d+ problems\):/);
    expect(message).toContain('epoch: must be a whole number');
    expect(message).toMatch(/\.\.\. and \d+ more$/);
    expect(message.split('\n')).toHaveLength(14);
  });

  it('NaN parameter values are refused, naming the parameter', () => {
    const nan = { ...ckpt, params: [{ ...ckpt.params[0]!, values: Float32Array.from([1, NaN]) }] };
    expect(() => parseCheckpoint(serializeCheckpoint(nan), 'c.json')).toThrow(/c\.json: parameter 'p': 1 of 2 values are not finite \(the first, at index 1, is NaN\)/);
  });
});
