// Builds runtime distributions from checked sites, and knows which pairs have a closed-form KL.
import { tf, type Tensor } from '../tf.js';
import type { Distribution } from './distribution.js';
import { Normal, klNormalNormal } from './normal.js';
import { Bernoulli, klBernoulliBernoulli } from './bernoulli.js';
import { Categorical, klCategoricalCategorical } from './categorical.js';
import { Laplace, klLaplaceLaplace } from './laplace.js';
import { LogNormal, klLogNormalLogNormal } from './lognormal.js';
import { Exponential, klExponentialExponential } from './exponential.js';
import { Gamma, klGammaGamma } from './gamma.js';
import { Beta, klBetaBeta } from './beta.js';
import { Poisson, klPoissonPoisson } from './poisson.js';
import { Uniform } from './uniform.js';
import { Dirichlet, klDirichletDirichlet } from './dirichlet.js';
import { StudentT } from './studentt.js';
import { RelaxedBernoulli } from './relaxed-bernoulli.js';
import { RelaxedCategorical } from './relaxed-categorical.js';
import { HalfNormal } from './half-normal.js';
import { Cauchy, HalfCauchy } from './cauchy.js';
import { InverseGamma } from './inverse-gamma.js';
import { Weibull } from './weibull.js';
import { Geometric } from './geometric.js';
import { Binomial } from './binomial.js';
import { NegativeBinomial, type NegativeBinomialParam } from './negative-binomial.js';
import { Multinomial } from './multinomial.js';
import { ZeroInflatedNegativeBinomial, ZeroInflatedPoisson } from './zero-inflated.js';
import { VonMises } from './von-mises.js';
import { MultivariateNormal, klMultivariateNormal } from './multivariate-normal.js';
import { LogitNormal } from './logit-normal.js';
import { CorrCholeskyNormal, LkjCholesky } from './lkj-cholesky.js';
import { Delta } from './delta.js';

export type { Distribution } from './distribution.js';
export { Normal } from './normal.js';
export { Bernoulli } from './bernoulli.js';
export { Categorical } from './categorical.js';
export { Laplace } from './laplace.js';
export { LogNormal } from './lognormal.js';
export { Exponential } from './exponential.js';
export { Gamma } from './gamma.js';
export { Beta } from './beta.js';
export { Poisson } from './poisson.js';
export { Uniform } from './uniform.js';
export { Dirichlet } from './dirichlet.js';
export { StudentT } from './studentt.js';
export { RelaxedBernoulli } from './relaxed-bernoulli.js';
export { RelaxedCategorical } from './relaxed-categorical.js';
export { HalfNormal } from './half-normal.js';
export { Cauchy, HalfCauchy } from './cauchy.js';
export { InverseGamma } from './inverse-gamma.js';
export { Weibull } from './weibull.js';
export { Geometric } from './geometric.js';
export { Binomial } from './binomial.js';
export { NegativeBinomial } from './negative-binomial.js';
export { Multinomial } from './multinomial.js';
export { ZeroInflatedNegativeBinomial, ZeroInflatedPoisson } from './zero-inflated.js';
export { VonMises } from './von-mises.js';
export { MultivariateNormal } from './multivariate-normal.js';
export { LogitNormal } from './logit-normal.js';
export { CorrCholeskyNormal, LkjCholesky } from './lkj-cholesky.js';
export { Delta, DELTA_SPEC } from './delta.js';

type Args = Readonly<Record<string, Tensor>>;
type Factory = (args: Args) => Distribution;

function arg(args: Args, name: string): Tensor {
  const t = args[name];
  if (!t) throw new Error(`internal: missing distribution argument '${name}' (the checker should have caught this)`);
  return t;
}

/** `{ logits }` when given, else `{ probs }`. */
function logitsOrProbs(a: Args): { logits: Tensor } | { probs: Tensor } {
  return a['logits'] ? { logits: a['logits'] } : { probs: arg(a, 'probs') };
}

/** NegativeBinomial's three parameterizations. */
function negativeBinomialParam(a: Args): NegativeBinomialParam {
  if (a['mean']) return { mean: a['mean'], concentration: arg(a, 'concentration') };
  const totalCount = arg(a, 'total_count');
  return a['logits'] ? { totalCount, logits: a['logits'] } : { totalCount, probs: arg(a, 'probs') };
}

