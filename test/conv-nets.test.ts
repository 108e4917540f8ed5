// Convolutional and recurrent nets: the convolution formulations of runtime/conv.ts against
// tfjs' own conv2d / conv2dTranspose and their gradients against central finite differences on
// tiny shapes; the GRU against a plain-JavaScript reference and finite differences; the nets
// through the language (shapes, the checker's messages for wrong shapes); the registry (every
// family builds). Seeds: 'conv-fd', 'gru-fd'; tolerances stated per test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { conv2d, convTranspose2d, useConvStrategy, type ConvPadding, type ConvStrategy } from '../runtime/conv.js';
import { ParamStore } from '../runtime/params.js';
import { Gru } from '../runtime/gru.js';
import { checkSource } from '../lang/checker/index.js';
import { NET_FAMILIES } from '../lang/nets/registry.js';
import { NET_BUILDERS } from '../lang/compiler/net-builders.js';
import { compileOk } from './helpers.js';

let backend = '';
beforeAll(async () => {
  backend = (await initBackend('auto')).name;
});
afterAll(() => useConvStrategy('native'));

function seeded(shape: number[], rng: Rng, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => scale * (2 * rng.uniform() - 1)), shape);
}

type Op = (x: tf.Tensor4D, w: tf.Tensor4D, s: number, p: ConvPadding) => tf.Tensor4D;

/** max |analytic - central difference| over every entry of x and w, of L = sum(op(x, w) * r). */
function fdError(op: Op, x: tf.Tensor4D, w: tf.Tensor4D, stride: number, padding: ConvPadding, r: tf.Tensor): number {
  const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D, stride, padding), r));
  const [dx, dw] = tf.grads(loss)([x, w]).map((g) => g.dataSync());
  const h = 1e-2;
  let worst = 0;
  for (const [which, t, g] of [[0, x, dx!], [1, w, dw!]] as const) {
    const base = t.dataSync().slice();
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number): number => {
        const v = base.slice();
        v[i]! += delta;
        const moved = tf.tensor(v, t.shape);
        const out = which === 0 ? loss(moved, w) : loss(x, moved);
        const value = out.dataSync()[0]!;
        tf.dispose([moved, out]);
        return value;
      };
      worst = Math.max(worst, Math.abs((at(h) - at(-h)) / (2 * h) - g[i]!));
    }
  }
  return worst;
}

const CASES: { h: number; w: number; k: number; s: number; padding: ConvPadding }[] = [
  { h: 5, w: 6, k: 3, s: 1, padding: 'same' },
  { h: 6, w: 6, k: 4, s: 2, padding: 'same' },
  { h: 7, w: 5, k: 4, s: 2, padding: 'same' },
  { h: 7, w: 7, k: 3, s: 2, padding: 'valid' },
];

