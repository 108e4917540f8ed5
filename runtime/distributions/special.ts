// Special functions and samplers the distributions share: log-gamma and digamma as tensor ops
// (tfjs has neither), their float64 counterparts, and the float64 samplers of Gamma and Poisson
// variates together with the implicit reparameterization gradient of a Gamma variate.
import { tf, type Tensor } from '../tf.js';
import { Rng } from '../random.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The smallest normal float32 (samples are kept at or above it so their logs stay finite). */
export const FLOAT32_TINY = 1.1754944e-38;
/** The largest float32 below 1. */
export const FLOAT32_ONE_MINUS = 1 - 2 ** -24;

// ---------------------------------------------------------------- tensor ops

/**
 * log Gamma(x) for x > 0, elementwise: the recurrence lgamma(x) = lgamma(x + 6) - log(x (x+1)
 * ... (x+5)) and Stirling's series at x + 6 (truncation error below 1e-9, so float32 rounding
 * dominates). Built from differentiable ops: its gradient is (to the same accuracy) digamma.
 */
export function lgamma(x: Tensor): Tensor {
  return tf.tidy(() => {
    const y = tf.add(x, 6);
    const r = tf.reciprocal(y);
    const r2 = tf.square(r);
    // 1/(12 y) - 1/(360 y^3) + 1/(1260 y^5) - 1/(1680 y^7)
    const series = tf.mul(r, tf.sub(1 / 12, tf.mul(r2, tf.sub(1 / 360, tf.mul(r2, tf.sub(1 / 1260, tf.mul(r2, 1 / 1680)))))));
    const stirling = tf.add(tf.sub(tf.mul(tf.sub(y, 0.5), tf.log(y)), y), tf.add(series, HALF_LOG_2PI));
    const p1 = tf.mul(tf.mul(x, tf.add(x, 1)), tf.add(x, 2));
    const p2 = tf.mul(tf.mul(tf.add(x, 3), tf.add(x, 4)), tf.add(x, 5));
    return tf.sub(stirling, tf.add(tf.log(p1), tf.log(p2)));
  });
}

/** The digamma function psi(x) = d/dx log Gamma(x) for x > 0, elementwise (differentiable: trigamma). */
export function digamma(x: Tensor): Tensor {
  return tf.tidy(() => {
    const y = tf.add(x, 6);
    const r = tf.reciprocal(y);
    const r2 = tf.square(r);
    // log y - 1/(2y) - 1/(12 y^2) + 1/(120 y^4) - 1/(252 y^6) + 1/(240 y^8)
    const series = tf.mul(r2, tf.sub(1 / 12, tf.mul(r2, tf.sub(1 / 120, tf.mul(r2, tf.sub(1 / 252, tf.mul(r2, 1 / 240)))))));
    let shift = tf.reciprocal(x);
    for (let k = 1; k < 6; k++) shift = tf.add(shift, tf.reciprocal(tf.add(x, k)));
    return tf.sub(tf.sub(tf.sub(tf.log(y), tf.mul(0.5, r)), series), shift);
  });
}

/** log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). */
export function lbeta(a: Tensor, b: Tensor): Tensor {
  return tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(tf.add(a, b)));
}

/** Sum `g` over the axes along which `shape` was broadcast, giving a tensor of `shape`. */
export function reduceTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.join(',') === shape.join(',')) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return tf.reshape(tf.sum(g, axes), [...shape]);
}

/** numpy broadcast of static shapes (throws when they do not broadcast). */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const v = k >= 0 ? s[k]! : 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) throw new Error(`internal: shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')} do not broadcast`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Uniform noise in [FLOAT32_TINY, 1): its log and log1p(-u) are finite. */
export function uniformNoise(shape: readonly number[], rng: Rng): Tensor {
  return tf.randomUniform([...shape], FLOAT32_TINY, 1, 'float32', rng.nextSeed());
}

// ---------------------------------------------------------------- float64 special functions

/** log Gamma(x) for x > 0 in float64 (recurrence to x >= 10, then Stirling; error < 1e-13). */
export function lgammaNum(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += Math.log(y);
    y += 1;
  }
  const r = 1 / y;
  const r2 = r * r;
  const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + series - shift;
}

/** digamma(x) for x > 0 in float64. */
export function digammaNum(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += 1 / y;
    y += 1;
  }
  const r2 = 1 / (y * y);
  const series = r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 / 132))));
  return Math.log(y) - 0.5 / y - series - shift;
}

// ---------------------------------------------------------------- float64 samplers

