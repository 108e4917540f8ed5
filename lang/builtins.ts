// The built-in vocabulary of the language: domains, functions, net activations and head
// constraints, distributions and site annotations. The checker validates against these tables,
// the compiler implements them, and docs/language.md describes them.
import type { Shape } from './checked.js';
import { BINARY, COUNT, POSITIVE, REAL, SIMPLEX, UNIT, describeSupport, type Support } from '../runtime/support.js';
import { DIST_SPECS, type DistSpec } from '../runtime/distributions/spec.js';

// ---------------------------------------------------------------- domains

export interface DomainSpec {
  name: string;
  /** Names of the numeric arguments, e.g. ['lo', 'hi'] for int(lo, hi). */
  args: readonly string[];
  doc: string;
}

export const DOMAINS: ReadonlyMap<string, DomainSpec> = new Map(
  [
    { name: 'real', args: [], doc: 'any real number' },
    { name: 'positive', args: [], doc: 'a real number > 0' },
    { name: 'unit', args: [], doc: 'a real number in the open interval (0, 1)' },
    { name: 'binary', args: [], doc: '0 or 1' },
    { name: 'int', args: ['lo', 'hi'], doc: 'an integer from lo to hi, both inclusive' },
    { name: 'interval', args: ['lo', 'hi'], doc: 'a real number in the open interval (lo, hi)' },
    { name: 'simplex', args: [], doc: 'a probability vector along the last axis: entries > 0 summing to 1 (simplex[K])' },
    { name: 'count', args: [], doc: 'a nonnegative integer 0, 1, 2, ...' },
  ].map((d) => [d.name, d]),
);

export type DomainResult =
  | { ok: true; support: Support }
  /** `arg` is the index of the offending argument, undefined when the error is about the count. */
  | { ok: false; message: string; arg?: number };

/** The support a domain denotes, given its folded arguments; undefined for an unknown name. */
export function domainSupport(name: string, args: readonly number[]): DomainResult | undefined {
  const spec = DOMAINS.get(name);
  if (!spec) return undefined;
  if (args.length !== spec.args.length) {
    const message =
      spec.args.length === 0
        ? `domain ${name} takes no arguments, got ${args.length}`
        : `domain ${name} takes ${spec.args.length} arguments, ${name}(${spec.args.join(', ')}), got ${args.length}`;
    return { ok: false, message, arg: args.length > spec.args.length ? spec.args.length : undefined };
  }
  switch (name) {
    case 'real':
      return { ok: true, support: REAL };
    case 'positive':
      return { ok: true, support: POSITIVE };
    case 'unit':
      return { ok: true, support: UNIT };
    case 'binary':
      return { ok: true, support: BINARY };
    case 'int': {
      const [low, high] = args as [number, number];
      if (!Number.isInteger(low)) return { ok: false, message: `the lower bound of int must be an integer, got ${low}`, arg: 0 };
      if (!Number.isInteger(high)) return { ok: false, message: `the upper bound of int must be an integer, got ${high}`, arg: 1 };
      if (low > high) return { ok: false, message: `int(${low}, ${high}) is empty: the lower bound must not exceed the upper bound` };
      return { ok: true, support: { kind: 'int', low, high } };
    }
    case 'interval': {
      const [low, high] = args as [number, number];
      if (!(low < high)) return { ok: false, message: `interval(${low}, ${high}) is empty: the lower bound must be less than the upper bound` };
      return { ok: true, support: { kind: 'interval', low, high } };
    }
    case 'simplex':
      return { ok: true, support: SIMPLEX };
    case 'count':
      return { ok: true, support: COUNT };
  }
  return undefined;
}

/**
 * Domains a `param` may be constrained to, by kind: continuous sets with a bijection from the
 * reals (runtime/constraints.ts). `interval(lo, hi)` has a bijection too, but its default init
 * depends on its bounds: it joins this table (as ['interval', { kind: 'interval', low: 0,
 * high: 1 }], the bounds coming from the declaration) once rules/params.ts takes its default
 * from `defaultParamInit` and its message from `paramInitProblem` below.
 */
export const PARAM_CONSTRAINTS: ReadonlyMap<string, Support> = new Map<string, Support>([
  ['real', REAL],
  ['positive', POSITIVE],
  ['unit', UNIT],
  ['simplex', SIMPLEX],
  // the bounds come from the declaration: interval(a, b)
  ['interval', { kind: 'interval', low: 0, high: 1 }],
]);

