import { describe, expect, it } from 'vitest';
import { checkSource } from '../lang/checker/index.js';
import { formatDiagnostics, type Diagnostic } from '../lang/diagnostics.js';
import type { CheckedProgram } from '../lang/checked.js';
import type { Expr, SampleStmt } from '../lang/ast.js';
import { ANNOTATIONS, registerAnnotation } from '../lang/builtins.js';
import { editDistance, closest } from '../lang/checker/suggest.js';
import { VAE } from './helpers.js';

const lines = (...ls: string[]): string => ls.join('\n');

function check(source: string): { checked?: CheckedProgram; diagnostics: Diagnostic[]; errors: Diagnostic[] } {
  const r = checkSource('test.ppl', source);
  return { ...r, errors: r.diagnostics.filter((d) => d.severity === 'error') };
}

function clean(source: string): CheckedProgram {
  const r = check(source);
  if (!r.checked || r.errors.length) throw new Error(`expected a clean check:\n${formatDiagnostics('test.ppl', source, r.diagnostics)}`);
  return r.checked;
}

const at = (d: Diagnostic): string => `${d.span.line}:${d.span.column}`;

/** The source text of an expression. */
function textOf(source: string, e: Expr): string {
  return source.slice(e.span.offset, e.span.offset + e.span.length);
}

function shapeOfText(checked: CheckedProgram, text: string): readonly number[] | undefined {
  for (const [e, s] of checked.shapes) if (textOf(checked.source, e) === text) return s;
  return undefined;
}

// ---------------------------------------------------------------- building blocks of the table

/** data x : real[3], latent z : real[3], with the given model and guide lines. */
function base(model: string[], guide: string[] = ['  z ~ Normal(0, 1)'], decls: string[] = ['data x : real[3]', 'latent z : real[3]']): string {
  return lines(...decls, 'model {', ...model, '}', 'guide {', ...guide, '}');
}
const PRIOR = '  z ~ Normal(0, 1)';
const LIK = '  x ~ Normal(z, 1)';

/** A program with only data x : real[3] (no latents, no guide) plus `decls` before it. */
function observed(decls: string[], model: string[] = ['  x ~ Normal(0, 1)']): string {
  return lines(...decls, 'data x : real[3]', 'model {', ...model, '}');
}

interface Row {
  name: string;
  source: string;
  message: string;
  at: string;
}

