// What the checker and the docs know about a distribution, with no tensors involved.
import type { Support } from '../support.js';
import { BINARY, CORR_CHOLESKY, COUNT, POSITIVE, REAL, SIMPLEX, UNIT } from '../support.js';

export interface DistParamSpec {
  name: string;
  /** The set the argument's values must lie in (for messages and docs). */
  domain: 'real' | 'positive' | 'unit' | 'simplex' | 'count' | 'lower_cholesky' | 'positive_definite';
  /**
   * Trailing axes of the argument that belong to one event instead of broadcasting over the
   * site (default 0). Categorical's and Dirichlet's parameters carry the K classes on their last
   * axis (1); their leading axes broadcast to the site's batch shape.
   */
  eventRank?: number;
  doc: string;
}

/** What the checker knows about a site's arguments before any tensor exists. */
export interface StaticArgs {
  /** Event shape of each argument whose shape is known, by parameter name. */
  shapes: ReadonlyMap<string, readonly number[]>;
  /** Value of each argument that is a constant expression, by parameter name. */
  values: ReadonlyMap<string, number>;
}

/**
 * A support computed from the arguments: the set, or why it is not known statically, as a
 * relative clause about the distribution (Uniform with non-constant bounds: 'whose support ...'). `undefined` when an argument's shape is unknown
 * (after an error already reported).
 */
export type SupportResult = { ok: true; support: Support } | { ok: false; reason: string } | undefined;

export interface DistSpec {
  name: string;
  /** Every parameter, in positional order. */
  params: readonly DistParamSpec[];
  /** The allowed sets of parameter names: Bernoulli takes `probs` or `logits`, not both. */
  parameterizations: readonly (readonly string[])[];
  /**
   * The support when it does not depend on the arguments. When `supportFor` is given this is
   * only the kind of set (Categorical: `count`; Uniform: `real`) and `supportFor` decides.
   */
  support: Support;
  /** How the docs write the support when it depends on the arguments, e.g. 'int(0, K-1)'. */
  supportDoc?: string;
  /** The support from the static arguments (Categorical's K, Uniform's constant bounds). */
  supportFor?(args: StaticArgs): SupportResult;
  /**
   * The event shape (the trailing `eventRank` axes of a value) implied by the arguments'
   * shapes: Dirichlet's is [K] from its concentration's last axis; LKJCholesky's [D, D] from the
   * value of its constant dimension. Undefined when unknown.
   */
  eventShapeFor?(shapes: ReadonlyMap<string, readonly number[]>, values?: ReadonlyMap<string, number>): readonly number[] | undefined;
  /**
   * A problem with the arguments' shapes taken together (MultivariateNormal's loc [D] against its
   * scale_tril [D, D]), by parameter; the shape rule reports it.
   */
  shapeProblem?(shapes: ReadonlyMap<string, readonly number[]>): { param: string; message: string } | undefined;
  /** A problem with constant arguments taken together (Uniform's low < high), by parameter. */
  validate?(values: ReadonlyMap<string, number>): { param: string; message: string } | undefined;
  /** Has a pathwise sample (z = g(eps, params)) so gradients flow through samples. */
  reparameterizable: boolean;
  /**
   * Parameters whose pathwise gradient is an implicit reparameterization gradient (through a
   * Gamma variate) rather than the derivative of an explicit sampler; the docs qualify `yes` with it.
   */
  implicitIn?: readonly string[];
  /** Number of trailing axes that form one event (0: elementwise, like Normal; Dirichlet: 1). */
  eventRank: number;
  /** What the docs say about the distribution: density, sampler, caveats. */
  doc: string;
  /** One `~` statement using it. */
  example: string;
  /** How the example's names are declared, written after it: 'with `u : unit`'. */
  exampleContext?: string;
}

/** Number of trailing axes of the argument that belong to one event. */
export function paramEventRank(spec: DistSpec, param: string): number {
  return spec.params.find((p) => p.name === param)?.eventRank ?? 0;
}

/** K, the last axis of whichever of `names` was given; undefined when unknown or absent. */
function classes(shapes: ReadonlyMap<string, readonly number[]>, names: readonly string[]): number | undefined {
  for (const n of names) {
    const s = shapes.get(n);
    if (s && s.length) return s[s.length - 1];
  }
  return undefined;
}

/** The event shape [K] of a point of the simplex over the K classes of `names`' last axis. */
function classesEvent(names: readonly string[]): (shapes: ReadonlyMap<string, readonly number[]>) => readonly number[] | undefined {
  return (shapes) => {
    const k = classes(shapes, names);
    return k === undefined ? undefined : [k];
  };
}

export const NORMAL_SPEC: DistSpec = {
  name: 'Normal',
  params: [
    { name: 'loc', domain: 'real', doc: 'mean' },
    { name: 'scale', domain: 'positive', doc: 'standard deviation' },
  ],
  parameterizations: [['loc', 'scale']],
  support: REAL,
  reparameterizable: true,
  eventRank: 0,
  doc: 'Gaussian with mean `loc` and standard deviation `scale`, elementwise. Pathwise sample z = loc + scale * eps, eps ~ N(0, 1).',
  example: 'z ~ Normal(0, 1)',
};

