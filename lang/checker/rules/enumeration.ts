// @enumerate: a discrete local latent summed out exactly in the model (it then has no guide
// site, sites.ts), or a discrete site the guide sums over, each value weighted by its
// probability. Its support must be finite and small; the joint values of every enumerated site
// multiply the cost.
import type { CheckContext, CheckRule } from '../context.js';
import type { Span } from '../../ast.js';
import { enumerationSize, MAX_ENUMERATION } from '../../../runtime/enumeration.js';
import { describeSupport } from '../../../runtime/support.js';

export const enumerationRule: CheckRule = {
  name: 'enumeration',
  run(ctx: CheckContext): void {
    let total = 1;
    // the guide's first ~ that is not enumerated: an enumerated one after it is refused
    let guideDraw: (typeof ctx.sites)[number] | undefined;
    for (const site of ctx.sites) {
      const an = site.stmt.annotations.find((a) => a.name.name === 'enumerate');
      if (site.block === 'guide' && !an) guideDraw ??= site;
      if (!an) continue;
      if (an.args.length > 0) ctx.error('annotation-args', an.span, '@enumerate takes no arguments');
      if (site.block === 'guide') {
        total = checkGuideSite(ctx, site, an.span, guideDraw, total);
        continue;
      }
      if (site.targetKind !== 'latent' && !declaredMissing(ctx, site.target)) {
        ctx.error('enumerate-data', an.span, `@enumerate: ${site.target} is data, which is observed; only latents, and data declared \`missing\` (its missing entries), are summed out`);
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

/**
 * A guide site summed over: a whole local value (a latent, or data with missing entries), drawn
 * before every other ~ of the guide (what is drawn earlier would differ across its values).
 * Returns the running product of joint values.
 */
function checkGuideSite(ctx: CheckContext, site: CheckContext['sites'][number], span: Span, earlier: CheckContext['sites'][number] | undefined, total: number): number {
  const name = site.target;
  if (site.plate !== 'local') {
    ctx.error('enumerate-global', span, `@enumerate: ${name} is global; the guide sums over local values only (one per data point)`);
    return total;
  }
  if (site.element) {
    ctx.error('enumerate-guide-element', span, `@enumerate in the guide sums over a whole value, but this site draws one element of ${name}; draw ${name} whole, or sum it out in the model`);
    return total;
  }
  if (earlier) {
    ctx.error(
      'enumerate-guide-order',
      span,
      `@enumerate: the guide sums over ${name}, so ${name} must be drawn before every other ~ of the guide; ${earlier.target} (line ${earlier.stmt.span.line}) comes first, and its draw would differ across ${name}'s values: move this line up`,
    );
    return total;
  }
  const t = ctx.declTypes.get(name);
  if (!t) return total;
  const size = enumerationSize(t.support, t.shape);
  if (!Number.isFinite(size)) {
    ctx.error('enumerate-infinite', span, `@enumerate: ${name} is ${describeSupport(t.support)}; only finite supports (binary, int(lo, hi)) can be summed over`);
    return total;
  }
  const joint = total * size;
  if (size > MAX_ENUMERATION || joint > MAX_ENUMERATION) {
    ctx.error('enumerate-too-large', span, `@enumerate: summing over ${name} in the guide means ${size} joint values${joint > size ? ` (${joint} with the other enumerated sites)` : ''}, more than ${MAX_ENUMERATION}; sample it instead`);
  }
  return joint;
}

/** Data declared `missing`: its missing entries may be summed out. */
function declaredMissing(ctx: CheckContext, name: string): boolean {
  const sym = ctx.symbolsOf('data').find((d) => d.name === name);
  return sym?.decl.modifier?.name === 'missing';
}
