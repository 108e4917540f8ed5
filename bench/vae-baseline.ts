// A hand-written tfjs VAE training step, as fast as tfjs allows on the backend in use: the
// yardstick for the compiled models/vae.ppl step (bench/speed.ts times both side by side).
//
// Architecture (Kingma & Welling's MNIST VAE, PyTorch-style init):
//   encoder  x[784] -> 400 relu -> loc[20], scale[20] = softplus(.)   (one 400x40 head matrix)
//   decoder  z[20]  -> 400 relu -> logits[784]
//   ELBO per datapoint = sum_d (x l - softplus(l)) - KL(N(loc, scale^2) || N(0, 1)),
//   one reparameterized sample z = loc + scale * eps; loss = -mean ELBO; Adam (tf.train.adam).
//
// Speed decisions (measured with bench/speed.ts, wasm, batch 100-128, interleaved runs):
//  - every layer goes through runtime/dense.ts (custom kernel on wasm/cpu: fused forward,
//    transpose-free XNNPACK backward, no dL/dx for the data layer): 4-5x faster on wasm than
//    matMul/add/relu with tfjs autodiff (--candidates baseline,naive-dense);
//  - loc and scale share one 400x40 matmul (mathematically two nn.Linear(400, 20));
//  - the loss is summed over the whole batch then divided by n (no per-row reductions);
//  - the Bernoulli term avoids tf.softplus (slow scalar code on wasm) and has a hand-written
//    gradient sigmoid(l) - x (runtime/distributions/bernoulli.ts, shared with the compiler): ~5% of the step (--candidates ...,plain-likelihood);
//  - step() reads the ELBO every step: on wasm/cpu/node kernels run synchronously, so the read
//    costs nothing measurable (stepNoSync is there for loops that read lazily anyway).
// What remains on wasm: about half matmuls (XNNPACK), a quarter tf.train.adam (14 element-wise
// ops per variable, ~8 ms at batch 100), the rest small ops and per-op overhead (~240 kernels).
import { tf } from '../runtime/tf.js';
import { denseWith, denseStrategyFor, type DenseStrategy } from '../runtime/dense.js';
import { Rng } from '../runtime/random.js';
import { bernoulliLogProb } from '../runtime/distributions/bernoulli.js';

export const VAE_SIZES = { input: 784, hidden: 400, latent: 20 } as const;

export interface BaselineVaeOptions {
  seed: string;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Dense-layer formulation; default: the fastest for the backend (runtime/dense.ts). */
  dense?: DenseStrategy;
  /** Bernoulli term as tf.softplus(l) - x l with tfjs autodiff (for comparison). */
  plainLikelihood?: boolean;
}

export interface BaselineVae {
  /** One Adam step on the batch x [n, 784]; returns the per-datapoint ELBO (synced). */
  step(x: tf.Tensor2D): number;
  /** One Adam step; returns the per-datapoint ELBO as a scalar tensor, unread (caller disposes). */
  stepNoSync(x: tf.Tensor2D): tf.Scalar;
  /** Per-datapoint ELBO of x without updating (one sample). */
  elbo(x: tf.Tensor2D): number;
  readonly variables: readonly tf.Variable[];
  dispose(): void;
}

interface Layer {
  w: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R1>;
}

/** PyTorch's nn.Linear default: weights and biases uniform in +-1/sqrt(fan_in). */
let instances = 0;

function linear(rng: Rng, name: string, fanIn: number, fanOut: number): Layer {
  const bound = 1 / Math.sqrt(fanIn);
  const u = (count: number): Float32Array => {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = (2 * rng.uniform() - 1) * bound;
    return out;
  };
  return {
    w: tf.variable(tf.tensor2d(u(fanIn * fanOut), [fanIn, fanOut]), true, `${name}.weight`),
    b: tf.variable(tf.tensor1d(u(fanOut)), true, `${name}.bias`),
  };
}

export function createBaselineVae(opts: BaselineVaeOptions): BaselineVae {
  const { input, hidden, latent } = VAE_SIZES;
  const rng = new Rng(opts.seed);
  // tfjs variable names are global; several instances may live side by side.
  const prefix = `baselineVae${instances++}`;
  const initRng = rng.derive('init');
  const noiseRng = rng.derive('noise');
  const enc1 = linear(initRng, `${prefix}.encoder.fc1`, input, hidden);
  const encHeads = linear(initRng, `${prefix}.encoder.heads`, hidden, 2 * latent);
  const dec1 = linear(initRng, `${prefix}.decoder.fc1`, latent, hidden);
  const dec2 = linear(initRng, `${prefix}.decoder.fc2`, hidden, input);
  const layers = [enc1, encHeads, dec1, dec2];
  const variables: tf.Variable[] = layers.flatMap((l) => [l.w as tf.Variable, l.b as tf.Variable]);
  // PyTorch's Adam defaults, as inference/optimizers.ts (tfjs' default epsilon is 1e-7).
  const optimizer = tf.train.adam(opts.lr ?? 1e-3, 0.9, 0.999, 1e-8);
  const strategy = opts.dense ?? denseStrategyFor(tf.getBackend());
  const fc = (x: tf.Tensor2D, l: Layer, act: 'relu' | 'linear'): tf.Tensor2D =>
    denseWith(strategy, x, l.w as tf.Tensor as tf.Tensor2D, l.b as tf.Tensor as tf.Tensor1D, act);

  /** -(per-datapoint ELBO), averaged over the batch. */
  const loss = (x: tf.Tensor2D): tf.Scalar => {
    const n = x.shape[0];
    const h = fc(x, enc1, 'relu');
    const heads = fc(h, encHeads, 'linear');
    const [loc, pre] = tf.split(heads, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const scale = tf.softplus(pre);
    const eps = tf.randomNormal([n, latent], 0, 1, 'float32', noiseRng.nextSeed());
    const z = tf.add(loc, tf.mul(scale, eps)) as tf.Tensor2D;
    const logits = fc(fc(z, dec1, 'relu'), dec2, 'linear');
    const nll = opts.plainLikelihood
      ? tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)))
      : tf.neg(tf.sum(bernoulliLogProb(logits, x)));
    // KL(N(m, s^2) || N(0, 1)) = sum 0.5 (s^2 + m^2 - 1) - log s
    const kl = tf.sub(tf.mul(0.5, tf.sum(tf.add(tf.square(scale), tf.square(loc)))), tf.sum(tf.log(scale)));
    return tf.sub(tf.div(tf.add(nll, kl), n), 0.5 * latent) as tf.Scalar;
  };

  const stepNoSync = (x: tf.Tensor2D): tf.Scalar => {
    const cost = optimizer.minimize(() => loss(x), true, variables);
    const elbo = tf.neg(cost!) as tf.Scalar;
    cost!.dispose();
    return elbo;
  };

  return {
    variables,
    stepNoSync,
    step(x) {
      const elbo = stepNoSync(x);
      const v = elbo.dataSync()[0]!;
      elbo.dispose();
      return v;
    },
    elbo(x) {
      const l = tf.tidy(() => loss(x));
      const v = -l.dataSync()[0]!;
      l.dispose();
      return v;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(variables);
    },
  };
}
