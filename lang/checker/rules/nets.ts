// Nets: family mlp, positive integer layer sizes, a known activation, well-formed heads.
import type { CheckContext, CheckRule } from '../context.js';
import type { NetHeadInfo } from '../../checked.js';
import { ACTIVATIONS, DEFAULT_ACTIVATION, DEFAULT_HEAD_CONSTRAINT, HEAD_CONSTRAINTS, NET_FAMILIES } from '../../builtins.js';
import type { Expr } from '../../ast.js';
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
          const cname = h.constraint?.name ?? DEFAULT_HEAD_CONSTRAINT;
          const constraint = HEAD_CONSTRAINTS.get(cname);
          if (!constraint) {
            ctx.error('unknown-head-constraint', h.constraint!.span, `unknown head constraint '${cname}'${suggestOr(cname, HEAD_CONSTRAINTS.keys(), `; a head is real (the default), positive or unit`)}`);
            ok = false;
          }
          if (size === undefined || !constraint) ok = false;
          else heads.push({ name: hname, size, constraint: constraint.support });
        }
      }
      if (ok && ctx.owns(name, decl)) ctx.nets.set(name, { layers, activation, ...(heads ? { heads } : {}) });
    }
  },
};
