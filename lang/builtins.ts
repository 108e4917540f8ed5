// The built-in vocabulary of the language: domains, functions, net activations and head
// constraints, distributions and site annotations. The checker validates against these tables,
// the compiler implements them, and lang/docs-tables.ts renders docs/language.md's tables from them.
import { ACTIVATIONS as DENSE_ACTIVATIONS } from '../runtime/activations.js';
import type { Shape } from './checked.js';
import { BINARY, CORR_CHOLESKY, COUNT, POSITIVE, REAL, SIMPLEX, UNIT, describeSupport, type Support } from '../runtime/support.js';
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
    { name: 'corr_cholesky', args: [], doc: 'the lower Cholesky factor of a correlation matrix on the last two axes (corr_cholesky[D, D]): lower triangular, positive diagonal, rows of unit length' },
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
    case 'corr_cholesky':
      return { ok: true, support: CORR_CHOLESKY };
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
    case 'corr_cholesky':
      return false;
  }
}

// ---------------------------------------------------------------- nets

export const ACTIVATIONS: ReadonlyMap<string, string> = new Map(Object.entries(DENSE_ACTIVATIONS));

export const DEFAULT_ACTIVATION = 'relu';

export interface HeadConstraintSpec {
  /** Names of the constant arguments written in parentheses, e.g. ['lo', 'hi'] for interval(lo, hi). */
  args: readonly string[];
  /** The support; for a constraint with arguments, a placeholder (see headConstraintSupport). */
  support: Support;
  transform: string;
}

/** Head constraints and the squashing applied after the head's linear map. */
export const HEAD_CONSTRAINTS: ReadonlyMap<string, HeadConstraintSpec> = new Map<string, HeadConstraintSpec>([
  ['real', { args: [], support: REAL, transform: 'identity' }],
  ['positive', { args: [], support: POSITIVE, transform: 'softplus' }],
  ['unit', { args: [], support: UNIT, transform: 'sigmoid' }],
  // the bounds come from the declaration: rate: D interval(a, b)
  ['interval', { args: ['lo', 'hi'], support: { kind: 'interval', low: 0, high: 1 }, transform: 'lo + (hi - lo) * sigmoid' }],
  ['simplex', { args: [], support: SIMPLEX, transform: 'softmax over the head' }],
]);

export const DEFAULT_HEAD_CONSTRAINT = 'real';