export const BERNOULLI_SPEC: DistSpec = {
  name: 'Bernoulli',
  params: [
    { name: 'probs', domain: 'unit', doc: 'probability of 1' },
    { name: 'logits', domain: 'real', doc: 'log-odds of 1' },
  ],
  parameterizations: [['probs'], ['logits']],
  support: BINARY,
  reparameterizable: false,
  eventRank: 0,
  doc: 'Binary variable, elementwise, parameterized by `probs` or by `logits` (numerically safer). Not reparameterizable. `Bernoulli(p)` with one positional argument means `probs = p`.',
  example: 'x ~ Bernoulli(logits = decoder(z))',
};

export const CATEGORICAL_SPEC: DistSpec = {
  name: 'Categorical',
  params: [
    { name: 'probs', domain: 'simplex', eventRank: 1, doc: 'class probabilities on the last axis (normalized along it)' },
    { name: 'logits', domain: 'real', eventRank: 1, doc: 'unnormalized log-probabilities on the last axis' },
    { name: 'low', domain: 'real', doc: 'the value of the first class (default 0), an integer' },
  ],
  parameterizations: [['probs'], ['logits'], ['probs', 'low'], ['logits', 'low']],
  support: COUNT,
  supportDoc: 'int(low, low+K-1)',
  supportFor: ({ shapes, values }) => {
    const k = classes(shapes, ['probs', 'logits']);
    if (k === undefined) return undefined;
    const low = shapes.has('low') || values.has('low') ? values.get('low') : 0;
    if (low === undefined) return { ok: false, reason: 'whose support int(low, low+K-1) is known only when low is a constant' };
    return Number.isInteger(low) ? { ok: true, support: { kind: 'int', low, high: low + k - 1 } } : undefined;
  },
  validate: (values) => {
    const low = values.get('low');
    return low !== undefined && !Number.isInteger(low) ? { param: 'low', message: `Categorical's low must be an integer, got ${low}` } : undefined;
  },
  reparameterizable: false,
  eventRank: 0,
  doc:
    'A class index 0..K-1 per element of the declared shape. The parameters have one more axis than the value: their last axis holds the K classes (`probs` is normalized along it), their leading axes broadcast to the declared shape; the support is int(0, K-1), so `k : int(0, 9)` takes K = 10; with `low = a` the classes are the values a..a+K-1 (`k : int(1, 6)` takes K = 6 and low = 1). Sampled by Gumbel-max; not reparameterizable (use `RelaxedCategorical` for pathwise gradients).',
  example: 'k ~ Categorical(logits = classifier(x))',
  exampleContext: 'with `classifier : mlp(784 -> 10)` and `k : int(0, 9)`',
};

export const LAPLACE_SPEC: DistSpec = {
  name: 'Laplace',
  params: [
    { name: 'loc', domain: 'real', doc: 'location (median)' },
    { name: 'scale', domain: 'positive', doc: 'scale b (variance 2 b^2)' },
  ],
  parameterizations: [['loc', 'scale']],
  support: REAL,
  reparameterizable: true,
  eventRank: 0,
  doc: 'Double exponential, elementwise: density exp(-|z - loc| / scale) / (2 scale). Pathwise sample z = loc + scale (log u1 - log u2), u1 and u2 uniform on (0, 1).',
  example: 'w ~ Laplace(0, 1)',
};

export const LOGNORMAL_SPEC: DistSpec = {
  name: 'LogNormal',
  params: [
    { name: 'loc', domain: 'real', doc: 'mean of log z' },
    { name: 'scale', domain: 'positive', doc: 'standard deviation of log z' },
  ],
  parameterizations: [['loc', 'scale']],
  support: POSITIVE,
  reparameterizable: true,
  eventRank: 0,
  doc: 'exp of a Normal(loc, scale), elementwise. Pathwise sample z = exp(loc + scale * eps).',
  example: 's ~ LogNormal(0, 1)',
};

export const EXPONENTIAL_SPEC: DistSpec = {
  name: 'Exponential',
  params: [{ name: 'rate', domain: 'positive', doc: 'rate (mean 1 / rate)' }],
  parameterizations: [['rate']],
  support: POSITIVE,
  reparameterizable: true,
  eventRank: 0,
  doc: 'Density rate exp(-rate z) on z > 0, elementwise. Pathwise sample z = -log(u) / rate.',
  example: 's ~ Exponential(1)',
};