describe('convolutions (runtime/conv.ts)', () => {
  for (const strategy of ['native', 'im2col'] as ConvStrategy[]) {
    for (const c of CASES) {
      const label = `${c.h}x${c.w} k${c.k} s${c.s} ${c.padding}`;
      it(`${strategy}: conv2d and its transpose ${label}: gradients within 2e-2 of central differences (h = 0.01, seed conv-fd)`, () => {
        useConvStrategy(strategy);
        const rng = new Rng(`conv-fd/${label}`);
        tf.tidy(() => {
          const x = seeded([2, c.h, c.w, 2], rng) as tf.Tensor4D;
          const w = seeded([c.k, c.k, 2, 3], rng, 0.5) as tf.Tensor4D;
          const r = seeded(conv2d(x, w, c.s, c.padding).shape, rng);
          expect(fdError(conv2d, x, w, c.s, c.padding, r)).toBeLessThan(2e-2);
          const y = seeded(conv2d(x, w, c.s, c.padding).shape.slice(0, 3).concat([3]), rng) as tf.Tensor4D;
          const rt = seeded(convTranspose2d(y, w, c.s, c.padding).shape, rng);
          expect(fdError(convTranspose2d, y, w, c.s, c.padding, rt)).toBeLessThan(2e-2);
        });
        useConvStrategy('native');
      });
    }
  }

  it('every formulation agrees with tf.conv2d / tf.conv2dTranspose (forward, within 1e-4) on the backend in use', () => {
    const rng = new Rng('conv-agree');
    for (const c of CASES) {
      tf.tidy(() => {
        const x = seeded([3, c.h, c.w, 4], rng) as tf.Tensor4D;
        const w = seeded([c.k, c.k, 4, 5], rng) as tf.Tensor4D;
        const ref = tf.conv2d(x, w, c.s, c.padding);
        const y = seeded([3, ref.shape[1], ref.shape[2], 5], rng) as tf.Tensor4D;
        const refT = tf.conv2dTranspose(y, w, [3, c.h, c.w, 4], c.s, c.padding);
        for (const s of ['native', 'im2col'] as ConvStrategy[]) {
          useConvStrategy(s);
          expect(tf.max(tf.abs(tf.sub(conv2d(x, w, c.s, c.padding), ref))).dataSync()[0]).toBeLessThan(1e-4);
          // The transpose of a convolution is defined by its output size; 'same' doubles, which matches x's shape only for even sizes.
          const t = convTranspose2d(y, w, c.s, c.padding);
          if (t.shape[1] === c.h && t.shape[2] === c.w) expect(tf.max(tf.abs(tf.sub(t, refT))).dataSync()[0]).toBeLessThan(1e-4);
        }
        useConvStrategy('native');
      });
    }
  });
});

// ---------------------------------------------------------------- GRU

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** PyTorch's GRU equations in plain JavaScript for one sequence: the last hidden state. */
function gruReference(seq: number[][], wi: Float32Array, bi: Float32Array, wh: Float32Array, bh: Float32Array, H: number): number[] {
  let h = new Array<number>(H).fill(0);
  for (const x of seq) {
    const gi = new Array<number>(3 * H).fill(0).map((_, j) => bi[j]! + x.reduce((a, xv, f) => a + xv * wi[f * 3 * H + j]!, 0));
    const gh = new Array<number>(3 * H).fill(0).map((_, j) => bh[j]! + h.reduce((a, hv, k) => a + hv * wh[k * 3 * H + j]!, 0));
    const next = new Array<number>(H);
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gi[j]! + gh[j]!);
      const z = sigmoid(gi[H + j]! + gh[H + j]!);
      const n = Math.tanh(gi[2 * H + j]! + r * gh[2 * H + j]!);
      next[j] = (1 - z) * n + z * h[j]!;
    }
    h = next;
  }
  return h;
}

describe('GRU (runtime/gru.ts)', () => {
  it('matches PyTorch\'s GRU equations computed in plain JavaScript (within 1e-5), every step and the last', () => {
    const store = new ParamStore();
    const gru = new Gru({ name: 'g', layers: [3, 4], last: false }, store, new Rng('gru-ref'));
    const last = new Gru({ name: 'g', layers: [3, 4], last: true }, store, new Rng('gru-ref'));
    const rng = new Rng('gru-ref-data');
    const x = seeded([2, 5, 3], rng);
    const all = gru.apply(x) as tf.Tensor;
    const fin = last.apply(x) as tf.Tensor;
    expect(all.shape).toEqual([2, 5, 4]);
    expect(fin.shape).toEqual([2, 4]);
    const p = (n: string): Float32Array => store.variable(`g.gru0.${n}`).dataSync() as Float32Array;
    const xs = x.arraySync() as number[][][];
    const allV = all.arraySync() as number[][][];
    const finV = fin.arraySync() as number[][];
    for (let b = 0; b < 2; b++) {
      for (let t = 1; t <= 5; t++) {
        const ref = gruReference(xs[b]!.slice(0, t), p('input.weight'), p('input.bias'), p('hidden.weight'), p('hidden.bias'), 4);
        ref.forEach((v, j) => expect(Math.abs(allV[b]![t - 1]![j]! - v)).toBeLessThan(1e-5));
        if (t === 5) ref.forEach((v, j) => expect(Math.abs(finV[b]![j]! - v)).toBeLessThan(1e-5));
      }
    }
    tf.dispose([x, all, fin]);
    store.dispose();
  });

  it('gradients of a stacked GRU with heads w.r.t. every weight and the input within 2e-2 of central differences (h = 0.01, seed gru-fd)', () => {
    const store = new ParamStore();
    const gru = new Gru({ name: 'g', layers: [2, 3, 2], last: true, heads: [{ name: 'loc', size: 2, constraint: 'real' }] }, store, new Rng('gru-fd'));
    const rng = new Rng('gru-fd-data');
    const x = tf.variable(seeded([2, 4, 2], rng));
    const r = seeded([2, 2], rng);
    const names = store.names();
    const loss = (): tf.Scalar => tf.sum(tf.mul((gru.apply(x) as Record<string, tf.Tensor>)['loc']!, r));
    const vars = [x, ...names.map((n) => store.variable(n))];
    const { grads } = tf.variableGrads(loss, vars);
    const h = 1e-2;
    let worst = 0;
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      const base = v.dataSync().slice();
      for (let i = 0; i < base.length; i++) {
        const at = (delta: number): number => {
          const moved = base.slice();
          moved[i]! += delta;
          v.assign(tf.tensor(moved, v.shape));
          return tf.tidy(() => loss().dataSync()[0]!);
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        worst = Math.max(worst, Math.abs(fd - g[i]!));
      }
    }
    expect(worst).toBeLessThan(2e-2);
    tf.dispose([x, r, ...Object.values(grads)]);
    store.dispose();
  });
});