/** How the head constraints read in a hint: `real (the default), positive, ..., interval(lo, hi) or simplex`. */
export function describeHeadConstraints(): string {
  const names = [...HEAD_CONSTRAINTS].map(([n, c]) => (c.args.length ? `${n}(${c.args.join(', ')})` : n) + (n === DEFAULT_HEAD_CONSTRAINT ? ' (the default)' : ''));
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/**
 * The support of head constraint `name` given its folded arguments (their count already
 * checked against `args`); the bounds of an interval are checked as for the domain.
 */
export function headConstraintSupport(name: string, args: readonly number[]): DomainResult | undefined {
  const spec = HEAD_CONSTRAINTS.get(name);
  if (!spec) return undefined;
  return spec.args.length ? domainSupport(name, args) : { ok: true, support: spec.support };
}

// ---------------------------------------------------------------- functions

export type ShapeResult =
  | { ok: true; shape: Shape }
  /** `arg`: index of the offending positional argument or name of the named one; else the whole call. */
  | { ok: false; message: string; arg?: number | string };

export interface BuiltinFunction {
  name: string;
  /**
   * `kernel`: lowered and compiled generically, by calling the kernel of the same name in
   * runtime/functions.ts (KERNELS; the registry itself reaches no TensorFlow.js, so that the
   * checker and the language service start light); the others have lowerings of their own.
   */
  kind: 'elementwise' | 'reduction' | 'matmul' | 'one_hot' | 'concat' | 'observed' | 'kernel';
  /** Number of positional arguments: exactly this many, or from `min` to `max` (no upper bound without `max`). */
  positional: number | { min: number; max?: number };
  /** Allowed named arguments; their values must be constant integers. */
  named: readonly string[];
  /** Its call forms, separated by two spaces: 'sum(x)  sum(x, axis = k)'. */
  signature: string;
  /** What it computes. */
  doc: string;
  /** What the arguments may be, for the docs' table. */
  argsDoc: string;
  /** The shape of the result, for the docs' table. */
  resultDoc: string;
  /**
   * Positions of the positional arguments that must be constant integers or vectors of them
   * (reshape's shape): the checker folds them for `shape`, and the kernel receives them in
   * `KernelCall.constants` instead of as tensors.
   */
  constantArgs?: readonly number[];
  /**
   * Event shape of the result from the positional arguments' shapes, the folded named ones,
   * for a positional argument that is the name of a data or latent its declared support, and
   * the folded values of the `constantArgs` (undefined where one did not fold).
   */
  shape(
    args: readonly Shape[],
    named: ReadonlyMap<string, number>,
    supports: readonly (Support | undefined)[],
    constants: readonly (readonly number[] | undefined)[],
  ): ShapeResult;
}

/** 'takes 2 positional arguments' / 'takes at least 2 positional arguments'. */
export function describeArity(fn: BuiltinFunction): string {
  const p = fn.positional;
  if (typeof p !== 'number' && p.max !== undefined) return `${p.min} ${p.max === p.min + 1 ? 'or' : 'to'} ${p.max} positional arguments`;
  const n = typeof p === 'number' ? p : p.min;
  const s = `${n} positional argument${n === 1 ? '' : 's'}`;
  return typeof p === 'number' ? s : `at least ${s}`;
}

export function arityAccepts(fn: BuiltinFunction, count: number): boolean {
  const p = fn.positional;
  return typeof p === 'number' ? count === p : count >= p.min && (p.max === undefined || count <= p.max);
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
    argsDoc: 'one',
    resultDoc: 'shape of `x`',
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
    argsDoc: 'one, plus optionally a constant integer `axis`, 0 <= k < rank',
    resultDoc: '`[]` (over all event axes); with `axis = k`, the shape of `x` without axis `k`',
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
  doc: 'matrix product (of vectors and matrices)',
  argsDoc: 'two vectors or matrices',
  resultDoc: '`[n, k] x [k, m] -> [n, m]`, `[k] x [k, m] -> [m]`, `[n, k] x [k] -> [n]`, `[k] x [k] -> []`',
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

const ONE_HOT: BuiltinFunction = {
  name: 'one_hot',
  kind: 'one_hot',
  positional: 1,
  named: ['n'],
  signature: 'one_hot(c)  one_hot(c, n = K)',
  doc: 'indicator vectors of the integers `c`: 1 at position `c`, 0 elsewhere',
  argsDoc: 'the name of a data or latent of type `int(lo, hi)` with `lo >= 0`, or `binary`; optionally a constant number of classes `n > hi` (default `hi + 1`)',
  resultDoc: '`[...shape(c), n]`',
  shape: (args, named, supports) => {
    const s = supports[0];
    if (!s || (s.kind !== 'int' && s.kind !== 'binary')) {
      const got = s ? `, not ${describeSupport(s)}` : '';
      return { ok: false, message: `one_hot takes the name of a data or latent of a finite integer type, int(lo, hi) or binary${got}`, arg: 0 };
    }
    const low = s.kind === 'int' ? s.low : 0;
    const high = s.kind === 'int' ? s.high : 1;
    const type = formatType(s, []);
    if (low < 0) return { ok: false, message: `one_hot counts classes from 0, but ${type} has negative values`, arg: 0 };
    const n = named.get('n') ?? high + 1;
    if (!Number.isInteger(n) || n < 1) return { ok: false, message: `one_hot: n must be a positive integer, got ${n}`, arg: 'n' };
    if (n <= high) {
      const missing = n === high ? `${high}` : `${n}..${high}`;
      return { ok: false, message: `one_hot: n = ${n} classes leave the values ${missing} of ${type} without a class; use n = ${high + 1}`, arg: 'n' };
    }
    return { ok: true, shape: [...args[0]!, n] };
  },
};

const OBSERVED: BuiltinFunction = {
  name: 'observed',
  kind: 'observed',
  positional: 1,
  named: [],
  signature: 'observed(x)',
  doc: '1 where an entry of data `x` is observed, 0 where it is missing (a term for the labelled points only, e.g. the classification term of a semi-supervised model)',
  argsDoc: 'the name of a data declaration with `missing`',
  resultDoc: 'shape of `x`',
  shape: (args, _named, supports) => {
    if (!supports[0]) return { ok: false, message: 'observed takes the name of a data declaration (declared `missing`)', arg: 0 };
    return { ok: true, shape: args[0]! };
  },
};

const CONCAT: BuiltinFunction = {
  name: 'concat',
  kind: 'concat',
  positional: { min: 2 },
  named: ['axis'],
  signature: 'concat(a, b, ...)  concat(a, b, ..., axis = k)',
  doc: 'joins its arguments along their last event axis (or event axis `axis`)',
  argsDoc: 'two or more values of the same rank >= 1, equal on every axis but the joined one; optionally a constant `axis` (default: the last)',
  resultDoc: "the common shape with the joined axis's sizes summed: `[3]`, `[10]` -> `[13]`",
  shape: (args, named) => {
    const first = args[0]!;
    for (const [i, s] of args.entries()) {
      if (s.length === 0) return { ok: false, message: `concat joins vectors and arrays, but argument ${i + 1} is a scalar`, arg: i };
      if (s.length !== first.length) {
        return { ok: false, message: `concat: argument ${i + 1} has shape ${formatShape(s)}, of rank ${s.length}, but argument 1 has shape ${formatShape(first)}, of rank ${first.length}`, arg: i };
      }
    }
    const axis = named.get('axis') ?? first.length - 1;
    if (!Number.isInteger(axis) || axis < 0 || axis >= first.length) {
      const range = first.length === 1 ? 'the only axis is 0' : `expected an integer from 0 to ${first.length - 1}`;
      return { ok: false, message: `concat: axis ${axis} is out of range for shape ${formatShape(first)}: ${range}`, arg: 'axis' };
    }
    for (const [i, s] of args.entries()) {
      const k = s.findIndex((d, j) => j !== axis && d !== first[j]);
      if (k >= 0) {
        return { ok: false, message: `concat: argument ${i + 1} has shape ${formatShape(s)} and argument 1 ${formatShape(first)}: they differ on axis ${k}, and only axis ${axis} may differ`, arg: i };
      }
    }
    const out = [...first];
    out[axis] = args.reduce((a, s) => a + s[axis]!, 0);
    return { ok: true, shape: out };
  },
};

// The functions below have no lowering of their own: the lowering passes their arguments, the
// checked shapes and the folded constants to their kernel (KERNELS in runtime/functions.ts).

/** Why `axis` is no event axis of `x` (`what` names the call), or undefined when it is one; `extra` allows axis = rank (a new axis). */
function axisProblem(what: string, x: Shape, axis: number, extra = false): string | undefined {
  const top = extra ? x.length : x.length - 1;
  if (Number.isInteger(axis) && axis >= 0 && axis <= top) return undefined;
  const range = top < 0 ? 'a scalar has no axes' : top === 0 ? 'the only axis is 0' : `expected an integer from 0 to ${top}`;
  return `${what}: axis ${axis} is out of range for shape ${formatShape(x)}: ${range}`;
}

/** softmax and log_softmax: normalized along one axis, the shape kept. */
function alongAxis(name: string, doc: string): BuiltinFunction {
  return {
    name,
    kind: 'kernel',
    positional: 1,
    named: ['axis'],
    signature: `${name}(x)  ${name}(x, axis = k)`,
    doc,
    argsDoc: 'one of rank >= 1, plus optionally a constant integer `axis` (default: the last)',
    resultDoc: 'shape of `x`',
    shape: (args, named) => {
      const x = args[0]!;
      if (x.length === 0) return { ok: false, message: `${name} normalizes along an axis, but its argument is a scalar`, arg: 0 };
      const problem = axisProblem(name, x, named.get('axis') ?? x.length - 1);
      return problem ? { ok: false, message: problem, arg: 'axis' } : { ok: true, shape: x };
    },
  };
}

/** Reduces over every event axis, or over `axis` only (the shape rule of sum). */
function reducedShape(name: string, x: Shape, axis: number | undefined): ShapeResult {
  if (axis === undefined) return { ok: true, shape: [] };
  const problem = axisProblem(name, x, axis);
  return problem ? { ok: false, message: problem, arg: 'axis' } : { ok: true, shape: x.filter((_, i) => i !== axis) };
}

/** Several arguments broadcast together, as in arithmetic (sizes match or are 1, aligned from the right). */
function broadcastShapes(name: string, args: readonly Shape[]): ShapeResult {
  let out: Shape = [];
  for (const [i, s] of args.entries()) {
    const n = Math.max(out.length, s.length);
    const next: number[] = [];
    for (let k = 0; k < n; k++) {
      const a = out[out.length - n + k] ?? 1;
      const b = s[s.length - n + k] ?? 1;
      if (a !== b && a !== 1 && b !== 1) {
        const shapes = args.slice(0, i + 1).map(formatShape).join(', ');
        return { ok: false, message: `${name}: the shapes of its arguments ${shapes} do not broadcast: sizes must match or be 1, aligned from the right`, arg: i };
      }
      next.push(a === 1 ? b : a);
    }
    out = next;
  }
  return { ok: true, shape: out };
}

function extreme(name: 'min' | 'max'): BuiltinFunction {
  const word = name === 'min' ? 'smallest' : 'largest';
  return {
    name,
    kind: 'kernel',
    positional: { min: 1, max: 2 },
    named: ['axis'],
    signature: `${name}(x)  ${name}(x, axis = k)  ${name}(a, b)`,
    doc: `with one argument, the ${word} entry over all event axes (or over event axis \`axis\`); with two, the ${word} of \`a\` and \`b\` elementwise. The gradient goes to the ${word} entry (to each of tied entries of one argument; to \`a\` where \`a\` and \`b\` tie)`,
    argsDoc: 'one (plus optionally a constant integer `axis`), or two that broadcast',
    resultDoc: 'as `sum` with one argument; the broadcast shape with two',
    shape: (args, named) => {
      if (args.length === 2) {
        if (named.has('axis')) return { ok: false, message: `${name}(a, b) compares elementwise and takes no axis; ${name}(x, axis = k) reduces one value`, arg: 'axis' };
        return broadcastShapes(name, args);
      }
      return reducedShape(name, args[0]!, named.get('axis'));
    },
  };
}

/** The integer entries of a folded constant argument, or a message saying why not. */
function integerVector(what: string, v: readonly number[] | undefined): { values: number[] } | { message: string } {
  if (!v) return { message: `${what} must be a constant: an integer or an array of integers such as [2, 3]` };
  const bad = v.find((d) => !Number.isInteger(d));
  if (bad !== undefined) return { message: `${what} must hold integers, got ${bad}` };
  return { values: [...v] };
}

const KERNEL_FUNCTIONS: readonly BuiltinFunction[] = [
  alongAxis('softmax', 'exp(x) normalized to sum to 1 along the last axis (or axis `axis`); computed stably'),
  alongAxis('log_softmax', 'x - logsumexp(x) along the last axis (or axis `axis`): log-probabilities from logits, computed stably'),
  {
    name: 'logsumexp',
    kind: 'kernel',
    positional: 1,
    named: ['axis'],
    signature: 'logsumexp(x)  logsumexp(x, axis = k)',
    doc: 'log(sum(exp(x))) over all event axes (a scalar), or over event axis `axis` only; computed stably (the largest entry factored out)',
    argsDoc: 'one, plus optionally a constant integer `axis`, 0 <= k < rank',
    resultDoc: '`[]` (over all event axes); with `axis = k`, the shape of `x` without axis `k`',
    shape: (args, named) => reducedShape('logsumexp', args[0]!, named.get('axis')),
  },
  extreme('min'),
  extreme('max'),
  {
    name: 'where',
    kind: 'kernel',
    positional: 3,
    named: [],
    signature: 'where(c, a, b)',
    doc: '`a` where `c` is nonzero, `b` where it is 0, elementwise (`c` is typically a comparison such as `x > 0`, which gives 1 and 0). The gradient flows to the branch taken; a branch not taken must still have a finite gradient (`where(x > 0, sqrt(x), 0)` has a NaN gradient at x < 0: write `sqrt(max(x, 0))`)',
    argsDoc: 'three that broadcast',
    resultDoc: 'the broadcast shape',
    shape: (args) => broadcastShapes('where', args),
  },
  {
    name: 'clamp',
    kind: 'kernel',
    positional: 3,
    named: [],
    signature: 'clamp(x, lo, hi)',
    doc: '`x` limited to [lo, hi] elementwise: min(max(x, lo), hi). The gradient to `x` is 1 inside the bounds and 0 outside',
    argsDoc: 'three that broadcast (bounds may be numbers or values)',
    resultDoc: 'the broadcast shape',
    shape: (args) => broadcastShapes('clamp', args),
  },
  {
    name: 'reshape',
    kind: 'kernel',
    positional: 2,
    named: [],
    constantArgs: [1],
    signature: 'reshape(x, [n, m, ...])',
    doc: "the entries of `x` in row-major order, arranged in the given event shape; one size may be -1 (inferred)",
    argsDoc: 'one, and a constant integer or array of integers whose product is the size of `x`',
    resultDoc: 'the given shape',
    shape: (args, _named, _supports, constants) => {
      const x = args[0]!;
      const r = integerVector('the shape of reshape', constants[1]);
      if ('message' in r) return { ok: false, message: r.message, arg: 1 };
      const dims = r.values;
      const size = x.reduce((a, d) => a * d, 1);
      const free = dims.filter((d) => d === -1).length;
      const bad = dims.find((d) => d < -1 || d === 0);
      if (bad !== undefined) return { ok: false, message: `reshape: sizes must be positive (or one -1, inferred), got ${bad}`, arg: 1 };
      if (free > 1) return { ok: false, message: 'reshape: only one size may be -1 (inferred)', arg: 1 };
      const known = dims.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
      if (free === 1 && size % known !== 0) {
        return { ok: false, message: `reshape: ${formatShape(x)} has ${size} entries, not a multiple of ${known}, so -1 in ${formatShape(dims)} has no integer size`, arg: 1 };
      }
      const out = dims.map((d) => (d === -1 ? size / known : d));
      if (free === 0 && known !== size) {
        return { ok: false, message: `reshape: ${formatShape(x)} has ${size} entries, but ${formatShape(dims)} has ${known}`, arg: 1 };
      }
      return { ok: true, shape: out };
    },
  },
  {
    name: 'flatten',
    kind: 'kernel',
    positional: 1,
    named: [],
    signature: 'flatten(x)',
    doc: 'the entries of `x` as a vector, in row-major order',
    argsDoc: 'one',
    resultDoc: '`[n]`, n the number of entries',
    shape: (args) => ({ ok: true, shape: [args[0]!.reduce((a, d) => a * d, 1)] }),
  },
  {
    name: 'transpose',
    kind: 'kernel',
    positional: { min: 1, max: 2 },
    named: [],
    constantArgs: [1],
    signature: 'transpose(x)  transpose(x, [p0, p1, ...])',
    doc: "the event axes of `x` reversed (a matrix's transpose), or permuted: axis i of the result is axis p_i of `x`",
    argsDoc: 'one, and optionally a constant permutation of 0 .. rank - 1',
    resultDoc: 'the permuted shape: `[n, m] -> [m, n]`',
    shape: (args, _named, _supports, constants) => {
      const x = args[0]!;
      if (args.length === 1) return { ok: true, shape: [...x].reverse() };
      const r = integerVector('the permutation of transpose', constants[1]);
      if ('message' in r) return { ok: false, message: r.message, arg: 1 };
      const perm = r.values;
      const ok = perm.length === x.length && perm.every((p) => p >= 0 && p < x.length) && new Set(perm).size === perm.length;
      if (!ok) {
        const want = x.length === 0 ? 'a scalar has no axes to permute' : `expected each of 0 .. ${x.length - 1} once`;
        return { ok: false, message: `transpose: ${formatShape(perm)} is no permutation of the axes of shape ${formatShape(x)}: ${want}`, arg: 1 };
      }
      return { ok: true, shape: perm.map((p) => x[p]!) };
    },
  },
  {
    name: 'stack',
    kind: 'kernel',
    positional: { min: 2 },
    named: ['axis'],
    signature: 'stack(a, b, ...)  stack(a, b, ..., axis = k)',
    doc: 'its arguments stacked along a new first event axis (or a new axis at position `axis`)',
    argsDoc: 'two or more of one shape; optionally a constant `axis`, 0 <= k <= rank',
    resultDoc: 'the common shape with the new axis: `[3]`, `[3]` -> `[2, 3]`',
    shape: (args, named) => {
      const first = args[0]!;
      for (const [i, s] of args.entries()) {
        if (s.length !== first.length || s.some((d, k) => d !== first[k])) {
          return { ok: false, message: `stack: argument ${i + 1} has shape ${formatShape(s)}, but argument 1 has shape ${formatShape(first)}: stacked values must have one shape`, arg: i };
        }
      }
      const axis = named.get('axis') ?? 0;
      const problem = axisProblem('stack', first, axis, true);
      if (problem) return { ok: false, message: problem, arg: 'axis' };
      return { ok: true, shape: [...first.slice(0, axis), args.length, ...first.slice(axis)] };
    },
  },
  {
    name: 'cumsum',
    kind: 'kernel',
    positional: 1,
    named: ['axis'],
    signature: 'cumsum(x)  cumsum(x, axis = k)',
    doc: 'running sums along the last axis (or axis `axis`): entry i is the sum of entries 0 .. i',
    argsDoc: 'one of rank >= 1, plus optionally a constant integer `axis` (default: the last)',
    resultDoc: 'shape of `x`',
    shape: (args, named) => {
      const x = args[0]!;
      if (x.length === 0) return { ok: false, message: 'cumsum sums along an axis, but its argument is a scalar', arg: 0 };
      const problem = axisProblem('cumsum', x, named.get('axis') ?? x.length - 1);
      return problem ? { ok: false, message: problem, arg: 'axis' } : { ok: true, shape: x };
    },
  },
  {
    name: 'dot',
    kind: 'kernel',
    positional: 2,
    named: [],
    signature: 'dot(a, b)',
    doc: 'the inner product along the last axis, sum(a * b, axis = last), the other axes broadcast: `[k] . [k] -> []`, `[n, k] . [k] -> [n]` (for products of matrices, `matmul`)',
    argsDoc: 'two of rank >= 1 with equal last sizes, the other axes broadcasting',
    resultDoc: 'the broadcast shape without the last axis',
    shape: (args) => {
      const [a, b] = args as [Shape, Shape];
      for (const [i, s] of [a, b].entries()) {
        if (s.length === 0) return { ok: false, message: `dot takes vectors (or arrays of them), but argument ${i + 1} is a scalar: multiply with '*'`, arg: i };
      }
      if (a[a.length - 1] !== b[b.length - 1]) {
        return { ok: false, message: `dot: the last sizes differ: ${formatShape(a)} . ${formatShape(b)} (${a[a.length - 1]} vs ${b[b.length - 1]})` };
      }
      const r = broadcastShapes('dot', [a.slice(0, -1), b.slice(0, -1)]);
      if (!r.ok) return { ok: false, message: `dot: ${formatShape(a)} . ${formatShape(b)}: the axes before the last do not broadcast (sizes must match or be 1, aligned from the right)` };
      return r;
    },
  },
];

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
    elementwise('log1p', 'log(1 + x), elementwise, accurate for small x'),
    elementwise('expm1', 'exp(x) - 1, elementwise, accurate for small x'),
    elementwise('lgamma', 'log |Gamma(x)|, elementwise (+inf at 0, -1, -2, ...); its gradient is digamma'),
    elementwise('digamma', 'the digamma function d/dx log Gamma(x), elementwise (NaN at 0, -1, -2, ...); its gradient is trigamma'),
    reduction('sum', 'sum over all event axes (a scalar), or over event axis `axis` only'),
    reduction('mean', 'mean over all event axes (a scalar), or over event axis `axis` only'),
    MATMUL,
    ONE_HOT,
    CONCAT,
    OBSERVED,
    ...KERNEL_FUNCTIONS,
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
  /** How a site writes it, when it takes arguments: '@baseline(b(x))'. Default `@name`. */
  form?: string;
  doc: string;
  /** May also annotate a `factor(...)` statement. */
  onFactor?: boolean;
}

export const ANNOTATIONS = new Map<string, AnnotationSpec>();

export function registerAnnotation(spec: AnnotationSpec): void {
  ANNOTATIONS.set(spec.name, spec);
}

// Gradient estimation of a guide site (lang/checker/rules/estimators.ts checks their use).
registerAnnotation({
  name: 'score',
  blocks: ['guide'],
  doc: "estimate this site's gradient by the score function (REINFORCE), whatever the run's estimator mode says",
});
registerAnnotation({
  name: 'reparam',
  blocks: ['guide'],
  doc: "estimate this site's gradient pathwise; an error (`not-reparameterizable`) when its distribution has no pathwise sample",
});
registerAnnotation({
  name: 'enumerate',
  blocks: ['model', 'guide'],
  doc: 'in the model: sum this discrete local latent out exactly (all its values, in parallel) instead of sampling it; it then has no guide site. In the guide: sum over every value of this discrete local site, each weighted by its guide probability, instead of drawing one (exact in that site; drawn before the guide\'s other sites)',
});
registerAnnotation({
  name: 'baseline',
  blocks: ['guide'],
  form: '@baseline(b(x))',
  doc: "an input-dependent baseline b(x) for this local site's score-function signal (NVIL): one number per data point (an error on a global site or for another shape), fitted by squared error when the NVIL baseline is on",
});
registerAnnotation({
  name: 'scale',
  blocks: ['model'],
  form: '@scale(c)',
  onFactor: true,
  doc: "multiply this site's terms in the objective by the constant c >= 0: a latent's log p(z) - log q(z) (its KL; beta-VAE's beta), data's log-likelihood, a factor's value",
});

// ---------------------------------------------------------------- reserved names

/** Names a declaration or `let` may not take: they would hide a built-in. */
export function builtinKind(name: string): 'function' | 'distribution' | undefined {
  if (FUNCTIONS.has(name)) return 'function';
  if (DIST_SPECS.has(name)) return 'distribution';
  return undefined;
}