const FACTORIES: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['Normal', (a) => new Normal(arg(a, 'loc'), arg(a, 'scale'))],
  ['Bernoulli', (a) => new Bernoulli(logitsOrProbs(a))],
  ['Categorical', (a) => new Categorical(logitsOrProbs(a), a['low'])],
  ['Laplace', (a) => new Laplace(arg(a, 'loc'), arg(a, 'scale'))],
  ['LogNormal', (a) => new LogNormal(arg(a, 'loc'), arg(a, 'scale'))],
  ['Exponential', (a) => new Exponential(arg(a, 'rate'))],
  ['Gamma', (a) => new Gamma(arg(a, 'concentration'), arg(a, 'rate'))],
  ['Beta', (a) => new Beta(arg(a, 'concentration1'), arg(a, 'concentration0'))],
  ['Poisson', (a) => new Poisson(arg(a, 'rate'))],
  ['Uniform', (a) => new Uniform(arg(a, 'low'), arg(a, 'high'))],
  ['Dirichlet', (a) => new Dirichlet(arg(a, 'concentration'))],
  ['StudentT', (a) => new StudentT(arg(a, 'df'), arg(a, 'loc'), arg(a, 'scale'))],
  ['RelaxedBernoulli', (a) => new RelaxedBernoulli(arg(a, 'temperature'), logitsOrProbs(a))],
  ['RelaxedCategorical', (a) => new RelaxedCategorical(arg(a, 'temperature'), logitsOrProbs(a))],
  ['HalfNormal', (a) => new HalfNormal(arg(a, 'scale'))],
  ['HalfCauchy', (a) => new HalfCauchy(arg(a, 'scale'))],
  ['Cauchy', (a) => new Cauchy(arg(a, 'loc'), arg(a, 'scale'))],
  ['InverseGamma', (a) => new InverseGamma(arg(a, 'concentration'), arg(a, 'rate'))],
  ['Weibull', (a) => new Weibull(arg(a, 'scale'), arg(a, 'concentration'))],
  ['Geometric', (a) => new Geometric(logitsOrProbs(a))],
  ['Binomial', (a) => new Binomial(arg(a, 'total_count'), logitsOrProbs(a))],
  ['NegativeBinomial', (a) => new NegativeBinomial(negativeBinomialParam(a))],
  ['Multinomial', (a) => new Multinomial(arg(a, 'total_count'), logitsOrProbs(a))],
  ['ZeroInflatedPoisson', (a) => new ZeroInflatedPoisson(arg(a, 'gate'), arg(a, 'rate'))],
  ['ZeroInflatedNegativeBinomial', (a) => new ZeroInflatedNegativeBinomial(arg(a, 'gate'), negativeBinomialParam(a))],
  ['VonMises', (a) => new VonMises(arg(a, 'loc'), arg(a, 'concentration'))],
  ['MultivariateNormal', (a) => new MultivariateNormal(arg(a, 'loc'), a['covariance_matrix'] ? { covariance: a['covariance_matrix'] } : arg(a, 'scale_tril'))],
  ['LKJCholesky', (a) => new LkjCholesky(arg(a, 'dimension'), arg(a, 'concentration'))],
  ['CorrCholeskyNormal', (a) => new CorrCholeskyNormal(arg(a, 'loc'), arg(a, 'scale'))],
  ['LogitNormal', (a) => new LogitNormal(arg(a, 'loc'), arg(a, 'scale'), a['low'] ?? tf.scalar(0), a['high'] ?? tf.scalar(1))],
  // generated guides only (not in DIST_SPECS)
  ['Delta', (a) => new Delta(arg(a, 'value'), arg(a, 'log_density'))],
]);

export function makeDistribution(name: string, args: Readonly<Record<string, Tensor>>): Distribution {
  const f = FACTORIES.get(name);
  if (!f) throw new Error(`internal: no runtime implementation of distribution '${name}'`);
  return f(args);
}

// ---------------------------------------------------------------- closed-form KL

interface KlEntry {
  q: string;
  p: string;
  kl: (q: Distribution, p: Distribution) => Tensor | undefined;
}

/** A closed form for the pair (Q, P) of runtime classes, looked up by spec name. */
function pair<Q extends Distribution, P extends Distribution>(
  Q: abstract new (...a: never[]) => Q,
  P: abstract new (...a: never[]) => P,
  q: string,
  p: string,
  kl: (q: Q, p: P) => Tensor,
): KlEntry {
  return { q, p, kl: (a, b) => (a instanceof Q && b instanceof P ? kl(a, b) : undefined) };
}

const KL_TABLE: readonly KlEntry[] = [
  pair(Normal, Normal, 'Normal', 'Normal', klNormalNormal),
  pair(Bernoulli, Bernoulli, 'Bernoulli', 'Bernoulli', klBernoulliBernoulli),
  pair(Categorical, Categorical, 'Categorical', 'Categorical', klCategoricalCategorical),
  pair(Gamma, Gamma, 'Gamma', 'Gamma', klGammaGamma),
  pair(Beta, Beta, 'Beta', 'Beta', klBetaBeta),
  pair(Dirichlet, Dirichlet, 'Dirichlet', 'Dirichlet', klDirichletDirichlet),
  pair(Laplace, Laplace, 'Laplace', 'Laplace', klLaplaceLaplace),
  pair(Exponential, Exponential, 'Exponential', 'Exponential', klExponentialExponential),
  pair(LogNormal, LogNormal, 'LogNormal', 'LogNormal', klLogNormalLogNormal),
  pair(Poisson, Poisson, 'Poisson', 'Poisson', klPoissonPoisson),
  pair(MultivariateNormal, MultivariateNormal, 'MultivariateNormal', 'MultivariateNormal', klMultivariateNormal),
];

const KL_BY_NAMES = new Map(KL_TABLE.map((e) => [`${e.q}|${e.p}`, e]));

/**
 * KL(q || p) when the pair has a closed form, else undefined (use Monte Carlo). Elementwise
 * over the value's shape, with an event rank 1 distribution's last axis summed out (Dirichlet),
 * like `logProb`; Categorical sums over its class axis.
 */
export function analyticKl(q: Distribution, p: Distribution): Tensor | undefined {
  return KL_BY_NAMES.get(`${q.spec.name}|${p.spec.name}`)?.kl(q, p);
}

/** Whether `analyticKl` has a closed form for a guide `qName` and a prior `pName`. */
export function hasAnalyticKl(qName: string, pName: string): boolean {
  return KL_BY_NAMES.has(`${qName}|${pName}`);
}

/** The (guide, prior) pairs with a closed-form KL, for docs and `ppl check`. */
export function analyticKlPairs(): readonly (readonly [string, string])[] {
  return KL_TABLE.map((e) => [e.q, e.p] as const);
}