export const GAMMA_SPEC: DistSpec = {
  name: 'Gamma',
  params: [
    { name: 'concentration', domain: 'positive', doc: 'shape a' },
    { name: 'rate', domain: 'positive', doc: 'rate b (mean a / b)' },
  ],
  parameterizations: [['concentration', 'rate']],
  support: POSITIVE,
  reparameterizable: true,
  implicitIn: ['concentration'],
  eventRank: 0,
  doc:
    "Density b^a z^(a-1) e^(-b z) / Gamma(a), elementwise. Drawn as z1 / rate with z1 ~ Gamma(a, 1) (Marsaglia-Tsang, in float64), pathwise through *implicit reparameterization gradients* (Figurnov et al. 2018): dz1/da = -(dP(a, z1)/da) / p(z1; a), P the regularized incomplete gamma function, whose derivative in a is computed by its power series (z < a + 1) or Legendre's continued fraction carrying the derivative (otherwise); the rate enters through the division.",
  example: 'tau ~ Gamma(2, 1)',
};

export const BETA_SPEC: DistSpec = {
  name: 'Beta',
  params: [
    { name: 'concentration1', domain: 'positive', doc: 'a, the pseudo-count of 1' },
    { name: 'concentration0', domain: 'positive', doc: 'b, the pseudo-count of 0' },
  ],
  parameterizations: [['concentration1', 'concentration0']],
  support: UNIT,
  reparameterizable: true,
  implicitIn: ['concentration1', 'concentration0'],
  eventRank: 0,
  doc: 'Density z^(a-1) (1-z)^(b-1) / B(a, b) on (0, 1), elementwise. Drawn as g1 / (g1 + g0) with Gamma(a, 1) and Gamma(b, 1) variates, pathwise through their implicit gradients.',
  example: 'p ~ Beta(1, 1)',
};

export const POISSON_SPEC: DistSpec = {
  name: 'Poisson',
  params: [{ name: 'rate', domain: 'positive', doc: 'mean (and variance)' }],
  parameterizations: [['rate']],
  support: COUNT,
  reparameterizable: false,
  eventRank: 0,
  doc: 'Counts 0, 1, 2, ... with probability rate^k e^(-rate) / k!, elementwise. Not reparameterizable.',
  example: 'n ~ Poisson(exp(f(x)))',
  exampleContext: 'with `n : count[3]` (or `int(0, N)` data, which `count` covers)',
};

export const UNIFORM_SPEC: DistSpec = {
  name: 'Uniform',
  params: [
    { name: 'low', domain: 'real', doc: 'lower bound' },
    { name: 'high', domain: 'real', doc: 'upper bound (> low)' },
  ],
  parameterizations: [['low', 'high']],
  support: REAL,
  supportDoc: 'interval(low, high)',
  supportFor: ({ values }) => {
    const low = values.get('low');
    const high = values.get('high');
    if (low === undefined || high === undefined) {
      return { ok: false, reason: 'whose support interval(low, high) is known only when both bounds are constants' };
    }
    // Bounds out of order are reported by `validate`.
    return low < high ? { ok: true, support: { kind: 'interval', low, high } } : undefined;
  },
  validate: (values) => {
    const low = values.get('low');
    const high = values.get('high');
    if (low !== undefined && high !== undefined && !(low < high)) {
      return { param: 'high', message: `Uniform's high must be greater than its low, got low = ${low} and high = ${high}` };
    }
    return undefined;
  },
  reparameterizable: true,
  eventRank: 0,
  doc: 'Constant density 1 / (high - low) on (low, high), elementwise. Pathwise sample z = low + (high - low) u. For a latent, `low` and `high` must be constants (the support interval(low, high) must be known to match the declared domain); constant bounds must satisfy low < high.',
  example: 'u ~ Uniform(0, 1)',
  exampleContext: 'with `u : unit` or `u : interval(0, 1)`',
};

export const DIRICHLET_SPEC: DistSpec = {
  name: 'Dirichlet',
  params: [{ name: 'concentration', domain: 'positive', eventRank: 1, doc: 'a_1..a_K on the last axis' }],
  parameterizations: [['concentration']],
  support: SIMPLEX,
  eventShapeFor: classesEvent(['concentration']),
  reparameterizable: true,
  implicitIn: ['concentration'],
  eventRank: 1,
  doc:
    "A point of the simplex along the last axis (event rank 1): density Gamma(sum a) / prod Gamma(a_k) prod z_k^(a_k - 1). The value has the parameter's shape (the declared shape must end with the concentration's last axis K; leading axes broadcast). Drawn as normalized Gamma variates, pathwise through their implicit gradients.",
  example: 'theta ~ Dirichlet(alpha)',
  exampleContext: 'with `param alpha : positive[K]`, `theta : simplex[K]`',
};

export const STUDENT_T_SPEC: DistSpec = {
  name: 'StudentT',
  params: [
    { name: 'df', domain: 'positive', doc: 'degrees of freedom nu' },
    { name: 'loc', domain: 'real', doc: 'location' },
    { name: 'scale', domain: 'positive', doc: 'scale' },
  ],
  parameterizations: [['df', 'loc', 'scale']],
  support: REAL,
  reparameterizable: true,
  implicitIn: ['df'],
  eventRank: 0,
  doc:
    "Student's t, elementwise. Pathwise sample loc + scale * eps / sqrt(2 g / df), eps ~ N(0, 1), g ~ Gamma(df / 2, 1) with its implicit gradient, so `df` is learnable too.",
  example: 'x ~ StudentT(4, f(z), 1)',
};