/** The initial value of a param declared without `= value`. */
export const DEFAULT_PARAM_INIT: ReadonlyMap<string, number> = new Map([
  ['real', 0],
  ['positive', 1],
  ['unit', 0.5],
  // A simplex param's init is broadcast to its shape, then normalized along the last axis: 1 gives the uniform point.
  ['simplex', 1],
]);

/** The default init of a param: the table above, the midpoint of an interval(lo, hi). */
export function defaultParamInit(c: Support): number | undefined {
  if (c.kind === 'interval') return (c.low + c.high) / 2;
  return DEFAULT_PARAM_INIT.get(c.kind);
}

/** Why `v` cannot initialize a param constrained to `c` ('must be > 0', ...), or undefined when it can. */
export function paramInitProblem(c: Support, v: number): string | undefined {
  if (insideConstraint(c, v)) return undefined;
  switch (c.kind) {
    case 'positive':
      return 'must be > 0';
    case 'unit':
      return 'must lie strictly between 0 and 1';
    case 'interval':
      return `must lie strictly between ${c.low} and ${c.high}`;
    case 'simplex':
      return 'must be > 0 (it is normalized along the last axis)';
    default:
      return `must lie in ${describeSupport(c)}`;
  }
}

/** Is `v` inside the constraint (open intervals: a positive param cannot start at 0)? */
export function insideConstraint(c: Support, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  switch (c.kind) {
    case 'real':
      return true;
    case 'positive':
      return v > 0;
    case 'unit':
      return v > 0 && v < 1;
    case 'interval':
      return v > c.low && v < c.high;
    case 'simplex':
      // A single number cannot be a point of the simplex: as a param init it is normalized.
      return v > 0;
    case 'count':
      return Number.isInteger(v) && v >= 0;
    case 'binary':
      return v === 0 || v === 1;
    case 'int':
      return Number.isInteger(v) && v >= c.low && v <= c.high;
  }
}

// ---------------------------------------------------------------- nets

export const NET_FAMILIES: readonly string[] = ['mlp'];

export const ACTIVATIONS: ReadonlyMap<string, string> = new Map([
  ['relu', 'max(0, x)'],
  ['tanh', 'hyperbolic tangent'],
  ['sigmoid', '1 / (1 + exp(-x))'],
  ['softplus', 'log(1 + exp(x))'],
  ['linear', 'identity (no nonlinearity)'],
]);

export const DEFAULT_ACTIVATION = 'relu';

/** Head constraints and the squashing applied after the head's linear map. */
export const HEAD_CONSTRAINTS: ReadonlyMap<string, { support: Support; transform: string }> = new Map([
  ['real', { support: REAL, transform: 'identity' }],
  ['positive', { support: POSITIVE, transform: 'softplus' }],
  ['unit', { support: UNIT, transform: 'sigmoid' }],
  ['simplex', { support: SIMPLEX, transform: 'softmax over the head' }],
]);

export const DEFAULT_HEAD_CONSTRAINT = 'real';

// ---------------------------------------------------------------- functions

export type ShapeResult =
  | { ok: true; shape: Shape }
  /** `arg`: index of the offending positional argument or name of the named one; else the whole call. */
  | { ok: false; message: string; arg?: number | string };

export interface BuiltinFunction {
  name: string;
  kind: 'elementwise' | 'reduction' | 'matmul';
  /** Exact number of positional arguments. */
  positional: number;
  /** Allowed named arguments; their values must be constant integers. */
  named: readonly string[];
  signature: string;
  doc: string;
  /** Event shape of the result from the positional arguments' shapes and the folded named ones. */
  shape(args: readonly Shape[], named: ReadonlyMap<string, number>): ShapeResult;
}

export function formatShape(s: Shape): string {
  return `[${s.join(', ')}]`;
}

/** A declared type as written: `real[20]`, `int(0, 9)`, `binary[28, 28]`. */
export function formatType(support: Support, shape: Shape): string {
  const domain = support.kind === 'int' || support.kind === 'interval' ? `${support.kind}(${support.low}, ${support.high})` : support.kind;
  return shape.length ? `${domain}${formatShape(shape)}` : domain;
}

function elementwise(name: string, doc: string): BuiltinFunction {
  return {
    name,
    kind: 'elementwise',
    positional: 1,
    named: [],
    signature: `${name}(x)`,
    doc,
    shape: (args) => ({ ok: true, shape: args[0]! }),
  };
}

