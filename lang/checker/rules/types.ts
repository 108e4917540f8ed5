// Types of data, latents and params: a known domain with valid arguments and a shape of
// positive integer sizes.
import type { CheckContext, CheckRule } from '../context.js';
import type { Expr, TypeExpr } from '../../ast.js';
import type { DeclaredType } from '../context.js';
import { DOMAINS, domainSupport } from '../../builtins.js';
import { suggestOr } from '../suggest.js';

/** Fold a declaration's shape; reports bad sizes and returns undefined if any is bad. */
export function foldShape(ctx: CheckContext, dims: readonly Expr[], owner: string): number[] | undefined {
  let ok = true;
  const shape: number[] = [];
  for (const dim of dims) {
    const v = ctx.foldDeclConst(dim, `a dimension of ${owner}`);
    if (v === undefined) {
      ok = false;
      continue;
    }
    if (!Number.isInteger(v) || v < 1) {
      ctx.error('bad-dimension', dim.span, `a dimension of ${owner} must be a positive integer, got ${v}`);
      ok = false;
      continue;
    }
    shape.push(v);
  }
  return ok ? shape : undefined;
}

export function foldType(ctx: CheckContext, type: TypeExpr, owner: string): DeclaredType | undefined {
  const domainName = type.domain.name;
  const args: number[] = [];
  let argsOk = true;
  for (const a of type.domainArgs) {
    const v = ctx.foldDeclConst(a, `an argument of domain ${domainName}`);
    if (v === undefined) argsOk = false;
    else args.push(v);
  }
  const shape = foldShape(ctx, type.shape, owner);
  const spec = DOMAINS.get(domainName);
  if (!spec) {
    const all = [...DOMAINS.values()].map((d) => (d.args.length ? `${d.name}(${d.args.join(', ')})` : d.name)).join(', ');
    ctx.error('unknown-domain', type.domain.span, `unknown domain '${domainName}'${suggestOr(domainName, DOMAINS.keys(), `; the domains are ${all}`)}`);
    return undefined;
  }
  if (!argsOk) return undefined;
  const r = domainSupport(domainName, args);
  if (!r) return undefined;
  if (!r.ok) {
    const at = r.arg !== undefined ? type.domainArgs[r.arg] : undefined;
    ctx.error('bad-domain', at ? at.span : type.domain.span, r.message);
    return undefined;
  }
  return shape ? { shape, support: r.support } : undefined;
}

export const typesRule: CheckRule = {
  name: 'types',
  run(ctx: CheckContext): void {
    for (const decl of ctx.program.decls) {
      if (decl.kind !== 'data' && decl.kind !== 'latent' && decl.kind !== 'param') continue;
      const owner = `${decl.kind === 'latent' && decl.plate === 'global' ? 'global' : decl.kind} ${decl.name.name}`;
      const t = foldType(ctx, decl.type, owner);
      if (t && ctx.owns(decl.name.name, decl)) ctx.declTypes.set(decl.name.name, t);
    }
  },
};