// ---------------------------------------------------------------- through the language

const CONV_VAE = `
data   x : binary[12, 12]
latent z : real[3]
net enc : conv2d([12, 12] -> 4 k3 s2 -> 8 k3 s2, relu) -> { loc: 3, scale: 3 positive }
net dec : conv_transpose2d(3 -> [3, 3, 8] -> 4 k4 s2 -> 1 k4 s2, relu)
model {
  z ~ Normal(0, 1)
  x ~ Bernoulli(logits = dec(z))
}
guide {
  let q = enc(x)
  z ~ Normal(q.loc, q.scale)
}
`;

function errorsOf(source: string): string[] {
  return checkSource('t.ppl', source).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.line}:${d.span.column} ${d.message}`);
}

describe('conv2d, conv_transpose2d and gru in programs', () => {
  it('a convolutional VAE on [12, 12] images checks, compiles, and its nets give the declared shapes', () => {
    expect(errorsOf(CONV_VAE)).toEqual([]);
    const program = compileOk(CONV_VAE, 'conv-shapes');
    const enc = program.nets.get('enc')!;
    const dec = program.nets.get('dec')!;
    tf.tidy(() => {
      const q = enc.apply(tf.zeros([2, 5, 12, 12])) as Record<string, tf.Tensor>;
      expect(q['loc']!.shape).toEqual([2, 5, 3]);
      expect((dec.apply(tf.zeros([2, 5, 3])) as tf.Tensor).shape).toEqual([2, 5, 12, 12]);
    });
    program.dispose();
  });

  const wrong: { name: string; source: string; message: string }[] = [
    {
      name: 'flat data into an image encoder',
      source: 'data x : real[784]\nnet e : conv2d([28, 28] -> 8 k3) -> { loc: 2 }\nmodel { x ~ Normal(sum(e(x).loc), 1) }',
      message: '3:26 net e reads images of shape [28, 28] (its last 2 axes), got shape [784]; declare the data as an image, e.g. binary[28, 28]',
    },
    {
      name: 'an image of the wrong size',
      source: 'data x : real[28, 27]\nnet e : conv2d([28, 28] -> 8 k3) -> { loc: 2 }\nmodel { x ~ Normal(sum(e(x).loc), 1) }',
      message: '3:26 net e reads images of shape [28, 28] (its last 2 axes), got shape [28, 27]',
    },
    {
      name: 'a convolution without a kernel size',
      source: 'data x : real[8, 8]\nnet e : conv2d([8, 8] -> 8 s2) -> { loc: 2 }\nmodel { x ~ Normal(sum(e(x).loc), 1) }',
      message: '2:28 layer 2 of net e has options but no kernel size; a convolution needs kN, e.g. 8 k3',
    },
    {
      name: 'an unknown layer option',
      source: 'data x : real[8, 8]\nnet e : conv2d([8, 8] -> 8 k3 stride2) -> { loc: 2 }\nmodel { x ~ Normal(sum(e(x).loc), 1) }',
      message: "2:31 unknown layer option 'stride2' in net e; a convolution layer takes kN (kernel size N, required), sN (stride N, default 1), same (default) or valid",
    },
    {
      name: 'a kernel larger than the feature map',
      source: 'data x : real[8, 8]\nnet e : conv2d([8, 8] -> 8 k5 s2 valid -> 8 k5 valid) -> { loc: 2 }\nmodel { x ~ Normal(sum(e(x).loc), 1) }',
      message: '2:43 layer 3 of net e: a 5x5 kernel with valid padding does not fit the 2x2 feature map it reads',
    },
    {
      name: 'a decoder image that the data does not match',
      source: 'data x : binary[28, 28]\nlatent z : real[2]\nnet d : conv_transpose2d(2 -> [7, 7, 8] -> 1 k4 s2)\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Bernoulli(logits = d(z))\n}',
      message: "6:26 Bernoulli's logits has shape [14, 14] but x is declared binary[28, 28]",
    },
    {
      name: 'heads on a decoder',
      source: 'data x : real[2]\nlatent z : real[2]\nnet d : conv_transpose2d(2 -> [7, 7, 8] -> 1 k4 s2) -> { loc: 2 }\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, 1)\n}',
      message: '3:58 a conv_transpose2d net takes no heads: its output is the image of its last layer (declare another net for a second output)',
    },
    {
      name: 'a flat sequence into a gru',
      source: 'data x : real[10]\nnet r : gru(1 -> 4 last) -> { loc: 1 }\nmodel { x ~ Normal(r(x).loc, 1) }',
      message: '3:22 net r reads a sequence of shape [T, 1] (steps, then 1 features), got shape [10]',
    },
    {
      name: 'an activation on a gru',
      source: 'data x : real[10, 1]\nnet r : gru(1 -> 4, relu)\nmodel { x ~ Normal(sum(r(x)), 1) }',
      message: '2:21 net r: a gru takes no activation (its gates are sigmoid and its candidate state tanh)',
    },
    {
      name: 'an unknown family',
      source: 'data x : real[3]\nnet f : conv(3 -> 3)\nmodel { x ~ Normal(f(x), 1) }',
      message: "2:9 unknown net family 'conv'; the families are mlp, conv2d, conv_transpose2d, gru",
    },
  ];
  for (const w of wrong) {
    it(`rejects ${w.name} with a located message`, () => {
      const errors = errorsOf(w.source);
      expect(errors.some((e) => e.startsWith(w.message)), errors.join('\n')).toBe(true);
    });
  }

  it('a gru reads a sequence [T, F]: every step [T, H], or the last state [H] with last', () => {
    const src = 'data x : real[6, 2]\nlatent m : real[1]\nnet r : gru(2 -> 5)\nnet s : gru(2 -> 5 -> 3 last) -> { loc: 1, scale: 1 positive }\nmodel {\n  m ~ Normal(0, 1)\n  x ~ Normal(m + 0 * sum(r(x)), 1)\n}\nguide {\n  let q = s(x)\n  m ~ Normal(q.loc, q.scale)\n}';
    expect(errorsOf(src)).toEqual([]);
    const program = compileOk(src, 'gru-shapes');
    tf.tidy(() => {
      expect((program.nets.get('r')!.apply(tf.zeros([1, 4, 6, 2])) as tf.Tensor).shape).toEqual([1, 4, 6, 5]);
      expect((program.nets.get('s')!.apply(tf.zeros([1, 4, 6, 2])) as Record<string, tf.Tensor>)['loc']!.shape).toEqual([1, 4, 1]);
    });
    program.dispose();
  });

  it('every family of the registry has a builder in the compiler', () => {
    expect([...NET_BUILDERS.keys()].sort()).toEqual([...NET_FAMILIES.keys()].sort());
  });

  it(`runs on the backend in use (${backend || 'auto'})`, () => {
    expect(backend).not.toBe('');
  });
});
