// A Markov chain z[0], z[1], ... of a discrete latent, summed out by the forward algorithm when
// the run asks for sums (the `markov` handler): with K values per element,
//   alpha_0(k)  = sum of the terms of the chain's first statements with z[0] = k,
//   alpha_t(k)  = logsumexp_j ( alpha_{t-1}(j) + f_t(j, k) ),
// f_t(j, k) the terms of the loop's body at step t with z[t-1] = j and z[t] = k, and
//   log p(observations of the chain) = logsumexp_k alpha_{N-1}(k),
// which the chain sends as one factor. Cost linear in N, K^2 per step. Each step runs the
// compiled statements once with every (j, k) pair on the particle axis (row (p K + j) K + k),
// under the run's handlers minus its traces, plus a local trace and the pair's values; values
// computed before the chain are repeated to match. Without the `markov` handler (sampling from
// the model) the chain is drawn step by step like any other statements.
import { tf, type Tensor } from '../../runtime/tf.js';
import { Trace } from '../../runtime/trace.js';
import { sendFactor } from './factor.js';
import { substitute, trace } from '../../runtime/effects/handlers.js';
import { repeatParticles } from '../../runtime/layout.js';
import type { LoweredChain } from '../lower/program.js';
import { isTensor, type Env, type RtValue } from './expressions.js';

type Step = (env: Env) => void;

/** The largest particle axis among the values computed so far (1 when nothing varies by particle). */
function particlesOf(env: Env): number {
  let p = 1;
  const see = (v: RtValue): void => {
    if (isTensor(v)) p = Math.max(p, v.shape[0] ?? 1);
    else for (const h of Object.values(v)) p = Math.max(p, h.shape[0] ?? 1);
  };
  for (const v of env.values.values()) see(v);
  return p;
}

function repeatValue(v: RtValue, p: number, times: number): RtValue {
  const one = (t: Tensor): Tensor => (p > 1 && t.shape[0] === p ? repeatParticles(t, times) : t);
  if (isTensor(v)) return one(v);
  return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, one(t)]));
}

/** Each row's value of z for rows (p * outer + o) * inner + i: values[o] or values[i]. [P * outer * inner, 1] */
function valuesByRow(values: readonly number[], p: number, outer: number, inner: number, pick: 'outer' | 'inner'): Tensor {
  const rows = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) rows[o * inner + i] = values[pick === 'outer' ? o : i]!;
  return tf.tile(tf.tensor2d(rows, [outer * inner, 1]), [p, 1]);
}

/** The summed terms of `steps` with the chain's elements fixed: [P * times, M]. */
function stepTerms(env: Env, steps: readonly Step[], p: number, times: number, latent: string, count: number, fixed: ReadonlyMap<number, Tensor>): Tensor {
  const local = new Trace('model');
  const siteValues = new Map([...fixed].map(([at, v]) => [`${latent}[${at}]`, v] as const));
  const elements = new Array<Tensor | undefined>(count).fill(undefined);
  for (const [at, v] of fixed) elements[at] = v;
  const inner: Env = {
    values: new Map([...env.values].map(([k, v]) => [k, repeatValue(v, p, times)])),
    params: env.params,
    nets: env.nets,
    stack: [trace(local), ...env.stack.filter((h) => !h.records), substitute(siteValues)],
    loops: env.loops,
    elements: new Map([...env.elements, [latent, elements]]),
  };
  for (const step of steps) step(inner);
  let rows = 1;
  for (const s of local.sites.values()) rows = Math.max(rows, s.logProb.shape[1] ?? 1);
  let total: Tensor = tf.zeros([p * times, rows]);
  for (const s of local.sites.values()) {
    const term = s.weight === 1 ? s.logProb : tf.mul(s.logProb, s.weight);
    total = tf.add(total, term);
  }
  return total;
}

export function compileChain(chain: LoweredChain, init: readonly Step[], loop: Step, body: readonly Step[]): Step {
  const { latent, values } = chain;
  const { variable, from, to } = chain.loop;
  const k = values.length;
  const count = to;
  return (env) => {
    if (!env.stack.some((h) => h.sumsChains)) {
      for (const step of init) step(env);
      loop(env);
      return;
    }
    const p = particlesOf(env);
    const first = stepTerms(env, init, p, k, latent, count, new Map([[0, valuesByRow(values, p, k, 1, 'outer')]]));
    const m = first.shape[1]!;
    let alpha = tf.reshape(first, [p, k, m]);
    const prev = valuesByRow(values, p, k, k, 'outer');
    const cur = valuesByRow(values, p, k, k, 'inner');
    for (let t = from; t < to; t++) {
      env.loops.set(variable, t);
      const f = stepTerms(env, body, p, k * k, latent, count, new Map([[t - 1, prev], [t, cur]]));
      const rows = Math.max(m, f.shape[1]!);
      const pairs = tf.reshape(tf.broadcastTo(f, [p * k * k, rows]), [p, k, k, rows]);
      alpha = tf.logSumExp(tf.add(tf.expandDims(tf.broadcastTo(alpha, [p, k, rows]), 2), pairs), 1);
    }
    env.loops.delete(variable);
    sendFactor(env.stack, { name: latent, plate: 'local', summedOut: true }, tf.logSumExp(alpha, 1));
  };
}
