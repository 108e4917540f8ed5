import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { VON_MISES_SPEC } from './spec.js';
import { hostDraws } from './count-samplers.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** sum_i c_i t^i by Horner's rule, t a tensor. */
function poly(t: Tensor, c: readonly number[]): Tensor {
  let acc: Tensor = tf.scalar(c[c.length - 1]!);
  for (let i = c.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, t), c[i]!);
  return acc;
}

// Abramowitz & Stegun 9.8.1 (|x| <= 3.75, in t^2 with t = x / 3.75; |error| < 1.6e-7) and
// 9.8.2 (x >= 3.75, x^(1/2) e^(-x) I0(x) in 1 / t; |error| < 1.9e-7).
const I0_SMALL = [1, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813];
const I0_LARGE = [0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633, 0.00392377];

/**
 * log I0(x) for x >= 0, the modified Bessel function of order 0, from the polynomial
 * approximations of Abramowitz & Stegun 9.8.1-2, each branch evaluated on its own range (so
 * neither overflows); differentiable (its gradient approximates I1 / I0).
 */
export function logBesselI0(x: Tensor): Tensor {
  const small = tf.minimum(x, 3.75);
  const large = tf.maximum(x, 3.75);
  const logSmall = tf.log(poly(tf.square(tf.div(small, 3.75)), I0_SMALL));
  const logLarge = tf.add(tf.sub(large, tf.mul(0.5, tf.log(large))), tf.log(poly(tf.div(3.75, large), I0_LARGE)));
  return tf.where(tf.lessEqual(x, 3.75), logSmall, logLarge);
}

/** A von Mises draw around 0 (Best & Fisher 1979, as in numpy), in float64; a wrapped Normal above kappa = 1e6. */
export function vonMisesSample(kappa: number, rng: Rng): number {
  if (!(kappa > 1e-8)) return Math.PI * (2 * rng.uniform() - 1);
  if (kappa > 1e6) {
    const u1 = rng.uniform() || Number.MIN_VALUE;
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.uniform());
    return wrap(z / Math.sqrt(kappa));
  }
  const tau = 1 + Math.sqrt(1 + 4 * kappa * kappa);
  const rho = (tau - Math.sqrt(2 * tau)) / (2 * kappa);
  const r = (1 + rho * rho) / (2 * rho);
  for (;;) {
    const u1 = rng.uniform();
    const u2 = rng.uniform();
    const z = Math.cos(Math.PI * u1);
    const f = (1 + r * z) / (r + z);
    const c = kappa * (r - f);
    if (c * (2 - c) - u2 > 0 || (u2 > 0 && Math.log(c / u2) + 1 - c >= 0)) {
      const theta = Math.acos(Math.max(-1, Math.min(1, f)));
      return rng.uniform() < 0.5 ? -theta : theta;
    }
  }
}

/** The angle in (-pi, pi] equal to `a` modulo 2 pi. */
function wrap(a: number): number {
  const w = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
  return w === -Math.PI ? Math.PI : w;
}

/** VonMises(loc, concentration kappa): density exp(kappa cos(z - loc)) / (2 pi I0(kappa)) on the circle. */
export class VonMises implements Distribution {
  readonly spec = VON_MISES_SPEC;

  constructor(readonly loc: Tensor, readonly concentration: Tensor) {}

  /** Drawn in float64 (Best & Fisher), wrapped to (-pi, pi]; no gradient flows through it. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    return hostDraws(shape, [this.loc, this.concentration], 'vonmises', rng, ([loc, kappa], js) => wrap(loc! + vonMisesSample(kappa!, js)));
  }

  logProb(value: Tensor): Tensor {
    const k = this.concentration;
    return tf.sub(tf.mul(k, tf.cos(tf.sub(value, this.loc))), tf.add(logBesselI0(k), LOG_2PI));
  }

  /** The circular mean, loc. */
  mean(): Tensor {
    return this.loc;
  }
}
