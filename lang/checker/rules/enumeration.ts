// @enumerate: a discrete local latent summed out exactly in the model. Its support must be
// finite and small, and (sites.ts) it has no guide site.
import type { CheckContext, CheckRule } from '../context.js';
import { enumerationSize, MAX_ENUMERATION } from '../../../runtime/enumeration.js';
import { describeSupport } from '../../../runtime/support.js';

export const enumerationRule: CheckRule = {
  name: 'enumeration',
  run(ctx: CheckContext): void {
    let total = 1;
    for (const site of ctx.sites) {
      const an = site.stmt.annotations.find((a) => a.name.name === 'enumerate');
      if (!an || site.block !== 'model') continue;
      if (an.args.length > 0) ctx.error('annotation-args', an.span, '@enumerate takes no arguments');
      if (site.targetKind !== 'latent') {
        ctx.error('enumerate-data', an.span, `@enumerate: ${site.target} is data, which is observed; only latents are summed out`);
        continue;
      }
      if (site.plate !== 'local') {
        ctx.error('enumerate-global', an.span, `@enumerate: ${site.target} is global; only local latents (one per data point) are summed out`);
        continue;
      }
      const t = ctx.declTypes.get(site.target);
      if (!t) continue;
      if (site.element) {
        // A Markov chain, summed out step by step (rules/chains.ts): K values per element, K^2 per step.
        const k = enumerationSize(t.support, t.shape.slice(1));
        if (!Number.isFinite(k)) ctx.error('enumerate-infinite', an.span, `@enumerate: ${site.target} is ${describeSupport(t.support)}; only finite supports (binary, int(lo, hi)) can be summed out`);
        else if (k * k > MAX_ENUMERATION) ctx.error('enumerate-too-large', an.span, `@enumerate: summing out ${site.target} step by step means ${k} x ${k} pairs of values per step, more than ${MAX_ENUMERATION}; sample it with a guide instead`);
        continue;
      }
      const size = enumerationSize(t.support, t.shape);
      if (!Number.isFinite(size)) {
        ctx.error('enumerate-infinite', an.span, `@enumerate: ${site.target} is ${describeSupport(t.support)}; only finite supports (binary, int(lo, hi)) can be summed out`);
        continue;
      }
      total *= size;
      if (size > MAX_ENUMERATION || total > MAX_ENUMERATION) {
        ctx.error(
          'enumerate-too-large',
          an.span,
          `@enumerate: summing out ${site.target} means ${size} joint values${total > size ? ` (${total} with the other enumerated latents)` : ''}, more than ${MAX_ENUMERATION}; sample it with a guide instead`,
        );
      }
    }
  },
};
