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
    expect(() => parseCheckpoint(text, 'x')).toThrow(/x: parameter 'p': expected 6 values, found 0.75/);
  });
});