const ROWS: Row[] = [
  // ---- declarations
  { name: 'duplicate declaration', source: observed(['data x : real[3]']), message: 'x is already declared on line 1 (as data x)', at: '2:6' },
  { name: 'shadows a built-in function', source: observed(['const exp = 3']), message: 'const exp hides the built-in function exp', at: '1:7' },
  { name: 'shadows a distribution', source: observed(['param Normal : real = 0']), message: 'param Normal hides the built-in distribution Normal', at: '1:7' },
  { name: 'let reuses a declared name', source: base([PRIOR, LIK], ['  let x = 2', '  z ~ Normal(0, 1)']), message: 'let x reuses the name of data x (line 1)', at: '8:7' },
  { name: 'let defined twice', source: base([PRIOR, LIK], ['  let m = 0', '  let m = 1', '  z ~ Normal(m, 1)']), message: 'm is already defined by the let on line 8 of this guide block', at: '9:7' },
  // ---- constants
  { name: 'const uses a later const', source: observed(['const A = B + 1', 'const B = 2']), message: 'const A uses const B, which is declared later (line 2)', at: '1:11' },
  { name: 'const uses data', source: lines('data x : real[3]', 'const A = x', 'model {', '  x ~ Normal(0, 1)', '}'), message: 'const A must be a number, but it uses data x', at: '2:11' },
  { name: 'const is not finite', source: observed(['const A = 1 / 0']), message: 'const A is not a finite number', at: '1:11' },
  { name: 'const is a call', source: observed(['const A = exp(1)']), message: 'const A must be a constant expression', at: '1:11' },
  // ---- types
  { name: 'undefined dimension', source: lines('const D = 20', 'data x : real[Dd]', 'model {', '  x ~ Normal(0, 1)', '}'), message: "undefined name 'Dd'; did you mean D?", at: '2:15' },
  { name: 'zero dimension', source: lines('data x : real[0]', 'model {', '  x ~ Normal(0, 1)', '}'), message: 'a dimension of data x must be a positive integer, got 0', at: '1:15' },
  { name: 'fractional dimension', source: lines('data x : real[2.5]', 'model {', '  x ~ Normal(0, 1)', '}'), message: 'must be a positive integer, got 2.5', at: '1:15' },
  { name: 'unknown domain', source: lines('data x : rael[3]', 'model {', '  x ~ Normal(0, 1)', '}'), message: "unknown domain 'rael'; did you mean real?", at: '1:10' },
  { name: 'domain with arguments it does not take', source: lines('data x : real(1)[3]', 'model {', '  x ~ Normal(0, 1)', '}'), message: 'domain real takes no arguments, got 1', at: '1:15' },
  { name: 'int with one bound', source: observed(['data k : int(3)']), message: 'domain int takes 2 arguments, int(lo, hi), got 1', at: '1:10' },
  { name: 'empty int range', source: observed(['data k : int(5, 2)']), message: 'int(5, 2) is empty', at: '1:10' },
  // ---- params
  { name: 'discrete param', source: observed(['param s : binary[3]'], ['  x ~ Normal(0, s)']), message: 'param s cannot be binary {0, 1}: a param is a continuous value constrained to real, positive, unit, interval(a, b) or simplex', at: '1:11' },
  { name: 'param init outside its constraint', source: observed(['param s : positive[3] = -1'], ['  x ~ Normal(0, s)']), message: 'the initial value -1 of param s is outside its constraint positive', at: '1:25' },
  { name: 'unit param at 1', source: observed(['param p : unit = 1'], ['  x ~ Normal(p, 1)']), message: 'the initial value 1 of param p is outside its constraint unit (0, 1)', at: '1:18' },
  // ---- nets
  { name: 'unknown net family', source: observed(['net f : mpl(3 -> 3)'], ['  x ~ Normal(f(x), 1)']), message: "unknown net family 'mpl'; did you mean mlp?", at: '1:9' },
  { name: 'zero layer size', source: observed(['net f : mlp(3 -> 0)'], ['  x ~ Normal(f(x), 1)']), message: 'a layer size of net f must be a positive integer, got 0', at: '1:18' },
  { name: 'net with one size and no heads', source: observed(['net f : mlp(3)'], ['  x ~ Normal(f(x), 1)']), message: 'net f needs at least an input and an output size', at: '1:1' },
  { name: 'unknown activation', source: observed(['net f : mlp(3 -> 3, rleu)'], ['  x ~ Normal(f(x), 1)']), message: "unknown activation 'rleu'; did you mean relu?", at: '1:21' },
  { name: 'unknown head constraint', source: observed(['net f : mlp(3 -> 4) -> { loc: 3, scale: 3 postive }'], ['  x ~ Normal(f(x).loc, 1)']), message: "unknown head constraint 'postive'; did you mean positive?", at: '1:43' },
  { name: 'duplicate head', source: observed(['net f : mlp(3 -> 4) -> { loc: 3, loc: 3 }'], ['  x ~ Normal(f(x).loc, 1)']), message: "net f already has a head named 'loc'", at: '1:34' },
  {
    name: 'unknown head constraint lists them all',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, scale: 3 bounded }'], ['  x ~ Normal(f(x).loc, 1)']),
    message: "unknown head constraint 'bounded'; a head is real (the default), positive, unit, interval(lo, hi) or simplex",
    at: '1:43',
  },
  {
    name: 'interval head with one bound',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(0.5) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "the constraint interval of head 'rate' of net f takes 2 arguments, interval(lo, hi), got 1",
    at: '1:42',
  },
  {
    name: 'interval head without bounds',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "the constraint interval of head 'rate' of net f takes 2 arguments, interval(lo, hi), got 0",
    at: '1:42',
  },
  {
    name: 'interval head with three bounds',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(0, 1, 2) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "the constraint interval of head 'rate' of net f takes 2 arguments, interval(lo, hi), got 3",
    at: '1:57',
  },
  {
    name: 'arguments to a positive head',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, scale: 3 positive(1) }'], ['  x ~ Normal(f(x).loc, f(x).scale)']),
    message: "the constraint positive of head 'scale' of net f takes no arguments, got 1",
    at: '1:52',
  },
  { name: 'arguments to a real head', source: observed(['net f : mlp(3 -> 4) -> { loc: 3 real(0, 1) }'], ['  x ~ Normal(f(x).loc, 1)']), message: "the constraint real of head 'loc' of net f takes no arguments, got 2", at: '1:38' },
  { name: 'arguments to a unit head', source: observed(['net f : mlp(3 -> 4) -> { p: 3 unit(0, 1) }'], ['  x ~ Normal(f(x).p, 1)']), message: "the constraint unit of head 'p' of net f takes no arguments, got 2", at: '1:36' },
  {
    name: 'arguments to a simplex head',
    source: observed(['net f : mlp(3 -> 4) -> { p: 3 simplex(3) }'], ['  x ~ Normal(f(x).p, 1)']),
    message: "the constraint simplex of head 'p' of net f takes no arguments, got 1",
    at: '1:39',
  },
  {
    name: 'interval head with bounds out of order',
    source: observed(['const S = 2', 'net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(S, -S) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "in head 'rate' of net f, interval(2, -2) is empty: the lower bound must be less than the upper bound",
    at: '2:42',
  },
  {
    name: 'interval head with equal bounds',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(1, 1) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "in head 'rate' of net f, interval(1, 1) is empty",
    at: '1:42',
  },
  {
    name: 'interval head bound that is data',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(0, x) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "the bound hi of head 'rate' of net f must be a constant, but data x is not a const",
    at: '1:54',
  },
  {
    name: 'interval head bound that is a call',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(exp(-1), 2) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "the bound lo of head 'rate' of net f must be a constant expression (numbers, consts and + - * / ^), not a call",
    at: '1:51',
  },
  { name: 'interval head bound undefined', source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(0, Q) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']), message: "undefined name 'Q'", at: '1:54' },
  {
    name: 'interval head bound not finite',
    source: observed(['net f : mlp(3 -> 4) -> { loc: 3, rate: 3 interval(0, 1 / 0) }'], ['  x ~ Normal(f(x).loc, f(x).rate)']),
    message: "the bound hi of head 'rate' of net f is not a finite number (1 / 0 = Infinity)",
    at: '1:54',
  },
  // ---- blocks
  { name: 'no model block', source: lines('data x : real[3]'), message: 'the program has no model block', at: '1:1' },
  { name: 'two model blocks', source: lines('data x : real[3]', 'model {', '  x ~ Normal(0, 1)', '}', 'model {', '  x ~ Normal(0, 1)', '}'), message: 'a program has exactly one model block, but there is already one on line 2', at: '5:1' },
  { name: 'two guide blocks', source: lines(base([PRIOR, LIK]), 'guide {', PRIOR, '}'), message: 'a program has at most one guide block', at: '10:1' },
  {
    name: 'a local latent without a guide block and without data',
    source: lines('latent z : real[3]', 'model {', PRIOR, '}'),
    message: 'latent z has no site in the guide block, and z is a local latent, whose automatic guide is a net reading the data point, but the program declares no data',
    at: '1:8',
  },
  // ---- names
  { name: 'undefined name', source: base([PRIOR, '  x ~ Normal(zz, 1)']), message: "undefined name 'zz'; did you mean z?", at: '5:14' },
  { name: 'latent used before it is sampled', source: base([LIK, PRIOR]), message: 'z is used before it is sampled in the model block', at: '4:14' },
  { name: 'let used before it is defined', source: base([PRIOR, LIK], ['  z ~ Normal(m, 1)', '  let m = 0']), message: 'm is used before it is defined (by the let on line 9)', at: '8:14' },
  { name: 'let of the other block', source: base(['  let m = 0', '  z ~ Normal(m, 1)', LIK], ['  z ~ Normal(m, 1)']), message: "undefined name 'm': it is a let of the model block", at: '9:14' },
  { name: 'unknown function', source: base([PRIOR, '  x ~ Normal(foo(z), 1)']), message: "unknown function 'foo'", at: '5:14' },
  { name: 'unknown function with suggestion', source: base([PRIOR, '  x ~ Normal(epx(z), 1)']), message: "unknown function 'epx'; did you mean exp?", at: '5:14' },
  { name: 'undefined target', source: base([PRIOR, '  y ~ Normal(z, 1)']), message: "undefined name 'y'", at: '5:3' },
  // ---- sites
  { name: 'latent without prior', source: base([LIK.replace('z', '0')]), message: 'latent z has no prior in the model block', at: '2:8' },
  { name: 'latent sampled twice', source: base([PRIOR, PRIOR, LIK]), message: 'latent z is sampled twice in the model block (first on line 4)', at: '5:3' },
  { name: 'latent sampled twice in the guide', source: base([PRIOR, LIK], [PRIOR, PRIOR]), message: 'latent z is sampled twice in the guide block', at: '9:3' },
  { name: 'data in the guide', source: base([PRIOR, LIK], [PRIOR, '  x ~ Normal(0, 1)']), message: 'data x cannot be sampled in the guide: the guide only proposes latents', at: '9:3' },
  { name: 'data observed twice', source: base([PRIOR, LIK, LIK]), message: 'data x is observed twice in the model block (first on line 5)', at: '6:3' },
  { name: 'sampling a param', source: observed(['param s : real[3]'], ['  s ~ Normal(0, 1)', '  x ~ Normal(s, 1)']), message: 'cannot sample param s: only latents and data have distributions', at: '4:3' },
  { name: 'sampling a let', source: base([PRIOR, '  let m = 0', '  m ~ Normal(0, 1)', LIK]), message: 'cannot sample let m: only latents and data have distributions', at: '6:3' },
  // ---- distributions
  { name: 'unknown distribution', source: base(['  z ~ Normla(0, 1)', LIK]), message: "unknown distribution 'Normla'; did you mean Normal?", at: '4:7' },
  { name: 'unknown argument name', source: base(['  z ~ Normal(mean = 0, scale = 1)', LIK]), message: "Normal has no argument 'mean'; its arguments are loc, scale", at: '4:14' },
  { name: 'too many positional arguments', source: base(['  z ~ Normal(0, 1, 2)', LIK]), message: 'Normal takes at most 2 positional arguments (loc, scale), got 3', at: '4:20' },
  { name: 'argument given twice', source: base(['  z ~ Normal(0, loc = 1)', LIK]), message: "argument 'loc' of Normal is given twice", at: '4:17' },
  { name: 'probs and logits', source: lines('data x : binary[3]', 'model {', '  x ~ Bernoulli(probs = 0.5, logits = 0)', '}'), message: 'Bernoulli takes either probs or logits, not both', at: '3:7' },
  { name: 'missing argument', source: base(['  z ~ Normal(0)', LIK]), message: "Normal is missing argument 'scale'", at: '4:7' },
  { name: 'no argument for a choice of parameterizations', source: lines('data x : binary[3]', 'model {', '  x ~ Bernoulli()', '}'), message: 'Bernoulli needs probs or logits', at: '3:7' },
  { name: 'bare distribution name', source: base(['  z ~ Normal', LIK]), message: 'Normal needs arguments: Normal(loc, scale)', at: '4:7' },
  { name: 'constant argument outside its domain', source: base([PRIOR, LIK], ['  z ~ Normal(0, -1)']), message: "Normal's scale must be positive, got -1", at: '8:17' },
  { name: 'unknown annotation', source: base(['  z ~ Normal(0, 1) @foo', LIK]), message: "unknown annotation '@foo'", at: '4:20' },
  // ---- supports
  { name: 'prior support differs', source: base([PRIOR, LIK], ['  z ~ Bernoulli(probs = 0.5)'], ['data x : real[3]', 'latent z : binary[3]']), message: 'the prior of z is Normal with support real, but z is declared binary[3]', at: '4:7' },
  { name: 'guide support differs', source: base(['  z ~ Bernoulli(probs = 0.5)', LIK], ['  z ~ Normal(0, 1)'], ['data x : real[3]', 'latent z : binary[3]']), message: 'the guide for z is Normal with support real, but z is declared binary[3]: a guide must put mass only where the prior does', at: '8:7' },
  { name: 'continuous likelihood for discrete data', source: base([PRIOR, LIK], undefined, ['data x : binary[3]', 'latent z : real[3]']), message: 'data x is declared binary[3], which is discrete, but its likelihood Normal is continuous', at: '5:7' },
  { name: 'discrete likelihood for real data', source: base([PRIOR, '  x ~ Bernoulli(logits = z)']), message: 'data x is declared real[3], which is continuous, but its likelihood Bernoulli is discrete', at: '5:7' },
  // ---- plates
  { name: 'global guide depends on data', source: lines('data x : real[3]', 'global w : real[3]', 'model {', '  w ~ Normal(0, 1)', '  x ~ Normal(w, 1)', '}', 'guide {', '  w ~ Normal(x, 1)', '}'), message: 'the guide of global w depends on data x, which changes with each data point', at: '8:14' },
  {
    name: 'global prior depends on a local latent through a let',
    source: lines('data x : real[3]', 'latent z : real[3]', 'global w : real[3]', 'model {', PRIOR, '  let m = z * 2', '  w ~ Normal(m, 1)', '  x ~ Normal(z + w, 1)', '}', 'guide {', PRIOR, '  w ~ Normal(0, 1)', '}'),
    message: 'the prior of global w depends on local latent z through m, which changes with each data point',
    at: '7:14',
  },
  // ---- shapes
  { name: 'broadcast mismatch', source: base([PRIOR, '  x ~ Normal(z + y, 1)'], undefined, ['data x : real[3]', 'data y : real[4]', 'latent z : real[3]']), message: "shapes [3] and [4] do not broadcast in '+'", at: '6:14' },
  { name: 'argument shape against the declared shape', source: base([PRIOR, '  x ~ Normal(y, 1)'], undefined, ['data x : real[3]', 'data y : real[4]', 'latent z : real[3]']), message: "Normal's loc has shape [4] but x is declared real[3]", at: '6:14' },
  {
    name: 'net input size',
    source: base(['  z ~ Normal(0, 1)', '  x ~ Normal(sum(z), 1)'], ['  let q = enc(x)', '  z ~ Normal(q.loc, q.scale)'], ['data x : real[3]', 'latent z : real[2]', 'net enc : mlp(4 -> 8) -> { loc: 2, scale: 2 positive }']),
    message: 'net enc expects input of size 4, got 3 (shape [3])',
    at: '9:15',
  },
  {
    name: 'net output with heads used directly',
    source: base(['  z ~ Normal(0, 1)', '  x ~ Normal(sum(z), 1)'], ['  let q = enc(x)', '  z ~ Normal(q, 1)'], ['data x : real[3]', 'latent z : real[2]', 'net enc : mlp(3 -> 8) -> { loc: 2, scale: 2 positive }']),
    message: 'q is the output of net enc, which has heads loc, scale: pick one, e.g. q.loc',
    at: '10:14',
  },
  {
    name: 'unknown head',
    source: base(['  z ~ Normal(0, 1)', '  x ~ Normal(sum(z), 1)'], ['  let q = enc(x)', '  z ~ Normal(q.mean, q.scale)'], ['data x : real[3]', 'latent z : real[2]', 'net enc : mlp(3 -> 8) -> { loc: 2, scale: 2 positive }']),
    message: "net enc has no head 'mean'; its heads are loc, scale",
    at: '10:16',
  },
  { name: 'field of a non-record', source: base([PRIOR, '  x ~ Normal(z.loc, 1)']), message: "z has no field 'loc': it is a value of shape [3]", at: '5:16' },
  { name: 'calling a latent', source: base([PRIOR, '  x ~ Normal(z(1), 1)']), message: 'latent z is not a function or a net and cannot be called', at: '5:14' },
  { name: 'calling a distribution', source: base([PRIOR, '  x ~ Normal(Normal(0, 1), 1)']), message: 'Normal is a distribution: a distribution appears only to the right of ~', at: '5:14' },
  { name: 'net used as a value', source: observed(['net f : mlp(3 -> 3)'], ['  x ~ Normal(f, 1)']), message: 'net f is not a value: call it on an input, f(...)', at: '4:14' },
  { name: 'net with two inputs', source: observed(['net f : mlp(3 -> 3)'], ['  x ~ Normal(f(x, x), 1)']), message: 'net f takes one input, got 2', at: '4:14' },
  { name: 'builtin arity', source: base([PRIOR, '  x ~ Normal(exp(z, z), 1)']), message: 'exp takes 1 positional argument (exp(x)), got 2', at: '5:14' },
  { name: 'unknown named argument of a builtin', source: base([PRIOR, '  x ~ Normal(sum(z, axes = 0), 1)']), message: "sum has no argument 'axes'; did you mean axis?", at: '5:21' },
  { name: 'sum axis out of range', source: base([PRIOR, '  x ~ Normal(sum(z, axis = 1), 1)']), message: 'sum: axis 1 is out of range for shape [3]', at: '5:28' },
  {
    name: 'matmul inner sizes',
    source: base([PRIOR, '  x ~ Normal(matmul(z, W), 1)'], undefined, ['data x : real[3]', 'param W : real[4, 2]', 'latent z : real[3]']),
    message: 'matmul: inner sizes differ: [3] x [4, 2] (3 vs 4)',
    at: '6:14',
  },
  { name: 'too many indices', source: base([PRIOR, '  x ~ Normal(z[0, 1], 1)']), message: 'z has shape [3] (1 axis) but is indexed with 2 indices', at: '5:14' },
  { name: 'index out of range', source: base([PRIOR, '  x ~ Normal(z[3], 1)']), message: 'index 3 is out of range for axis 0 of z, which has size 3', at: '5:16' },
  { name: 'slice bound out of range', source: base([PRIOR, '  x ~ Normal(z[0:5], 1)']), message: 'slice bound 5 is out of range for axis 0 of z, which has size 3', at: '5:18' },
  { name: 'empty slice', source: base([PRIOR, '  x ~ Normal(z[2:1], 1)']), message: 'the slice 2:1 of axis 0 of z is empty', at: '5:16' },
  { name: 'index that is not constant', source: base([PRIOR, '  let k = 1', '  x ~ Normal(z[k], 1)']), message: 'an index must be a constant, a loop variable (t, t - 1, ...) or integer-valued', at: '6:16' },
  // ---- distributions with event axes, argument-dependent supports, new domains
  { name: 'simplex without a last axis', source: lines('param a : positive[3] = 1', 'data p : simplex', 'model {', '  p ~ Dirichlet(a)', '}'), message: 'a simplex is a vector along a last axis: declare p : simplex[K]', at: '2:10' },
  { name: 'simplex with one entry', source: observed(['data p : simplex[1]']), message: 'simplex[1] has a single point', at: '1:10' },
  { name: 'empty interval', source: observed(['data u : interval(2, 1)']), message: 'interval(2, 1) is empty: the lower bound must be less than the upper bound', at: '1:10' },
  { name: 'Categorical probs without a class axis', source: lines('data k : int(0, 2)[3]', 'model {', '  k ~ Categorical(probs = 0.5)', '}'), message: "Categorical's probs needs a last axis holding the K classes (shape [..., K]), got a scalar", at: '3:27' },
  {
    name: 'Categorical leading axes against the declared shape',
    source: lines('data k : int(0, 2)[3]', 'param w : simplex[4, 3]', 'model {', '  k ~ Categorical(probs = w)', '}'),
    message: "Categorical's probs has shape [4, 3] but k is declared int(0, 2)[3]: its leading axes [4] must broadcast to the declared shape [3] (its last axis, 3, holds the K classes)",
    at: '4:27',
  },
  {
    name: 'Categorical support int(0, K-1) from the class axis',
    source: lines('data k : int(0, 3)', 'param w : simplex[3]', 'model {', '  k ~ Categorical(probs = w)', '}'),
    message: "the likelihood of k is Categorical with support int(0, 2), which does not cover k's declared domain int(0, 3)",
    at: '4:7',
  },
  {
    name: 'Dirichlet classes against the declared simplex',
    source: lines('param a : positive[4] = 1', 'data p : simplex[3]', 'model {', '  p ~ Dirichlet(a)', '}'),
    message: "Dirichlet's concentration has shape [4], K = 4 classes on its last axis, but p is declared simplex[3]: the declared shape must end with [4]",
    at: '4:17',
  },
  {
    name: 'RelaxedCategorical temperature over the class axis',
    source: lines('param l : real[3] = 0', 'param t : positive[3] = 1', 'data p : simplex[3]', 'model {', '  p ~ RelaxedCategorical(t, logits = l)', '}'),
    message: "RelaxedCategorical's temperature has shape [3] but p is declared simplex[3]: it must broadcast to [], the declared shape without its last axis (one event)",
    at: '5:26',
  },
  { name: 'Uniform bounds out of order', source: lines('data u : real[3]', 'model {', '  u ~ Uniform(1, 0)', '}'), message: "Uniform's high must be greater than its low, got low = 1 and high = 0", at: '3:18' },
  {
    name: 'Uniform prior with non-constant bounds',
    source: lines('data x : positive[3]', 'latent u : interval(0, 1)[3]', 'model {', '  u ~ Uniform(0, x)', '  x ~ Exponential(u)', '}', 'guide {', '  u ~ Uniform(0, 1)', '}'),
    message: 'the prior of u is Uniform, whose support interval(low, high) is known only when both bounds are constants: u is declared interval(0, 1)[3]',
    at: '4:7',
  },
  { name: 'Gamma prior for a real latent', source: base(['  z ~ Gamma(2, 1)', LIK]), message: 'the prior of z is Gamma with support positive, but z is declared real[3]', at: '4:7' },
  { name: 'Poisson likelihood for real data', source: base([PRIOR, '  x ~ Poisson(exp(z))']), message: 'data x is declared real[3], which is continuous, but its likelihood Poisson is discrete', at: '5:7' },
  {
    name: 'Beta guide for a wider interval',
    source: lines('data x : real[3]', 'latent u : interval(0, 2)[3]', 'model {', '  u ~ Uniform(0, 2)', '  x ~ Normal(u, 1)', '}', 'guide {', '  u ~ Beta(1, 1)', '}'),
    message: 'the guide for u is Beta with support unit (0, 1), but u is declared interval(0, 2)[3]: a guide must cover the whole declared support',
    at: '8:7',
  },
];

describe('checker: the flagship VAE', () => {
  it('checks clean, without warnings', () => {
    const r = check(VAE);
    expect(r.diagnostics).toEqual([]);
    expect(r.checked).toBeDefined();
  });

  it('builds the CheckedProgram', () => {
    const c = clean(VAE);
    expect([...c.consts]).toEqual([
      ['D', 20],
      ['H', 400],
    ]);
    expect(c.data.map((d) => [d.name, d.shape, d.support.kind])).toEqual([['x', [784], 'binary']]);
    expect(c.latents).toHaveLength(1);
    const z = c.latents[0]!;
    expect([z.name, z.plate, z.shape, z.support.kind]).toEqual(['z', 'local', [20], 'real']);
    expect(z.prior.span.line).toBe(12);
    expect(z.guide!.span.line).toBe(18);
    expect(c.params).toEqual([]);

    const [dec, enc] = c.nets;
    expect(dec).toMatchObject({ name: 'decoder', family: 'mlp', spec: { layers: [20, 400, 784], activation: 'relu' } });
    expect(dec!.heads).toBeUndefined();
    expect(enc).toMatchObject({ name: 'encoder', spec: { layers: [784, 400], activation: 'relu' } });
    expect(enc!.heads!.map((h) => [h.name, h.size, h.constraint.kind])).toEqual([
      ['loc', 20, 'real'],
      ['scale', 20, 'positive'],
    ]);

    expect(c.sites.map((s) => [s.block, s.target, s.targetKind, s.plate, s.dist.name, s.argNames, s.shape])).toEqual([
      ['model', 'z', 'latent', 'local', 'Normal', ['loc', 'scale'], [20]],
      ['model', 'x', 'data', 'local', 'Bernoulli', ['logits'], [784]],
      ['guide', 'z', 'latent', 'local', 'Normal', ['loc', 'scale'], [20]],
    ]);
    expect(c.sites[0]!.stmt).toBe(z.prior);
    expect(c.sites[2]!.stmt).toBe(z.guide);
    expect(c.model).toHaveLength(2);
    expect(c.guide).toHaveLength(2);
  });

  it('records the event shape of every expression', () => {
    const c = clean(VAE);
    expect(shapeOfText(c, 'decoder(z)')).toEqual([784]);
    expect(shapeOfText(c, 'z')).toEqual([20]);
    expect(shapeOfText(c, 'x')).toEqual([784]);
    expect(shapeOfText(c, 'q.loc')).toEqual([20]);
    expect(shapeOfText(c, 'q.scale')).toEqual([20]);
    expect(shapeOfText(c, '0')).toEqual([]);
    // A net output with heads is a record, not a tensor: it has no event shape.
    expect(shapeOfText(c, 'encoder(x)')).toBeUndefined();
    const prior = c.sites[0]!.stmt as SampleStmt;
    for (const a of prior.dist.args!) expect(c.shapes.get(a.value)).toEqual([]);
  });
});

describe('checker: programs that check clean', () => {
  it('folds consts through arithmetic and earlier consts', () => {
    const c = clean(observed(['const A = 2', 'const B = (A + 1) * 2 ^ 2 - -1', 'data y : real[B]'], ['  x ~ Normal(sum(y), 1)']));
    expect(c.consts.get('B')).toBe(13);
    expect(c.data.find((d) => d.name === 'y')!.shape).toEqual([13]);
  });

  it('gives params their folded or default init', () => {
    const c = clean(observed(['param a : real[3]', 'param b : positive[3]', 'param c : unit', 'param d : positive = 2 * 0.25'], ['  x ~ Normal(a * c, b + d)']));
    expect(c.params.map((p) => [p.name, p.shape, p.constraint.kind, p.init])).toEqual([
      ['a', [3], 'real', { kind: 'value', value: 0 }],
      ['b', [3], 'positive', { kind: 'value', value: 1 }],
      ['c', [], 'unit', { kind: 'value', value: 0.5 }],
      ['d', [], 'positive', { kind: 'value', value: 0.5 }],
    ]);
  });

  it('folds the bounds of interval heads; guide sites take interval heads as arguments', () => {
    const src = lines(
      'const S = 2',
      'data x : real[3]',
      'latent z : real[2]',
      'latent p : unit[2]',
      'net enc : mlp(3 -> 8) -> { loc: 2, scale: 2 interval(0.01, S), a: 2 interval(S / 4, 2 * S), b: 2 interval(-S + 2.5, S ^ 2) }',
      'model {',
      '  z ~ Normal(0, 1)',
      '  p ~ Beta(1, 1)',
      '  x ~ Normal(sum(z) + sum(p), 1)',
      '}',
      'guide {',
      '  let q = enc(x)',
      '  z ~ Normal(q.loc, q.scale)',
      '  p ~ Beta(q.a, q.b)',
      '}',
    );
    expect(check(src).diagnostics).toEqual([]);
    const c = clean(src);
    expect(c.nets[0]!.heads!.map((h) => [h.name, h.size, h.constraint])).toEqual([
      ['loc', 2, { kind: 'real' }],
      ['scale', 2, { kind: 'interval', low: 0.01, high: 2 }],
      ['a', 2, { kind: 'interval', low: 0.5, high: 4 }],
      ['b', 2, { kind: 'interval', low: 0.5, high: 4 }],
    ]);
    expect(shapeOfText(c, 'q.scale')).toEqual([2]);
    expect(c.sites.filter((s) => s.block === 'guide').map((s) => [s.target, s.dist.name])).toEqual([
      ['z', 'Normal'],
      ['p', 'Beta'],
    ]);
  });

  it('infers shapes of slices, indexing, reductions, matmul and broadcasting', () => {
    const src = lines(
      'data x : real[784]',
      'data m : real[4, 3]',
      'data y : real[3]',
      'param W : real[3, 5]',
      'net h : mlp(392 -> 10, tanh)',
      'model {',
      '  let a = x[0:392]',
      '  let b = m[1, :]',
      '  let c = m[:, 0]',
      '  let d = matmul(m, W)',
      '  let e = matmul(y, W)',
      '  let f = matmul(m, y)',
      '  let g = sum(m, axis = 0) + mean(m)',
      '  let k = h(a) * 2',
      '  let l = m[-1, 1:]',
      '  let n = matmul(y, y)',
      '  y ~ Normal(b + c[0:3] + sum(d) + sum(e) + sum(f) + g + sum(k) + sum(l) + n, exp(W[0, 0]))',
      '  x ~ Normal(0, 1)',
      '  m ~ Normal(0, 1)',
      '}',
    );
    const c = clean(src);
    expect(shapeOfText(c, 'x[0:392]')).toEqual([392]);
    expect(shapeOfText(c, 'm[1, :]')).toEqual([3]);
    expect(shapeOfText(c, 'm[:, 0]')).toEqual([4]);
    expect(shapeOfText(c, 'matmul(m, W)')).toEqual([4, 5]);
    expect(shapeOfText(c, 'matmul(y, W)')).toEqual([5]);
    expect(shapeOfText(c, 'matmul(m, y)')).toEqual([4]);
    expect(shapeOfText(c, 'sum(m, axis = 0)')).toEqual([3]);
    expect(shapeOfText(c, 'mean(m)')).toEqual([]);
    expect(shapeOfText(c, 'sum(m, axis = 0) + mean(m)')).toEqual([3]);
    expect(shapeOfText(c, 'h(a)')).toEqual([10]);
    expect(shapeOfText(c, 'm[-1, 1:]')).toEqual([2]);
    expect(shapeOfText(c, 'matmul(y, y)')).toEqual([]);
    expect(shapeOfText(c, 'W[0, 0]')).toEqual([]);
  });

  it('lets a local latent depend on a global one, and data be a covariate', () => {
    const src = lines(
      'data u : real[2]',
      'data y : real',
      'global w : real[2]',
      'latent z : real',
      'param s : positive = 0.5',
      'model {',
      '  w ~ Normal(0, 1)',
      '  z ~ Normal(sum(w), 1)',
      '  y ~ Normal(sum(w * u) + z, s)',
      '}',
      'guide {',
      '  w ~ Normal(0, s)',
      '  z ~ Normal(y, s)',
      '}',
    );
    const c = clean(src);
    expect(c.latents.map((l) => [l.name, l.plate])).toEqual([
      ['w', 'global'],
      ['z', 'local'],
    ]);
    expect(c.sites.filter((s) => s.target === 'w').map((s) => s.plate)).toEqual(['global', 'global']);
  });

  it('matches named and positional arguments to parameter names in written order', () => {
    const c = clean(base(['  z ~ Normal(scale = 2, loc = 0)', '  x ~ Normal(z, scale = 1)']));
    expect(c.sites.map((s) => s.argNames)).toEqual([
      ['scale', 'loc'],
      ['loc', 'scale'],
      ['loc', 'scale'],
    ]);
  });

  it('accepts an annotation once it is registered', () => {
    const src = base(['  z ~ Normal(0, 1)', LIK], ['  z ~ Normal(0, 1) @tag']);
    expect(check(src).errors.map((d) => d.message)).toEqual([expect.stringContaining("unknown annotation '@tag'")]);
    registerAnnotation({ name: 'tag', blocks: ['guide'], doc: 'test only' });
    try {
      expect(check(src).errors).toEqual([]);
      const misplaced = check(base(['  z ~ Normal(0, 1) @tag', LIK]));
      expect(misplaced.errors.map((d) => [d.message, at(d)])).toEqual([['@tag is not allowed in the model block; it belongs in the guide block', '4:20']]);
    } finally {
      ANNOTATIONS.delete('tag');
    }
  });
});

describe('checker: bad programs', () => {
  it('has a large table', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(ROWS)('$name', (row) => {
    const r = check(row.source);
    expect(r.checked).toBeUndefined();
    const found = r.errors.find((d) => d.message.includes(row.message));
    if (!found) {
      throw new Error(`no error containing "${row.message}"; got:\n${formatDiagnostics('test.ppl', row.source, r.diagnostics)}`);
    }
    expect(at(found)).toBe(row.at);
  });

  it('reports every error, not only the first', () => {
    const src = base(['  z ~ Normla(0, 1)', '  x ~ Normal(zz, 1)'], ['  z ~ Normal(0, -1)']);
    const r = check(src);
    expect(r.errors.map((d) => [d.code, at(d)])).toEqual([
      ['unknown-distribution', '4:7'],
      ['undefined-name', '5:14'],
      ['bad-argument-value', '8:17'],
    ]);
  });

  it('reports an undefined name once per use and nothing that follows from it', () => {
    const once = check(base([PRIOR, '  x ~ Normal(exp(nope) * z + matmul(nope, z), nope.loc)']));
    expect(once.errors.map((d) => [d.message, at(d)])).toEqual([
      ["undefined name 'nope'", '5:18'],
      ["undefined name 'nope'", '5:37'],
      ["undefined name 'nope'", '5:47'],
    ]);
  });

  it('does not cascade from a broken declaration', () => {
    const src = lines('data x : real[Q]', 'net f : mlp(Q -> 3)', 'latent z : real[3]', 'model {', '  z ~ Normal(f(x), 1)', '  x ~ Normal(z + x, 1)', '}', 'guide {', PRIOR, '}');
    const r = check(src);
    expect(r.errors.map((d) => [d.message, at(d)])).toEqual([
      ["undefined name 'Q'", '1:15'],
      ["undefined name 'Q'", '2:13'],
    ]);
  });

  it('returns syntax errors from checkSource without checking', () => {
    const r = check('data x : real[3\nmodel {\n}\n');
    expect(r.checked).toBeUndefined();
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.every((d) => d.code !== 'missing-model')).toBe(true);
  });
});

describe('checker: warnings', () => {
  it('warns about unused declarations and lets but still checks', () => {
    const src = lines('const K = 3', 'data x : real[3]', 'data y : real[2]', 'param s : real', 'net f : mlp(3 -> 3)', 'model {', '  let m = 1', '  x ~ Normal(0, 1)', '}');
    const r = check(src);
    expect(r.checked).toBeDefined();
    expect(r.diagnostics.map((d) => [d.severity, d.message, at(d)])).toEqual([
      ['warning', 'const K is declared but never used', '1:7'],
      ['warning', 'data y is declared but never used', '3:6'],
      ['warning', 'param s is declared but never used', '4:7'],
      ['warning', 'net f is declared but never used', '5:5'],
      ['warning', 'let m is defined but never used', '7:7'],
    ]);
  });
});

describe('did you mean', () => {
  it('counts a swap of adjacent letters as one edit', () => {
    expect(editDistance('rael', 'real')).toBe(1);
    expect(closest('Normla', ['Normal', 'Bernoulli'])).toBe('Normal');
    expect(closest('q', ['z', 'x'])).toBeUndefined();
    expect(closest('Bernouli', ['Normal', 'Bernoulli'])).toBe('Bernoulli');
  });
});
