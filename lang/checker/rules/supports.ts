// Supports: a prior and a guide have exactly the latent's declared support; a likelihood
// covers the data's declared domain. A distribution's support may depend on its arguments
// (Categorical's K, Uniform's constant bounds). Declared simplexes need a last axis of size >= 2.
import type { CheckContext, CheckRule, SiteDraft } from '../context.js';
import { covers, describeSupport, isDiscrete, sameSupport, type Support } from '../../../runtime/support.js';
import type { StaticArgs, SupportResult } from '../../../runtime/distributions/spec.js';
import { formatType } from '../../builtins.js';
import type { Shape } from '../../checked.js';

/** The support of a site's distribution from what is known of its arguments. */
function siteSupport(ctx: CheckContext, site: SiteDraft): SupportResult {
  const match = ctx.dists.get(site.stmt)!;
  const spec = match.spec;
  if (!spec.supportFor) return { ok: true, support: spec.support };
  const shapes = new Map<string, Shape>();
  const values = new Map<string, number>();
  (site.stmt.dist.args ?? []).forEach((a, i) => {
    const name = match.argNames[i];
    if (!name) return;
    const s = ctx.shapes.get(a.value);
    if (s) shapes.set(name, s);
    const v = ctx.tryFold(a.value);
    if (v !== undefined) values.set(name, v);
  });
  const args: StaticArgs = { shapes, values };
  return spec.supportFor(args);
}

function checkSimplexDeclarations(ctx: CheckContext): void {
  for (const decl of ctx.program.decls) {
    if (decl.kind !== 'data' && decl.kind !== 'latent' && decl.kind !== 'param') continue;
    const t = ctx.declTypes.get(decl.name.name);
    if (!t || t.support.kind !== 'simplex' || !ctx.owns(decl.name.name, decl)) continue;
    const k = t.shape[t.shape.length - 1];
    if (k === undefined) {
      ctx.error('bad-domain', decl.type.domain.span, `a simplex is a vector along a last axis: declare ${decl.name.name} : simplex[K] with K >= 2 entries`);
    } else if (k < 2) {
      ctx.error('bad-domain', decl.type.domain.span, `${formatType(t.support, t.shape)} has a single point (its last axis has size 1): a simplex needs K >= 2 entries`);
    }
  }
}

/** corr_cholesky[..., D, D]: square on the last two axes, D >= 2. */
function checkCholeskyDeclarations(ctx: CheckContext): void {
  for (const decl of ctx.program.decls) {
    if (decl.kind !== 'data' && decl.kind !== 'latent' && decl.kind !== 'param') continue;
    const t = ctx.declTypes.get(decl.name.name);
    if (!t || t.support.kind !== 'corr_cholesky' || !ctx.owns(decl.name.name, decl)) continue;
    const [r, c] = t.shape.slice(-2);
    if (t.shape.length < 2 || r !== c || c! < 2) {
      ctx.error('bad-domain', decl.type.domain.span, `a correlation Cholesky factor is a square matrix on the last two axes: declare ${decl.name.name} : corr_cholesky[D, D] with D >= 2, got ${formatType(t.support, t.shape)}`);
    }
  }
}

export const supportsRule: CheckRule = {
  name: 'supports',
  run(ctx: CheckContext): void {
    checkSimplexDeclarations(ctx);
    checkCholeskyDeclarations(ctx);
    for (const site of ctx.sites) {
      const match = ctx.dists.get(site.stmt);
      const declared = ctx.declTypes.get(site.target);
      if (!match || !declared) continue;
      // An automatic guide is built for the declared support (runtime/auto-guide.ts).
      if (site.stmt.dist.name.name === 'auto' && !site.stmt.dist.args) continue;
      const dist = match.spec;
      const span = site.stmt.dist.name.span;
      const t = site.target;
      const typeText = formatType(declared.support, declared.shape);
      const want = describeSupport(declared.support);
      const found = siteSupport(ctx, site);
      if (!found) continue;
      if (!found.ok && site.targetKind === 'latent') {
        const role = site.block === 'model' ? `the prior of ${t}` : `the guide for ${t}`;
        const must = site.block === 'model' ? 'a prior' : 'a guide';
        ctx.error('support-mismatch', span, `${role} is ${dist.name}, ${found.reason}: ${t} is declared ${typeText}, and ${must} must have exactly that support (${want})`);
        continue;
      }
      // A likelihood whose exact support is not known is checked by its kind (continuous or not).
      const support: Support = found.ok ? found.support : dist.support;
      const have = describeSupport(support);
      if (site.targetKind === 'latent') {
        if (sameSupport(support, declared.support)) continue;
        if (site.block === 'model') {
          ctx.error('support-mismatch', span, `the prior of ${t} is ${dist.name} with support ${have}, but ${t} is declared ${typeText}: a prior must have exactly the declared support (${want})`);
        } else if (covers(declared.support, support)) {
          ctx.error('support-mismatch', span, `the guide for ${t} is ${dist.name} with support ${have}, but ${t} is declared ${typeText}: a guide must cover the whole declared support (${want}), where the prior puts mass`);
        } else {
          ctx.error('support-mismatch', span, `the guide for ${t} is ${dist.name} with support ${have}, but ${t} is declared ${typeText}: a guide must put mass only where the prior does (${want})`);
        }
        continue;
      }
      if (covers(support, declared.support)) continue;
      if (isDiscrete(declared.support) && !isDiscrete(support)) {
        ctx.error('support-mismatch', span, `data ${t} is declared ${typeText}, which is discrete, but its likelihood ${dist.name} is continuous (support ${have}): use a discrete distribution`);
      } else if (!isDiscrete(declared.support) && isDiscrete(support)) {
        ctx.error('support-mismatch', span, `data ${t} is declared ${typeText}, which is continuous, but its likelihood ${dist.name} is discrete (support ${have}): use a continuous distribution`);
      } else {
        ctx.error('support-mismatch', span, `the likelihood of ${t} is ${dist.name} with support ${have}, which does not cover ${t}'s declared domain ${want}`);
      }
    }
  },
};