export const RELAXED_BERNOULLI_SPEC: DistSpec = {
  name: 'RelaxedBernoulli',
  params: [
    { name: 'temperature', domain: 'positive', doc: 'temperature (-> 0: Bernoulli)' },
    { name: 'probs', domain: 'unit', doc: 'probability of 1 in the limit' },
    { name: 'logits', domain: 'real', doc: 'log-odds of 1 in the limit' },
  ],
  parameterizations: [
    ['temperature', 'probs'],
    ['temperature', 'logits'],
  ],
  support: UNIT,
  reparameterizable: true,
  eventRank: 0,
  doc:
    "Binary Concrete (Maddison et al. 2017): z = sigmoid((logits + log u - log(1 - u)) / temperature) in (0, 1), elementwise. Reparameterizable; tends to Bernoulli(logits) as temperature -> 0 (P(z > 1/2) is the Bernoulli's probability at every temperature). Samples are kept inside float32's open (0, 1). `mean()` reports sigmoid(logits).",
  example: 'b ~ RelaxedBernoulli(0.5, logits = f(x))',
  exampleContext: 'with `b : unit[D]`',
};

export const RELAXED_CATEGORICAL_SPEC: DistSpec = {
  name: 'RelaxedCategorical',
  params: [
    { name: 'temperature', domain: 'positive', doc: 'temperature (-> 0: one-hot Categorical); broadcasts to the shape without the last axis' },
    { name: 'probs', domain: 'simplex', eventRank: 1, doc: 'class probabilities on the last axis' },
    { name: 'logits', domain: 'real', eventRank: 1, doc: 'unnormalized log-probabilities on the last axis' },
  ],
  parameterizations: [
    ['temperature', 'probs'],
    ['temperature', 'logits'],
  ],
  support: SIMPLEX,
  eventShapeFor: classesEvent(['probs', 'logits']),
  reparameterizable: true,
  eventRank: 1,
  doc:
    'Concrete / Gumbel-softmax (Maddison et al. 2017; Jang et al. 2017): z = softmax((logits + g) / temperature), g Gumbel noise, a point of the simplex along the last axis (event rank 1; the value has the shape of `logits`/`probs`, the temperature broadcasts to the shape without the last axis). Reparameterizable; tends to a one-hot Categorical as temperature -> 0 (its argmax is Categorical at every temperature).',
  example: 'z ~ RelaxedCategorical(0.5, logits = f(x))',
  exampleContext: 'with `z : simplex[K]`',
};

/** Constant bounds low < high as an interval support, or why the support is not known statically. */
function intervalSupport(low: number | undefined, high: number | undefined, what: string): SupportResult {
  if (low === undefined || high === undefined) return { ok: false, reason: `whose support ${what} is known only when both bounds are constants` };
  return low < high ? { ok: true, support: { kind: 'interval', low, high } } : undefined;
}

/** A constant total_count must be a nonnegative integer. */
function validateTotalCount(name: string): (values: ReadonlyMap<string, number>) => { param: string; message: string } | undefined {
  return (values) => {
    const n = values.get('total_count');
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) return { param: 'total_count', message: `${name}'s total_count must be a nonnegative integer, got ${n}` };
    return undefined;
  };
}

export const HALF_NORMAL_SPEC: DistSpec = {
  name: 'HalfNormal',
  params: [{ name: 'scale', domain: 'positive', doc: 'scale of the Normal folded at 0' }],
  parameterizations: [['scale']],
  support: POSITIVE,
  reparameterizable: true,
  eventRank: 0,
  doc: '|Normal(0, scale)|, elementwise: density 2 / (scale sqrt(2 pi)) exp(-z^2 / (2 scale^2)) on z > 0, mean scale sqrt(2 / pi). Pathwise sample z = scale |eps|. A common prior for scales (Stan, NumPyro).',
  example: 'sigma ~ HalfNormal(1)',
};

export const HALF_CAUCHY_SPEC: DistSpec = {
  name: 'HalfCauchy',
  params: [{ name: 'scale', domain: 'positive', doc: 'scale (the median)' }],
  parameterizations: [['scale']],
  support: POSITIVE,
  reparameterizable: true,
  eventRank: 0,
  doc: '|Cauchy(0, scale)|, elementwise: density 2 / (pi scale (1 + (z / scale)^2)) on z > 0. Pathwise sample z = scale |tan(pi (u - 1/2))|. The mean is infinite: `mean()` (prior means, summaries) reports the median, scale. The scale prior of Gelman (2006) and of eight schools.',
  example: 'tau ~ HalfCauchy(5)',
};

