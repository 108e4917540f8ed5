// Supports: a prior and a guide have exactly the latent's declared support; a likelihood
// covers the data's declared domain.
import type { CheckContext, CheckRule } from '../context.js';
import { covers, describeSupport, isDiscrete, sameSupport } from '../../../runtime/support.js';
import { formatType } from '../../builtins.js';

export const supportsRule: CheckRule = {
  name: 'supports',
  run(ctx: CheckContext): void {
    for (const site of ctx.sites) {
      const match = ctx.dists.get(site.stmt);
      const declared = ctx.declTypes.get(site.target);
      if (!match || !declared) continue;
      const dist = match.spec;
      const have = describeSupport(dist.support);
      const want = describeSupport(declared.support);
      const span = site.stmt.dist.name.span;
      const t = site.target;
      const typeText = formatType(declared.support, declared.shape);
      if (site.targetKind === 'latent') {
        if (sameSupport(dist.support, declared.support)) continue;
        if (site.block === 'model') {
          ctx.error('support-mismatch', span, `the prior of ${t} is ${dist.name} with support ${have}, but ${t} is declared ${typeText}: a prior must have exactly the declared support (${want})`);
        } else if (covers(declared.support, dist.support)) {
          ctx.error('support-mismatch', span, `the guide for ${t} is ${dist.name} with support ${have}, but ${t} is declared ${typeText}: a guide must cover the whole declared support (${want}), where the prior puts mass`);
        } else {
          ctx.error('support-mismatch', span, `the guide for ${t} is ${dist.name} with support ${have}, but ${t} is declared ${typeText}: a guide must put mass only where the prior does (${want})`);
        }
        continue;
      }
      if (covers(dist.support, declared.support)) continue;
      if (isDiscrete(declared.support) && !isDiscrete(dist.support)) {
        ctx.error('support-mismatch', span, `data ${t} is declared ${typeText}, which is discrete, but its likelihood ${dist.name} is continuous (support ${have}): use a discrete distribution`);
      } else if (!isDiscrete(declared.support) && isDiscrete(dist.support)) {
        ctx.error('support-mismatch', span, `data ${t} is declared ${typeText}, which is continuous, but its likelihood ${dist.name} is discrete (support ${have}): use a continuous distribution`);
      } else {
        ctx.error('support-mismatch', span, `the likelihood of ${t} is ${dist.name} with support ${have}, which does not cover ${t}'s declared domain ${want}`);
      }
    }
  },
};
