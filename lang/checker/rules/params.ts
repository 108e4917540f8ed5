// Params: a continuous constraint (real, positive, unit, interval(a, b), simplex) and an initial
// value inside it: one number broadcast to the shape, an array of values (a literal or an array
// const) that broadcasts to it, or a seeded random draw per element, `normal(m, s)` or
// `uniform(lo, hi)`.
import type { CheckContext, CheckRule, ConstArray, ParamInit } from '../context.js';
import { PARAM_CONSTRAINTS, defaultParamInit, paramInitProblem } from '../../builtins.js';
import { describeSupport, type Support } from '../../../runtime/support.js';
import type { Call, Expr, ParamDecl } from '../../ast.js';
import type { Shape } from '../../checked.js';
import { broadcastsTo, formatShape } from '../shapes.js';

const RANDOM_INITS = new Map<string, [string, string]>([
  ['normal', ['mean', 'sd']],
  ['uniform', ['lo', 'hi']],
]);

function randomInit(ctx: CheckContext, decl: ParamDecl, call: Call, support: Support): ParamInit | undefined {
  const name = decl.name.name;
  const fn = call.callee.name;
  const argNames = RANDOM_INITS.get(fn);
  if (!argNames) {
    ctx.error('bad-param-init', call.callee.span, `the initial value of param ${name} is a number, an array, or a random draw per element, normal(mean, sd) or uniform(lo, hi); '${fn}' is none of these`);
    return undefined;
  }
  if (call.args.length !== 2 || call.args.some((a) => a.name)) {
    ctx.error('bad-param-init', call.span, `${fn}(${argNames.join(', ')}) takes two positional numbers`);
    return undefined;
  }
  const [a, b] = call.args.map((x) => ctx.foldDeclConst(x.value, `${argNames[0]} of ${fn}`));
  if (a === undefined || b === undefined) return undefined;
  if (fn === 'normal') {
    if (support.kind !== 'real') {
      ctx.error('bad-param-init', call.span, `normal(mean, sd) can start only a real param; param ${name} is ${describeSupport(support)}: use uniform(lo, hi) inside it`);
      return undefined;
    }
    if (!(b > 0)) {
      ctx.error('bad-param-init', call.args[1]!.span, `the sd of normal(mean, sd) must be > 0, got ${b}`);
      return undefined;
    }
    return { kind: 'random', dist: 'normal', a, b };
  }
  if (!(a < b)) {
    ctx.error('bad-param-init', call.span, `uniform(${a}, ${b}) is empty: lo must be less than hi`);
    return undefined;
  }
  // The draws fall strictly between the bounds, so a bound may sit on an open constraint's edge.
  const lo = support.kind === 'simplex' ? 0 : lowEdge(support);
  const hi = highEdge(support);
  const outside = (v: number): boolean => (lo !== undefined && v < lo) || (hi !== undefined && v > hi);
  if (outside(a) || outside(b)) {
    const v = outside(a) ? a : b;
    ctx.error('bad-param-init', call.args[outside(a) ? 0 : 1]!.span, `the bound ${v} of uniform lies outside the constraint ${describeSupport(support)} of param ${name}`);
    return undefined;
  }
  return { kind: 'random', dist: 'uniform', a, b };
}

/** The lower edge of a constraint (undefined: unbounded). */
function lowEdge(c: Support): number | undefined {
  if (c.kind === 'positive' || c.kind === 'unit') return 0;
  if (c.kind === 'interval') return c.low;
  return undefined;
}

/** The upper edge of a constraint (undefined: unbounded). */
function highEdge(c: Support): number | undefined {
  if (c.kind === 'unit') return 1;
  if (c.kind === 'interval') return c.high;
  return undefined;
}

function arrayInit(ctx: CheckContext, decl: ParamDecl, init: Expr): ConstArray | undefined {
  if (init.kind === 'array') return ctx.foldArray(init, `an element of the initial value of param ${decl.name.name}`, (id) => {
    const sym = ctx.symbols.get(id.name);
    if (!sym) return { error: `undefined name '${id.name}'` };
    ctx.used.add(sym.name);
    const v = sym.kind === 'const' ? ctx.consts.get(sym.name) : undefined;
    if (sym.kind !== 'const' || ctx.constArrays.has(sym.name)) return { error: `an element of an initial value must be a number or a const, not ${id.name}` };
    return v === undefined ? 'silent' : { value: v };
  });
  if (init.kind === 'ident') {
    const sym = ctx.symbols.get(init.name);
    const array = sym?.kind === 'const' ? ctx.constArrays.get(sym.name) : undefined;
    if (array) ctx.used.add(init.name);
    return array;
  }
  return undefined;
}

function checkArray(ctx: CheckContext, decl: ParamDecl, array: ConstArray, shape: Shape, support: Support): boolean {
  const name = decl.name.name;
  const span = decl.init!.span;
  if (!broadcastsTo(array.shape, shape)) {
    ctx.error('bad-param-init', span, `the initial values of param ${name} have shape ${formatShape(array.shape)}, which does not broadcast to its shape ${formatShape(shape)}`);
    return false;
  }
  const bad = array.values.findIndex((v) => paramInitProblem(support, v) !== undefined);
  if (bad >= 0) {
    const v = array.values[bad]!;
    ctx.error('bad-param-init', span, `the initial value ${v} (element ${bad}) of param ${name} is outside its constraint ${describeSupport(support)}: it ${paramInitProblem(support, v)}`);
    return false;
  }
  return true;
}

export const paramsRule: CheckRule = {
  name: 'params',
  run(ctx: CheckContext): void {
    for (const decl of ctx.program.decls) {
      if (decl.kind !== 'param') continue;
      const name = decl.name.name;
      const t = ctx.declTypes.get(name);
      const init = decl.init;
      const isArray = init && (init.kind === 'array' || (init.kind === 'ident' && ctx.constArrays.has(init.name)));
      const scalar = init && !isArray && init.kind !== 'call' ? ctx.foldDeclConst(init, `the initial value of param ${name}`) : undefined;
      if (!t || !ctx.owns(name, decl)) continue;
      const kind = t.support.kind;
      if (!PARAM_CONSTRAINTS.has(kind)) {
        ctx.error(
          'bad-param-constraint',
          decl.type.domain.span,
          `param ${name} cannot be ${describeSupport(t.support)}: a param is a continuous value constrained to real, positive, unit, interval(a, b) or simplex`,
        );
        continue;
      }
      if (init?.kind === 'call') {
        const r = randomInit(ctx, decl, init, t.support);
        if (r) ctx.params.set(name, { constraint: t.support, init: r });
        continue;
      }
      if (isArray) {
        const array = arrayInit(ctx, decl, init);
        if (array && checkArray(ctx, decl, array, t.shape, t.support)) ctx.params.set(name, { constraint: t.support, init: { kind: 'array', array } });
        continue;
      }
      if (init && scalar === undefined) continue;
      const value = scalar ?? defaultParamInit(t.support)!;
      const problem = paramInitProblem(t.support, value);
      if (problem) {
        const span = init?.span ?? decl.type.domain.span;
        ctx.error('bad-param-init', span, `the initial value ${value} of param ${name} is outside its constraint ${describeSupport(t.support)}: it ${problem}`);
        continue;
      }
      ctx.params.set(name, { constraint: t.support, init: { kind: 'value', value } });
    }
  },
};