export const CAUCHY_SPEC: DistSpec = {
  name: 'Cauchy',
  params: [
    { name: 'loc', domain: 'real', doc: 'location (the median)' },
    { name: 'scale', domain: 'positive', doc: 'scale (half the interquartile range)' },
  ],
  parameterizations: [['loc', 'scale']],
  support: REAL,
  reparameterizable: true,
  eventRank: 0,
  doc: 'Density 1 / (pi scale (1 + ((z - loc) / scale)^2)), elementwise (StudentT with df = 1). Pathwise sample z = loc + scale tan(pi (u - 1/2)). The mean does not exist: `mean()` reports the median, loc.',
  example: 'b ~ Cauchy(0, 2.5)',
};

export const INVERSE_GAMMA_SPEC: DistSpec = {
  name: 'InverseGamma',
  params: [
    { name: 'concentration', domain: 'positive', doc: 'shape a' },
    { name: 'rate', domain: 'positive', doc: 'scale b (mean b / (a - 1) for a > 1)' },
  ],
  parameterizations: [['concentration', 'rate']],
  support: POSITIVE,
  reparameterizable: true,
  implicitIn: ['concentration'],
  eventRank: 0,
  doc: "1 / Gamma(a, rate b), elementwise: density b^a z^(-a-1) e^(-b / z) / Gamma(a) (scipy's invgamma(a, scale=b), Stan's inv_gamma(a, b)). Drawn as b / g with g ~ Gamma(a, 1), pathwise through the Gamma's implicit reparameterization gradient in a and through the division in b. `mean()` reports b / (a - 1) for a > 1, else the mode b / (a + 1).",
  example: 'sigma2 ~ InverseGamma(3, 2)',
};

export const WEIBULL_SPEC: DistSpec = {
  name: 'Weibull',
  params: [
    { name: 'scale', domain: 'positive', doc: 'scale lambda' },
    { name: 'concentration', domain: 'positive', doc: 'shape k' },
  ],
  parameterizations: [['scale', 'concentration']],
  support: POSITIVE,
  reparameterizable: true,
  eventRank: 0,
  doc: "Density (k / lambda) (z / lambda)^(k-1) exp(-(z / lambda)^k) on z > 0, elementwise (PyTorch's and NumPyro's argument order; scipy's weibull_min(k, scale=lambda)). Pathwise sample z = lambda (-log u)^(1/k). Mean lambda Gamma(1 + 1/k).",
  example: 't ~ Weibull(2, 1.5)',
};

export const GEOMETRIC_SPEC: DistSpec = {
  name: 'Geometric',
  params: [
    { name: 'probs', domain: 'unit', doc: 'success probability p' },
    { name: 'logits', domain: 'real', doc: 'log-odds of success' },
  ],
  parameterizations: [['probs'], ['logits']],
  support: COUNT,
  reparameterizable: false,
  eventRank: 0,
  doc: 'The number of failures before the first success, elementwise: P(k) = (1 - p)^k p, k = 0, 1, 2, ..., mean (1 - p) / p (the convention of PyTorch and NumPyro). Sampled by inversion; not reparameterizable.',
  example: 'k ~ Geometric(0.3)',
  exampleContext: 'with `k : count`',
};

export const BINOMIAL_SPEC: DistSpec = {
  name: 'Binomial',
  params: [
    { name: 'total_count', domain: 'count', doc: 'number of trials n' },
    { name: 'probs', domain: 'unit', doc: 'success probability of a trial' },
    { name: 'logits', domain: 'real', doc: 'log-odds of success of a trial' },
  ],
  parameterizations: [
    ['total_count', 'probs'],
    ['total_count', 'logits'],
  ],
  support: COUNT,
  supportDoc: 'int(0, n)',
  supportFor: ({ values }) => {
    const n = values.get('total_count');
    if (n === undefined) return { ok: false, reason: 'whose support int(0, total_count) is known only when total_count is a constant' };
    return Number.isInteger(n) && n >= 0 ? { ok: true, support: { kind: 'int', low: 0, high: n } } : undefined;
  },
  validate: validateTotalCount('Binomial'),
  reparameterizable: false,
  eventRank: 0,
  doc: 'Successes in total_count independent trials, elementwise: C(n, k) p^k (1 - p)^(n - k), computed from the logits as log C(n, k) + k logits - n softplus(logits). Drawn exactly in float64 (inversion, or Knuth\'s recursion through Beta order statistics for large n); not reparameterizable. As a likelihood total_count may vary by data point (`int(0, N)` or `count` data); a latent needs a constant total_count, its support int(0, n).',
  example: 'y ~ Binomial(n, logits = a + b * x)',
  exampleContext: 'with `data n : count`, `data y : count`',
};