/** A standard normal draw (Marsaglia's polar method). */
function normalNum(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.uniform() - 1;
    const v = 2 * rng.uniform() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** log of a Gamma(a, 1) draw: Marsaglia & Tsang (2000), boosted by U^(1/a) when a < 1. */
export function logGammaSample(a: number, rng: Rng): number {
  if (a < 1) {
    let u = rng.uniform();
    while (u === 0) u = rng.uniform();
    return logGammaSample(a + 1, rng) + Math.log(u) / a;
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normalNum(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.uniform();
    if (u > 0 && Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}

/** A Poisson(lam) draw: inversion for small rates, Hormann's PTRS (1993) for lam >= 10. */
export function poissonSample(lam: number, rng: Rng): number {
  if (!(lam > 0)) return 0;
  if (lam < 10) {
    const limit = Math.exp(-lam);
    let k = 0;
    let p = rng.uniform();
    while (p > limit) {
      k++;
      p *= rng.uniform();
    }
    return k;
  }
  const slam = Math.sqrt(lam);
  const loglam = Math.log(lam);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - lgammaNum(k + 1)) return k;
  }
}

// ---------------------------------------------------------------- implicit reparameterization

const MAX_ITER = 100_000;
const EPS = 1e-15;
const FPMIN = 1e-300;

/**
 * d log z / d a for a Gamma(a, 1) variate z held at a fixed quantile: the implicit
 * reparameterization gradient of Figurnov et al. (2018), dz/da = -(dP(a, z)/da) / p(z; a), with
 * P the regularized lower incomplete gamma function, divided by z. Float64 throughout:
 * - z < a + 1: P = z^a e^-z S / Gamma(a + 1) with S = sum_n z^n / ((a+1)...(a+n)), so
 *   dz/da / z = -(S / a) (log z - psi(a + 1) + S'/S), with S' the termwise derivative in a;
 * - otherwise Q = 1 - P = z^a e^-z C / Gamma(a) with C Legendre's continued fraction, evaluated
 *   by the modified Lentz method carrying d/da alongside (forward mode), and
 *   dz/da / z = C (log z - psi(a)) + C'.
 * Both forms are ratios of P (or Q) to the density, so nothing under- or overflows.
 */
export function gammaLogSampleGrad(a: number, logz: number): number {
  const z = Math.exp(logz);
  if (z < a + 1) {
    let t = 1;
    let dt = 0;
    let s = 1;
    let ds = 0;
    let h = 0;
    for (let n = 1; n < MAX_ITER; n++) {
      const inv = 1 / (a + n);
      h += inv;
      t *= z * inv;
      dt = t * -h;
      s += t;
      ds += dt;
      if (t < EPS * s && Math.abs(dt) < EPS * Math.abs(ds) + 1e-300) break;
    }
    return -(s / a) * (logz - digammaNum(a + 1) + ds / s);
  }
  // Continued fraction for Gamma(a, z): b_i = z + 1 - a + 2i, a_i = -i (i - a); d/da of each.
  let b = z + 1 - a;
  const db = -1;
  let c = 1 / FPMIN;
  let dc = 0;
  let d = 1 / b;
  let dd = -db / (b * b);
  let hh = d;
  let dh = dd;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    const dan = i;
    b += 2;
    // d = an d + b
    let dNew = an * d + b;
    let ddNew = dan * d + an * dd + db;
    if (Math.abs(dNew) < FPMIN) dNew = FPMIN;
    // c = b + an / c
    let cNew = b + an / c;
    const dcNew = db + (dan * c - an * dc) / (c * c);
    if (Math.abs(cNew) < FPMIN) cNew = FPMIN;
    // d = 1 / d
    const dInv = 1 / dNew;
    ddNew = -ddNew * dInv * dInv;
    d = dInv;
    dd = ddNew;
    c = cNew;
    dc = dcNew;
    const del = d * c;
    const ddel = dd * c + d * dc;
    dh = dh * del + hh * ddel;
    hh *= del;
    if (Math.abs(del - 1) < EPS && Math.abs(ddel) < EPS * Math.abs(dh) + 1e-300) break;
  }
  return hh * (logz - digammaNum(a)) + dh;
}

/**
 * Draws of Gamma(alpha, 1), one per element of `alpha`, in float64: their logs (not clamped:
 * a draw at a small alpha can be far below float32's range) and d log z / d alpha, the implicit
 * reparameterization gradient. Beta and Dirichlet normalize these in log space.
 */
export function standardGammaDraws(alpha: Float32Array | Float64Array | Int32Array | Uint8Array, rng: Rng): { logz: Float64Array; dlogz: Float64Array } {
  const js = new Rng(`gamma:${rng.nextSeed()}`);
  const n = alpha.length;
  const logz = new Float64Array(n);
  const dlogz = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    if (!(a > 0) || !Number.isFinite(a)) {
      logz[i] = NaN;
      dlogz[i] = NaN;
      continue;
    }
    // Not clamped: Beta and Dirichlet normalize in log space, where tiny draws are fine.
    const lz = logGammaSample(a, js);
    logz[i] = lz;
    dlogz[i] = gammaLogSampleGrad(a, lz);
  }
  return { logz, dlogz };
}

/** A Gamma(alpha, 1) sample of alpha's shape, pathwise in alpha through the implicit gradient. */
export function standardGammaSample(alpha: Tensor, rng: Rng): Tensor {
  const { logz, dlogz } = standardGammaDraws(alpha.dataSync() as Float32Array, rng);
  const z = new Float32Array(logz.length);
  const dz = new Float32Array(logz.length);
  for (let i = 0; i < z.length; i++) {
    // Kept at or above the smallest normal float32, so log z stays finite.
    const zi = Math.max(Math.exp(logz[i]!), FLOAT32_TINY);
    z[i] = zi;
    dz[i] = zi * dlogz[i]!;
  }
  const value = tf.tensor(z, alpha.shape, 'float32');
  const grad = tf.tensor(dz, alpha.shape, 'float32');
  // The factor goes through `save`: tensors of the forward pass that are not saved are disposed before the backward pass.
  const f = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    (args[1] as tf.GradSaveFunc)([grad]);
    return { value, gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, saved[0]!) };
  }) as (a: Tensor) => Tensor;
  return f(alpha);
}
