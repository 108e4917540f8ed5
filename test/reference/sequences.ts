// Reference computations for the sequence models, in plain float64 JavaScript: simulated data
// from known parameters, the forward algorithm of a Gaussian HMM and the Kalman filter of a
// linear-Gaussian state-space model. The tests compare the engine's answers with these.
import { Rng } from '../../runtime/random.js';

export function normalDraw(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
}

function categoricalDraw(p: readonly number[], rng: Rng): number {
  let u = rng.uniform();
  for (let k = 0; k < p.length; k++) {
    u -= p[k]!;
    if (u < 0) return k;
  }
  return p.length - 1;
}

export interface Hmm {
  init: number[];
  trans: number[][];
  mu: number[];
  sigma: number;
}

/** `n` sequences of `t` steps; sequence i is cut to lengths[i] steps (the rest NaN, missing) when given. */
export function simulateHmm(hmm: Hmm, n: number, t: number, rng: Rng, lengths?: (i: number) => number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const len = lengths?.(i) ?? t;
    let z = categoricalDraw(hmm.init, rng);
    const row: number[] = [];
    for (let s = 0; s < t; s++) {
      if (s > 0) z = categoricalDraw(hmm.trans[z]!, rng);
      const x = hmm.mu[z]! + hmm.sigma * normalDraw(rng);
      row.push(s < len ? x : NaN);
    }
    out.push(row);
  }
  return out;
}

function logNormal(x: number, mu: number, sigma: number): number {
  return -0.5 * Math.log(2 * Math.PI) - Math.log(sigma) - (0.5 * (x - mu) ** 2) / sigma ** 2;
}

function logSumExp(a: readonly number[]): number {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** log p(x) of one sequence by the forward algorithm (missing entries, NaN, add nothing). */
export function hmmLogLikelihood(hmm: Hmm, x: readonly number[]): number {
  const k = hmm.mu.length;
  const emit = (s: number, j: number): number => (Number.isNaN(x[s]!) ? 0 : logNormal(x[s]!, hmm.mu[j]!, hmm.sigma));
  let alpha = Array.from({ length: k }, (_, j) => Math.log(hmm.init[j]!) + emit(0, j));
  for (let s = 1; s < x.length; s++) {
    alpha = Array.from({ length: k }, (_, j) => logSumExp(alpha.map((a, i) => a + Math.log(hmm.trans[i]![j]!))) + emit(s, j));
  }
  return logSumExp(alpha);
}

export interface LinearGaussian {
  /** z[0] ~ Normal(0, s0); z[t] ~ Normal(a z[t-1], q); x[t] ~ Normal(z[t], r). */
  a: number;
  q: number;
  r: number;
  s0: number;
}

export function simulateLinearGaussian(m: LinearGaussian, n: number, t: number, rng: Rng): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    let z = m.s0 * normalDraw(rng);
    const row: number[] = [];
    for (let s = 0; s < t; s++) {
      if (s > 0) z = m.a * z + m.q * normalDraw(rng);
      row.push(z + m.r * normalDraw(rng));
    }
    out.push(row);
  }
  return out;
}

/** log p(x) of one sequence by the Kalman filter (exact for the linear-Gaussian model). */
export function kalmanLogLikelihood(m: LinearGaussian, x: readonly number[]): number {
  let mean = 0;
  let variance = m.s0 ** 2;
  let total = 0;
  for (let s = 0; s < x.length; s++) {
    if (s > 0) {
      mean = m.a * mean;
      variance = m.a ** 2 * variance + m.q ** 2;
    }
    const predictive = variance + m.r ** 2;
    total += logNormal(x[s]!, mean, Math.sqrt(predictive));
    const gain = variance / predictive;
    mean += gain * (x[s]! - mean);
    variance *= 1 - gain;
  }
  return total;
}

export interface Radon {
  stateOf: number[];
  gamma: number[];
  /** County intercepts and slopes. */
  a: number[];
  b: number[];
  sigmaY: number;
}

/** Houses: a county (uniform), a floor (1 with probability 0.6), log radon from the county's line. */
export function simulateRadon(truth: Radon, n: number, rng: Rng): { county: number[]; floor: number[]; y: number[] } {
  const county: number[] = [];
  const floor: number[] = [];
  const y: number[] = [];
  const j = truth.a.length;
  for (let i = 0; i < n; i++) {
    const c = Math.min(j - 1, Math.floor(rng.uniform() * j));
    const f = rng.uniform() < 0.6 ? 1 : 0;
    county.push(c);
    floor.push(f);
    y.push(truth.a[c]! + truth.b[c]! * f + truth.sigmaY * normalDraw(rng));
  }
  return { county, floor, y };
}