export const NEGATIVE_BINOMIAL_SPEC: DistSpec = {
  name: 'NegativeBinomial',
  params: [
    { name: 'total_count', domain: 'positive', doc: 'number of failures r (any positive real)' },
    { name: 'probs', domain: 'unit', doc: 'success probability p' },
    { name: 'logits', domain: 'real', doc: 'log-odds of success' },
    { name: 'mean', domain: 'positive', doc: 'mean mu (Stan\'s neg_binomial_2)' },
    { name: 'concentration', domain: 'positive', doc: 'phi: variance mu + mu^2 / phi' },
  ],
  parameterizations: [
    ['total_count', 'probs'],
    ['total_count', 'logits'],
    ['mean', 'concentration'],
  ],
  support: COUNT,
  reparameterizable: false,
  eventRank: 0,
  doc: "Overdispersed counts, elementwise: the successes before the r-th failure, P(k) = Gamma(k + r) / (Gamma(r) k!) (1 - p)^r p^k, mean r p / (1 - p) (PyTorch's and NumPyro's convention); or by mean and concentration as Stan's neg_binomial_2(mu, phi) (r = phi, p = mu / (mu + phi)), the usual form in regressions. Drawn as a Gamma-Poisson mixture in float64; not reparameterizable.",
  example: 'y ~ NegativeBinomial(mean = exp(a + b * x), concentration = phi)',
  exampleContext: 'with `data y : count`',
};

export const MULTINOMIAL_SPEC: DistSpec = {
  name: 'Multinomial',
  params: [
    { name: 'total_count', domain: 'count', doc: 'number of draws n (broadcasts to the shape without the last axis)' },
    { name: 'probs', domain: 'simplex', eventRank: 1, doc: 'class probabilities on the last axis (normalized along it)' },
    { name: 'logits', domain: 'real', eventRank: 1, doc: 'unnormalized log-probabilities on the last axis' },
  ],
  parameterizations: [
    ['total_count', 'probs'],
    ['total_count', 'logits'],
  ],
  support: COUNT,
  supportDoc: 'int(0, n) along the last axis',
  supportFor: ({ values }) => {
    const n = values.get('total_count');
    if (n === undefined) return { ok: false, reason: 'whose support int(0, total_count) is known only when total_count is a constant' };
    return Number.isInteger(n) && n >= 0 ? { ok: true, support: { kind: 'int', low: 0, high: n } } : undefined;
  },
  eventShapeFor: classesEvent(['probs', 'logits']),
  validate: validateTotalCount('Multinomial'),
  reparameterizable: false,
  eventRank: 1,
  doc: 'The counts of K classes in total_count draws, a vector along the last axis (event rank 1): n! / prod k_i! prod p_i^k_i. The value has the shape of `probs`/`logits`; the log-density takes n from total_count (counts that do not sum to it are not checked). Drawn class by class as conditional Binomials in float64; not reparameterizable.',
  example: 'words ~ Multinomial(n, probs = theta)',
  exampleContext: 'with `data n : count`, `data words : count[V]`, `theta : simplex[V]`',
};

export const ZERO_INFLATED_POISSON_SPEC: DistSpec = {
  name: 'ZeroInflatedPoisson',
  params: [
    { name: 'gate', domain: 'unit', doc: 'probability of a structural zero' },
    { name: 'rate', domain: 'positive', doc: 'rate of the Poisson part' },
  ],
  parameterizations: [['gate', 'rate']],
  support: COUNT,
  reparameterizable: false,
  eventRank: 0,
  doc: 'A structural zero with probability gate, else Poisson(rate), elementwise: P(0) = gate + (1 - gate) e^-rate, P(k > 0) = (1 - gate) rate^k e^-rate / k!. Mean (1 - gate) rate. Not reparameterizable.',
  example: 'y ~ ZeroInflatedPoisson(0.3, exp(a + b * x))',
  exampleContext: 'with `data y : count`',
};

export const ZERO_INFLATED_NEGATIVE_BINOMIAL_SPEC: DistSpec = {
  name: 'ZeroInflatedNegativeBinomial',
  params: [
    { name: 'gate', domain: 'unit', doc: 'probability of a structural zero' },
    ...NEGATIVE_BINOMIAL_SPEC.params,
  ],
  parameterizations: NEGATIVE_BINOMIAL_SPEC.parameterizations.map((p) => ['gate', ...p]),
  support: COUNT,
  reparameterizable: false,
  eventRank: 0,
  doc: 'A structural zero with probability gate, else NegativeBinomial with any of its parameterizations, elementwise: P(0) = gate + (1 - gate) NB(0), P(k > 0) = (1 - gate) NB(k). Not reparameterizable.',
  example: 'y ~ ZeroInflatedNegativeBinomial(gate = g, mean = mu, concentration = phi)',
  exampleContext: 'with `data y : count`',
};

