// What the checker and the docs know about a distribution, with no tensors involved.
import type { Support } from '../support.js';
import { BINARY, COUNT, POSITIVE, REAL, SIMPLEX, UNIT } from '../support.js';

export interface DistParamSpec {
  name: string;
  /** The set the argument's values must lie in (for messages and docs). */
  domain: 'real' | 'positive' | 'unit' | 'simplex';
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
   * shapes: Dirichlet's is [K] from its concentration's last axis. Undefined when unknown.
   */
  eventShapeFor?(shapes: ReadonlyMap<string, readonly number[]>): readonly number[] | undefined;
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
  ],
  parameterizations: [['probs'], ['logits']],
  support: COUNT,
  supportDoc: 'int(0, K-1)',
  supportFor: ({ shapes }) => {
    const k = classes(shapes, ['probs', 'logits']);
    return k === undefined ? undefined : { ok: true, support: { kind: 'int', low: 0, high: k - 1 } };
  },
  reparameterizable: false,
  eventRank: 0,
  doc:
    'A class index 0..K-1 per element of the declared shape. The parameters have one more axis than the value: their last axis holds the K classes (`probs` is normalized along it), their leading axes broadcast to the declared shape; the support is int(0, K-1), so `k : int(0, 9)` takes K = 10. Sampled by Gumbel-max; not reparameterizable (use `RelaxedCategorical` for pathwise gradients).',
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
  ].map((s) => [s.name, s]),
);
