// Nets: a family of the registry (lang/nets/), whose own check folds the layers, options and
// activation; well-formed heads (a known constraint with its constant arguments: the bounds of
// interval(lo, hi)) where the family takes heads.
import type { CheckContext, CheckRule } from '../context.js';
import type { NetHeadInfo } from '../../checked.js';
import {
  ACTIVATIONS,
  DEFAULT_ACTIVATION,
  DEFAULT_HEAD_CONSTRAINT,
  HEAD_CONSTRAINTS,
  describeHeadConstraints,
  headConstraintSupport,
} from '../../builtins.js';
import { NET_FAMILIES } from '../../nets/registry.js';
import type { NetCheck } from '../../nets/family.js';
import { isActivation } from '../../../runtime/activations.js';
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
      const familyName = decl.family.name;
      const family = NET_FAMILIES.get(familyName);
      if (!family) {
        ctx.error('unknown-net-family', decl.family.span, `unknown net family '${familyName}'${suggestOr(familyName, NET_FAMILIES.keys(), `; the families are ${[...NET_FAMILIES.keys()].join(', ')}`)}`);
        for (const l of decl.layers) if (l.kind !== 'array') foldSize(ctx, l, `a layer size of net ${name}`);
        continue;
      }
      let ok = true;
      const check: NetCheck = {
        decl,
        name,
        size: (e, what) => foldSize(ctx, e, what),
        options: (i) => decl.layerOptions?.[i] ?? [],
        activation: () => {
          const activation = decl.activation?.name ?? DEFAULT_ACTIVATION;
          if (isActivation(activation)) return activation;
          ctx.error('unknown-activation', decl.activation!.span, `unknown activation '${activation}'${suggestOr(activation, ACTIVATIONS.keys(), `; the activations are ${[...ACTIVATIONS.keys()].join(', ')}`)}`);
          return undefined;
        },
        error: (code, at, message) => ctx.error(code, at.span, message),
      };
      const spec = family.check(check);
      if (!spec) ok = false;
      let heads: NetHeadInfo[] | undefined;
      if (decl.heads && !family.takesHeads) {
        ctx.error('bad-net-heads', decl.heads[0]!.span, `a ${familyName} net takes no heads: its output is the image of its last layer (declare another net for a second output)`);
        ok = false;
      } else if (decl.heads) {
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
      if (ok && spec && ctx.owns(name, decl)) ctx.nets.set(name, { family: familyName, spec, ...(heads ? { heads } : {}) });
    }
  },
};