export const VON_MISES_SPEC: DistSpec = {
  name: 'VonMises',
  params: [
    { name: 'loc', domain: 'real', doc: 'mean direction (radians)' },
    { name: 'concentration', domain: 'positive', doc: 'kappa (about 1 / variance when large)' },
  ],
  parameterizations: [['loc', 'concentration']],
  support: REAL,
  supportDoc: 'the circle (angles)',
  supportFor: () => ({ ok: false, reason: 'whose support is the circle (angles modulo 2 pi), which no declared domain is' }),
  reparameterizable: false,
  eventRank: 0,
  doc: 'Angles, elementwise: density exp(kappa cos(z - loc)) / (2 pi I0(kappa)), 2 pi-periodic, normalized over one turn; log I0 by the polynomial approximations of Abramowitz & Stegun 9.8.1-2 (error < 2e-7), differentiable in kappa. A likelihood for angle data declared `real` (any representative of an angle has the same density); not a prior, since no domain is a circle. Sampled by Best & Fisher (1979) in float64, returned in (-pi, pi]; not reparameterizable.',
  example: 'theta ~ VonMises(mu, 4)',
  exampleContext: 'with `data theta : real`',
};

export const MULTIVARIATE_NORMAL_SPEC: DistSpec = {
  name: 'MultivariateNormal',
  params: [
    { name: 'loc', domain: 'real', eventRank: 1, doc: 'mean vector on the last axis, [..., D]' },
    { name: 'scale_tril', domain: 'lower_cholesky', eventRank: 2, doc: 'L, the lower Cholesky factor of the covariance L L^T, on the last two axes [..., D, D] (positive diagonal; entries above it are ignored)' },
    { name: 'covariance_matrix', domain: 'positive_definite', eventRank: 2, doc: 'the covariance, symmetric positive definite, [..., D, D] (factored by a differentiable Cholesky that reads its lower triangle)' },
  ],
  parameterizations: [
    ['loc', 'scale_tril'],
    ['loc', 'covariance_matrix'],
  ],
  support: REAL,
  eventShapeFor: (shapes) => {
    const loc = shapes.get('loc');
    if (loc && loc.length) return [loc[loc.length - 1]!];
    const l = shapes.get('scale_tril') ?? shapes.get('covariance_matrix');
    return l && l.length >= 2 ? [l[l.length - 1]!] : undefined;
  },
  shapeProblem: (shapes) => {
    const name = shapes.has('scale_tril') ? 'scale_tril' : 'covariance_matrix';
    const l = shapes.get(name);
    if (!l || l.length < 2) return undefined;
    const [r, c] = [l[l.length - 2]!, l[l.length - 1]!];
    if (r !== c) return { param: name, message: `MultivariateNormal's ${name} must be square on its last two axes, got shape [${l.join(', ')}]` };
    const loc = shapes.get('loc');
    const d = loc && loc.length ? loc[loc.length - 1]! : undefined;
    if (d !== undefined && d !== c) return { param: name, message: `MultivariateNormal's ${name} has shape [${l.join(', ')}] but its loc has D = ${d} entries on its last axis: ${name} must end with [${d}, ${d}]` };
    return undefined;
  },
  reparameterizable: true,
  eventRank: 1,
  doc: 'A Gaussian vector along the last axis (event rank 1) with mean loc and covariance L L^T, L = scale_tril: density (2 pi)^(-D/2) |L|^(-1) exp(-|L^-1 (z - loc)|^2 / 2), computed by forward substitution; given `covariance_matrix` instead, L is its Cholesky factor (computed in differentiable ops, so a learned covariance trains). Pathwise sample z = loc + L eps, eps ~ N(0, I). Closed-form KL between two of them (trace, Mahalanobis and log-determinant terms). Leading axes of loc and scale_tril broadcast to the declared shape without its last axis.',
  example: 'z ~ MultivariateNormal(m, L)',
  exampleContext: 'with `z : real[D]`, `m : real[D]` and `L : real[D, D]` lower triangular',
};

export const LOGIT_NORMAL_SPEC: DistSpec = {
  name: 'LogitNormal',
  params: [
    { name: 'loc', domain: 'real', doc: 'mean of the Normal before the squashing' },
    { name: 'scale', domain: 'positive', doc: 'standard deviation of the Normal before the squashing' },
    { name: 'low', domain: 'real', doc: 'lower bound (default 0)' },
    { name: 'high', domain: 'real', doc: 'upper bound (default 1)' },
  ],
  parameterizations: [
    ['loc', 'scale'],
    ['loc', 'scale', 'low', 'high'],
  ],
  support: UNIT,
  supportDoc: 'unit, or interval(low, high)',
  supportFor: ({ shapes, values }) => {
    if (!shapes.has('low') && !shapes.has('high') && !values.has('low') && !values.has('high')) return { ok: true, support: UNIT };
    return intervalSupport(values.get('low'), values.get('high'), 'interval(low, high)');
  },
  validate: (values) => {
    const low = values.get('low');
    const high = values.get('high');
    if (low !== undefined && high !== undefined && !(low < high)) return { param: 'high', message: `LogitNormal's high must be greater than its low, got low = ${low} and high = ${high}` };
    return undefined;
  },
  reparameterizable: true,
  eventRank: 0,
  doc: 'A Normal(loc, scale) squashed into (low, high), elementwise: z = low + (high - low) sigmoid(x), x ~ N(loc, scale), with the change of variables in the density. Pathwise. The automatic guide of `interval(a, b)` latents; bounds must be constants for a latent. `mean()` reports the median low + (high - low) sigmoid(loc).',
  example: 'p ~ LogitNormal(m, s)',
  exampleContext: 'with `p : unit`',
};

