// log|Gamma|, digamma and trigamma over the whole real line as tensor ops (tfjs has none of
// them), for the language's lgamma and digamma. The distributions' lgamma and digamma
// (distributions/special.ts) serve positive arguments only and differentiate through their
// ops; these reflect negative arguments and carry their derivatives as custom gradients, so
// that the reflection's branches never meet on the gradient tape (where a NaN of the branch
// not taken would leak through tf.where's gradient).
import { tf, type Tensor } from './tf.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_PI = Math.log(Math.PI);
/** Below this the reflection formula is used: its argument 1 - x is then above 0.5. */
const REFLECT_BELOW = 0.5;
/** The recurrence shifts the argument by this much before the asymptotic series. */
const SHIFT = 6;

/** sin(pi x), with x reduced to [-1, 1] first so that float32 keeps its precision far from 0. */
function sinPi(x: Tensor): Tensor {
  const r = tf.sub(x, tf.mul(2, tf.round(tf.mul(x, 0.5))));
  return tf.sin(tf.mul(Math.PI, r));
}

/** A non-positive integer: a pole of Gamma, digamma and trigamma. */
function isPole(x: Tensor): Tensor {
  return tf.logicalAnd(tf.lessEqual(x, 0), tf.equal(tf.floor(x), x));
}

/**
 * lgamma(y) for y >= 0.5: lgamma(y) = lgamma(y + 6) - log(y (y+1) ... (y+5)), and Stirling's
 * series at y + 6 >= 6.5 (DLMF 5.11.1, truncation error below 1e-9).
 */
function lgammaPositive(y: Tensor): Tensor {
  const z = tf.add(y, SHIFT);
  const r = tf.reciprocal(z);
  const r2 = tf.square(r);
  const series = tf.mul(r, tf.sub(1 / 12, tf.mul(r2, tf.sub(1 / 360, tf.mul(r2, tf.sub(1 / 1260, tf.mul(r2, 1 / 1680)))))));
  const stirling = tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), tf.add(series, HALF_LOG_2PI));
  let logProduct = tf.log(y);
  for (let k = 1; k < SHIFT; k++) logProduct = tf.add(logProduct, tf.log(tf.add(y, k)));
  return tf.sub(stirling, logProduct);
}

/** digamma(y) for y >= 0.5: the recurrence psi(y) = psi(y + 6) - sum 1/(y + k), and DLMF 5.11.2 at y + 6. */
function digammaPositive(y: Tensor): Tensor {
  const z = tf.add(y, SHIFT);
  const r = tf.reciprocal(z);
  const r2 = tf.square(r);
  const series = tf.mul(r2, tf.sub(1 / 12, tf.mul(r2, tf.sub(1 / 120, tf.mul(r2, tf.sub(1 / 252, tf.mul(r2, 1 / 240)))))));
  let shift = tf.reciprocal(y);
  for (let k = 1; k < SHIFT; k++) shift = tf.add(shift, tf.reciprocal(tf.add(y, k)));
  return tf.sub(tf.sub(tf.sub(tf.log(z), tf.mul(0.5, r)), series), shift);
}

/**
 * trigamma(y) for y >= 0.5: psi'(y) = psi'(y + 6) + sum 1/(y + k)^2, and the asymptotic series
 * psi'(z) ~ 1/z + 1/(2z^2) + 1/(6z^3) - 1/(30z^5) + 1/(42z^7) - 1/(30z^9) (DLMF 5.15.8).
 */
function trigammaPositive(y: Tensor): Tensor {
  const z = tf.add(y, SHIFT);
  const r = tf.reciprocal(z);
  const r2 = tf.square(r);
  const tail = tf.mul(tf.mul(r2, r), tf.sub(1 / 6, tf.mul(r2, tf.sub(1 / 30, tf.mul(r2, tf.sub(1 / 42, tf.mul(r2, 1 / 30)))))));
  const asymptotic = tf.add(tf.add(r, tf.mul(0.5, r2)), tail);
  let shift = tf.reciprocal(tf.square(y));
  for (let k = 1; k < SHIFT; k++) shift = tf.add(shift, tf.reciprocal(tf.square(tf.add(y, k))));
  return tf.add(asymptotic, shift);
}

/** The value of `f` on the whole line: `f` itself at x >= 0.5, `reflected(x, f(1 - x))` below, `atPole` at the poles. */
function reflect(x: Tensor, f: (y: Tensor) => Tensor, reflected: (x: Tensor, fy: Tensor) => Tensor, atPole: number): Tensor {
  return tf.tidy(() => {
    const below = tf.less(x, REFLECT_BELOW);
    const y = tf.where(below, tf.sub(1, x), x);
    const fy = f(y);
    const value = tf.where(below, reflected(x, fy), fy);
    return tf.where(isPole(x), tf.fill(x.shape, atPole), value);
  });
}

/** trigamma(x) = -trigamma(1 - x) + pi^2 / sin^2(pi x) below 0.5 (DLMF 5.15.6). */
export function trigammaReal(x: Tensor): Tensor {
  return reflect(x, trigammaPositive, (t, fy) => tf.sub(tf.div(Math.PI * Math.PI, tf.square(sinPi(t))), fy), Infinity);
}

/** digamma(x) = digamma(1 - x) - pi cos(pi x) / sin(pi x) below 0.5 (DLMF 5.5.4); NaN at the poles. */
function digammaValue(x: Tensor): Tensor {
  return reflect(x, digammaPositive, (t, fy) => tf.sub(fy, tf.div(tf.mul(Math.PI, tf.cos(tf.mul(Math.PI, t))), sinPi(t))), NaN);
}

/** log|Gamma(x)| = log(pi / |sin(pi x)|) - lgamma(1 - x) below 0.5 (DLMF 5.5.3); +Infinity at the poles. */
function lgammaValue(x: Tensor): Tensor {
  return reflect(x, lgammaPositive, (t, fy) => tf.sub(tf.sub(LOG_PI, tf.log(tf.abs(sinPi(t)))), fy), Infinity);
}

type Unary = (x: Tensor) => Tensor;

/** `value` with the gradient dy * derivative(x), both computed off the tape. */
function withDerivative(value: Unary, derivative: Unary): Unary {
  return tf.customGrad((...inputs: (Tensor | tf.GradSaveFunc)[]) => {
    const x = inputs[0] as Tensor;
    const save = inputs[1] as tf.GradSaveFunc;
    save([x]);
    return {
      value: value(x),
      gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, derivative(saved[0]!)),
    };
  }) as Unary;
}

/** log|Gamma(x)| elementwise; its gradient is digamma. */
export const lgammaReal: Unary = withDerivative(lgammaValue, digammaValue);

/** The digamma function elementwise; its gradient is trigamma. */
export const digammaReal: Unary = withDerivative(digammaValue, trigammaReal);