function reduction(name: 'sum' | 'mean', doc: string): BuiltinFunction {
  return {
    name,
    kind: 'reduction',
    positional: 1,
    named: ['axis'],
    signature: `${name}(x)  ${name}(x, axis = k)`,
    doc,
    shape: (args, named) => {
      const x = args[0]!;
      const axis = named.get('axis');
      if (axis === undefined) return { ok: true, shape: [] };
      if (!Number.isInteger(axis) || axis < 0 || axis >= x.length) {
        const range = x.length === 0 ? 'a scalar has no axes' : x.length === 1 ? 'the only axis is 0' : `expected an integer from 0 to ${x.length - 1}`;
        return { ok: false, message: `${name}: axis ${axis} is out of range for shape ${formatShape(x)}: ${range}`, arg: 'axis' };
      }
      return { ok: true, shape: x.filter((_, i) => i !== axis) };
    },
  };
}

const MATMUL: BuiltinFunction = {
  name: 'matmul',
  kind: 'matmul',
  positional: 2,
  named: [],
  signature: 'matmul(a, b)',
  doc: 'matrix product: [n, k] x [k, m] -> [n, m], [k] x [k, m] -> [m], [n, k] x [k] -> [n], [k] x [k] -> []',
  shape: (args) => {
    const [a, b] = args as [Shape, Shape];
    for (const [i, s] of [a, b].entries()) {
      if (s.length < 1 || s.length > 2) {
        return { ok: false, message: `matmul takes vectors and matrices, but argument ${i + 1} has shape ${formatShape(s)}`, arg: i };
      }
    }
    const k1 = a[a.length - 1]!;
    const k2 = b[0]!;
    if (k1 !== k2) {
      return { ok: false, message: `matmul: inner sizes differ: ${formatShape(a)} x ${formatShape(b)} (${k1} vs ${k2})` };
    }
    const out: number[] = [];
    if (a.length === 2) out.push(a[0]!);
    if (b.length === 2) out.push(b[1]!);
    return { ok: true, shape: out };
  },
};

export const FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(
  [
    elementwise('exp', 'exponential, elementwise'),
    elementwise('log', 'natural logarithm, elementwise'),
    elementwise('sqrt', 'square root, elementwise'),
    elementwise('softplus', 'log(1 + exp(x)), elementwise'),
    elementwise('sigmoid', '1 / (1 + exp(-x)), elementwise'),
    elementwise('tanh', 'hyperbolic tangent, elementwise'),
    elementwise('relu', 'max(0, x), elementwise'),
    elementwise('abs', 'absolute value, elementwise'),
    reduction('sum', 'sum over all event axes (a scalar), or over event axis `axis` only'),
    reduction('mean', 'mean over all event axes (a scalar), or over event axis `axis` only'),
    MATMUL,
  ].map((f) => [f.name, f]),
);

// ---------------------------------------------------------------- distributions

/** Distribution specs by name (the runtime's table; grows as distributions are added). */
export function distributionSpec(name: string): DistSpec | undefined {
  return DIST_SPECS.get(name);
}

export function distributionNames(): string[] {
  return [...DIST_SPECS.keys()];
}

// ---------------------------------------------------------------- annotations

/**
 * A site annotation (`@name(args)`). Later rules register theirs here and interpret the
 * annotation when they run; the checker only rejects names missing from this registry.
 */
export interface AnnotationSpec {
  name: string;
  /** The blocks where the annotation may appear. */
  blocks: readonly ('model' | 'guide')[];
  doc: string;
}

export const ANNOTATIONS = new Map<string, AnnotationSpec>();

export function registerAnnotation(spec: AnnotationSpec): void {
  ANNOTATIONS.set(spec.name, spec);
}

// Gradient estimation of a guide site (lang/checker/rules/estimators.ts checks their use).
registerAnnotation({
  name: 'score',
  blocks: ['guide'],
  doc: 'estimate this site\'s gradient by the score function (REINFORCE), whatever --estimator says',
});
registerAnnotation({
  name: 'reparam',
  blocks: ['guide'],
  doc: 'estimate this site\'s gradient pathwise (the distribution must be reparameterizable)',
});
registerAnnotation({
  name: 'enumerate',
  blocks: ['model'],
  doc: 'sum this discrete local latent out exactly (all its values, in parallel) instead of sampling it; it then has no guide site',
});
registerAnnotation({
  name: 'baseline',
  blocks: ['guide'],
  doc: 'an input-dependent baseline b(x) for this local site\'s score-function signal (NVIL), trained by squared error',
});

// ---------------------------------------------------------------- reserved names

/** Names a declaration or `let` may not take: they would hide a built-in. */
export function builtinKind(name: string): 'function' | 'distribution' | undefined {
  if (FUNCTIONS.has(name)) return 'function';
  if (DIST_SPECS.has(name)) return 'distribution';
  return undefined;
}