export const LKJ_CHOLESKY_SPEC: DistSpec = {
  name: 'LKJCholesky',
  params: [
    { name: 'dimension', domain: 'count', doc: 'D, the size of the correlation matrix (a constant >= 2)' },
    { name: 'concentration', domain: 'positive', doc: 'eta: 1 is uniform over correlation matrices, larger concentrates near the identity' },
  ],
  parameterizations: [['dimension', 'concentration']],
  support: CORR_CHOLESKY,
  eventShapeFor: (_shapes, values) => {
    const d = values?.get('dimension');
    return d !== undefined && Number.isInteger(d) && d >= 2 ? [d, d] : undefined;
  },
  validate: (values) => {
    const d = values.get('dimension');
    return d !== undefined && !(Number.isInteger(d) && d >= 2) ? { param: 'dimension', message: `LKJCholesky's dimension must be an integer >= 2, got ${d}` } : undefined;
  },
  reparameterizable: false,
  eventRank: 2,
  doc: "The LKJ distribution (Lewandowski, Kurowicka & Joe 2009) of a D x D correlation matrix, through its lower Cholesky factor L (event rank 2; Stan's lkj_corr_cholesky, NumPyro's LKJCholesky): density prod_{k=2}^{D} L_kk^(D - k + 2 eta - 2) over the entries below the diagonal, normalized. Each correlation has (r + 1) / 2 ~ Beta(eta - 1 + D / 2, eta - 1 + D / 2). Sampled by the onion method in float64; not reparameterizable (as a prior it needs none). A covariance's factor is `diag(sigma) L`, i.e. each row i of L times sigma_i. `mean()` reports the identity.",
  example: 'L ~ LKJCholesky(3, 2)',
  exampleContext: 'with `L : corr_cholesky[3, 3]`',
};

export const CORR_CHOLESKY_NORMAL_SPEC: DistSpec = {
  name: 'CorrCholeskyNormal',
  params: [
    { name: 'loc', domain: 'real', eventRank: 2, doc: 'means of the unconstrained coordinates, [..., D, D] (entries below the diagonal used)' },
    { name: 'scale', domain: 'positive', eventRank: 2, doc: 'their standard deviations, [..., D, D] (entries below the diagonal used)' },
  ],
  parameterizations: [['loc', 'scale']],
  support: CORR_CHOLESKY,
  eventShapeFor: (shapes) => {
    const s = shapes.get('loc') ?? shapes.get('scale');
    return s && s.length >= 2 ? s.slice(-2) : undefined;
  },
  reparameterizable: true,
  eventRank: 2,
  doc: "A Normal(loc, scale) on the D (D - 1) / 2 entries below the diagonal, pushed through Stan's transform to the Cholesky factor of a correlation matrix (z = tanh(x), then L_ij = z_ij sqrt(1 - sum_{k<j} L_ik^2) row by row), with the change of variables in the density. Pathwise. The automatic guide of `corr_cholesky` latents.",
  example: 'L ~ CorrCholeskyNormal(m, s)',
  exampleContext: 'with `L : corr_cholesky[3, 3]`, `param m : real[3, 3]`, `param s : positive[3, 3]`',
};

export const DIST_SPECS: ReadonlyMap<string, DistSpec> = new Map(
  [
    NORMAL_SPEC,
    BERNOULLI_SPEC,
    CATEGORICAL_SPEC,
    LAPLACE_SPEC,
    LOGNORMAL_SPEC,
    EXPONENTIAL_SPEC,
    GAMMA_SPEC,
    BETA_SPEC,
    POISSON_SPEC,
    UNIFORM_SPEC,
    DIRICHLET_SPEC,
    STUDENT_T_SPEC,
    RELAXED_BERNOULLI_SPEC,
    RELAXED_CATEGORICAL_SPEC,
    HALF_NORMAL_SPEC,
    HALF_CAUCHY_SPEC,
    CAUCHY_SPEC,
    INVERSE_GAMMA_SPEC,
    WEIBULL_SPEC,
    GEOMETRIC_SPEC,
    BINOMIAL_SPEC,
    NEGATIVE_BINOMIAL_SPEC,
    MULTINOMIAL_SPEC,
    ZERO_INFLATED_POISSON_SPEC,
    ZERO_INFLATED_NEGATIVE_BINOMIAL_SPEC,
    VON_MISES_SPEC,
    MULTIVARIATE_NORMAL_SPEC,
    LOGIT_NORMAL_SPEC,
    LKJ_CHOLESKY_SPEC,
    CORR_CHOLESKY_NORMAL_SPEC,
  ].map((s) => [s.name, s]),
);
