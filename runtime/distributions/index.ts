// Builds runtime distributions from checked sites, and knows which pairs have a closed-form KL.
import type { Tensor } from '../tf.js';
import type { Distribution } from './distribution.js';
import { Normal, klNormalNormal } from './normal.js';
import { Bernoulli, klBernoulliBernoulli } from './bernoulli.js';

export type { Distribution } from './distribution.js';
export { Normal } from './normal.js';
export { Bernoulli } from './bernoulli.js';

type Factory = (args: Readonly<Record<string, Tensor>>) => Distribution;

function arg(args: Readonly<Record<string, Tensor>>, name: string): Tensor {
  const t = args[name];
  if (!t) throw new Error(`internal: missing distribution argument '${name}' (the checker should have caught this)`);
  return t;
}

const FACTORIES: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['Normal', (a) => new Normal(arg(a, 'loc'), arg(a, 'scale'))],
  ['Bernoulli', (a) => (a['logits'] ? new Bernoulli({ logits: a['logits'] }) : new Bernoulli({ probs: arg(a, 'probs') }))],
]);

export function makeDistribution(name: string, args: Readonly<Record<string, Tensor>>): Distribution {
  const f = FACTORIES.get(name);
  if (!f) throw new Error(`internal: no runtime implementation of distribution '${name}'`);
  return f(args);
}

/** Elementwise KL(q || p) when the pair has a closed form, else undefined (use Monte Carlo). */
export function analyticKl(q: Distribution, p: Distribution): Tensor | undefined {
  if (q instanceof Normal && p instanceof Normal) return klNormalNormal(q, p);
  if (q instanceof Bernoulli && p instanceof Bernoulli) return klBernoulliBernoulli(q, p);
  return undefined;
}

export function hasAnalyticKl(qName: string, pName: string): boolean {
  return (qName === 'Normal' && pName === 'Normal') || (qName === 'Bernoulli' && pName === 'Bernoulli');
}
