// Convolution formulations on one backend, side by side: for each layer of the convolutional
// VAE (models/conv_vae.ppl) at one batch size, a forward and backward pass (the gradients of a
// weighted sum w.r.t. input and filters) with runtime/conv.ts's formulations: 'native' (every pass one
// convolution of the backend: the input gradient by the sub-pixel decomposition, the filter
// gradient as a dilated convolution), 'native-patches' (tfjs' Conv2DBackpropInput for the input
// gradient, an im2col matmul for the filter's) and 'im2col' (every pass a matmul over gathered
// patches), plus tfjs' own tf.conv2d gradients where the
// backend has them ('reference'; wasm lacks Conv2DBackpropFilter). Interleaved step by step,
// median over rounds; nothing here fails.
//
//   npm run build && node dist/bench/conv-speed.js [--backend wasm] [--batch 100] [--rounds 3] [--steps 10]
//       [--candidates native,native-patches,im2col]
//
// Prints, per layer, `ratio FORMULATION/native LAYER R`: R < 1 means faster than 'native'.
import { tf } from '../runtime/tf.js';
import { initBackend, parseBackendChoice, describeBackend } from '../runtime/backend.js';
import { conv2d, convTranspose2d, useConvStrategy, type ConvStrategy } from '../runtime/conv.js';
import { Rng } from '../runtime/random.js';
import type { SpeedCandidate } from './candidate.js';
import { timeRounds } from './speed.js';

interface Layer {
  name: string;
  transpose: boolean;
  input: [number, number, number];
  /** [k, k, in, out] for a convolution, [k, k, out, in] for a transposed one (tfjs' layouts). */
  filter: [number, number, number, number];
  stride: number;
}

const LAYERS: readonly Layer[] = [
  { name: 'encoder conv 28x28x1 -> 14x14x32', transpose: false, input: [28, 28, 1], filter: [4, 4, 1, 32], stride: 2 },
  { name: 'encoder conv 14x14x32 -> 7x7x64', transpose: false, input: [14, 14, 32], filter: [4, 4, 32, 64], stride: 2 },
  { name: 'decoder deconv 7x7x64 -> 14x14x32', transpose: true, input: [7, 7, 64], filter: [4, 4, 32, 64], stride: 2 },
  { name: 'decoder deconv 14x14x32 -> 28x28x1', transpose: true, input: [14, 14, 32], filter: [4, 4, 1, 32], stride: 2 },
];

function seeded(shape: readonly number[], rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (rng.uniform() - 0.5) * 0.2;
  return tf.tensor(v, [...shape]);
}

function candidate(strategy: ConvStrategy, layer: Layer, batch: number, rng: Rng): SpeedCandidate {
  const x = tf.variable(seeded([batch, ...layer.input], rng));
  const w = tf.variable(seeded(layer.filter, rng));
  const op = layer.transpose ? convTranspose2d : conv2d;
  const r = tf.tidy(() => seeded(op(x as tf.Tensor4D, w as tf.Tensor4D, layer.stride, 'same').shape, rng));
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D, layer.stride, 'same'), r)));
  return {
    name: strategy,
    step: () => {
      useConvStrategy(strategy);
      tf.tidy(() => {
        // Reading a scalar of each waits for the work without timing a large copy out of wasm memory.
        const [dx, dw] = grads([x, w]);
        tf.addN([tf.sum(dx!), tf.sum(dw!)]).dataSync();
      });
      useConvStrategy('native');
    },
    dispose: () => tf.dispose([x, w, r]),
  };
}

function parseArgs(argv: readonly string[]): { backend: string; batch: number; rounds: number; steps: number; candidates?: ConvStrategy[] } {
  const a: { backend: string; batch: number; rounds: number; steps: number; candidates?: ConvStrategy[] } = { backend: 'wasm', batch: 100, rounds: 3, steps: 10 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--backend') a.backend = v;
    else if (argv[i] === '--batch') a.batch = Number(v);
    else if (argv[i] === '--rounds') a.rounds = Number(v);
    else if (argv[i] === '--steps') a.steps = Number(v);
    else if (argv[i] === '--candidates') a.candidates = v.split(',') as ConvStrategy[];
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const info = await initBackend(parseBackendChoice(args.backend));
console.log(`convolution formulations on ${describeBackend(info)}, batch ${args.batch}, ${args.rounds} rounds of ${args.steps} interleaved forward+backward steps`);
// The first is the reference of the ratios; 'reference' needs Conv2DBackpropFilter, which wasm lacks.
const strategies: ConvStrategy[] = args.candidates ?? ['native', 'native-patches', 'im2col', ...(tf.getBackend() === 'wasm' ? [] : (['reference'] as ConvStrategy[]))];
const rng = new Rng('conv-bench');
const lines: string[] = [];
for (const layer of LAYERS) {
  const cands = strategies.map((s) => candidate(s, layer, args.batch, rng));
  const res = timeRounds(cands, args.rounds, { steps: args.steps, warmup: 2, batchSize: args.batch });
  console.log(`${layer.name}: ${cands.map((c, i) => `${c.name} ${res.medianMs[i]!.toFixed(1)} ms`).join(', ')}`);
  cands.forEach((c, i) => {
    if (i > 0) lines.push(`ratio ${c.name}/${cands[0]!.name} ${layer.name} ${res.ratio[i]!.toFixed(3)} (fastest steps ${res.minRatio[i]!.toFixed(3)})`);
  });
  for (const c of cands) c.dispose();
}
for (const l of lines) console.log(l);
