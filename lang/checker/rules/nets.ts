// Nets: family mlp, positive integer layer sizes, a known activation, well-formed heads (a
// known constraint with its constant arguments: the bounds of interval(lo, hi)).
import type { CheckContext, CheckRule } from '../context.js';
import type { NetHeadInfo } from '../../checked.js';
import {
  ACTIVATIONS,
  DEFAULT_ACTIVATION,
  DEFAULT_HEAD_CONSTRAINT,
  HEAD_CONSTRAINTS,
  NET_FAMILIES,
  describeHeadConstraints,
  headConstraintSupport,
} from '../../builtins.js';
import type { Expr, NetHead } from '../../ast.js';
import type { Support } from '../../../runtime/support.js';
import { suggestOr } from '../suggest.js';

function foldSize(ctx: CheckContext, e: Expr, what: string): number | undefined {
  const v = ctx.foldDeclConst(e, what);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1) {
    ctx.error('bad-layer-size', e.span, `${what} must be a positive integer, got ${v}`);
    return undefined;
  }
  return v;
}

/**
 * The support of a head's constraint: a known name, with exactly its arguments (the bounds of
 * interval(lo, hi)), each a declaration constant, in order. Undefined after an error.
 */
function headSupport(ctx: CheckContext, h: NetHead, net: string): Support | undefined {
  const hname = h.name.name;
  const cname = h.constraint?.name ?? DEFAULT_HEAD_CONSTRAINT;
  const spec = HEAD_CONSTRAINTS.get(cname);
  if (!spec) {
    ctx.error('unknown-head-constraint', h.constraint!.span, `unknown head constraint '${cname}'${suggestOr(cname, HEAD_CONSTRAINTS.keys(), `; a head is ${describeHeadConstraints()}`)}`);
    return undefined;
  }
  const given = h.constraintArgs ?? [];
  if (given.length !== spec.args.length) {
    const takes = spec.args.length === 0 ? 'no arguments' : `${spec.args.length} arguments, ${cname}(${spec.args.join(', ')})`;
    // Too many: at the first extra argument; too few: at the constraint's name.
    ctx.error('bad-head-constraint', given[spec.args.length]?.span ?? h.constraint!.span, `the constraint ${cname} of head '${hname}' of net ${net} takes ${takes}, got ${given.length}`);
    return undefined;
  }
  const values: number[] = [];
  given.forEach((a, i) => {
    const v = ctx.foldDeclConst(a, `the bound ${spec.args[i]} of head '${hname}' of net ${net}`);
    if (v !== undefined) values.push(v);
  });
  if (values.length !== given.length) return undefined;
  const r = headConstraintSupport(cname, values);
  if (!r) return undefined;
  if (!r.ok) {
    const at = r.arg !== undefined ? given[r.arg] : undefined;
    ctx.error('bad-head-constraint', at ? at.span : h.constraint!.span, `in head '${hname}' of net ${net}, ${r.message}`);
    return undefined;
  }
  return r.support;
}

export const netsRule: CheckRule = {
  name: 'nets',
  run(ctx: CheckContext): void {
    for (const decl of ctx.program.decls) {
      if (decl.kind !== 'net') continue;
      const name = decl.name.name;
      let ok = true;
      const family = decl.family.name;
      if (!NET_FAMILIES.includes(family)) {
        ctx.error('unknown-net-family', decl.family.span, `unknown net family '${family}'${suggestOr(family, NET_FAMILIES, `; the only family is mlp`)}`);
        ok = false;
      }
      const layers: number[] = [];
      for (const l of decl.layers) {
        const v = foldSize(ctx, l, `a layer size of net ${name}`);
        if (v === undefined) ok = false;
        else layers.push(v);
      }
      const minimum = decl.heads ? 1 : 2;
      if (decl.layers.length < minimum) {
        const message = decl.heads
          ? `net ${name} needs at least an input size, e.g. mlp(784 -> 400) -> { ... }`
          : `net ${name} needs at least an input and an output size, e.g. mlp(784 -> 10), got ${decl.layers.length} size${decl.layers.length === 1 ? '' : 's'}`;
        ctx.error('bad-net-layers', decl.span, message);
        ok = false;
      }
      const activation = decl.activation?.name ?? DEFAULT_ACTIVATION;
      if (!ACTIVATIONS.has(activation)) {
        ctx.error('unknown-activation', decl.activation!.span, `unknown activation '${activation}'${suggestOr(activation, ACTIVATIONS.keys(), `; the activations are ${[...ACTIVATIONS.keys()].join(', ')}`)}`);
        ok = false;
      }
      let heads: NetHeadInfo[] | undefined;
      if (decl.heads) {
        heads = [];
        const seen = new Set<string>();
        for (const h of decl.heads) {
          const hname = h.name.name;
          if (seen.has(hname)) {
            ctx.error('duplicate-head', h.name.span, `net ${name} already has a head named '${hname}'`);
            ok = false;
          } else seen.add(hname);
          const size = foldSize(ctx, h.size, `the size of head '${hname}' of net ${name}`);
          const support = headSupport(ctx, h, name);
          if (size === undefined || !support) ok = false;
          else heads.push({ name: hname, size, constraint: support });
        }
      }
      if (ok && ctx.owns(name, decl)) ctx.nets.set(name, { layers, activation, ...(heads ? { heads } : {}) });
    }
  },
};
