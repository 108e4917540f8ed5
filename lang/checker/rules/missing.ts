// Data declared `missing` may lack entries; where one is missing it is a latent (Pyro's
// obs_mask). The model must give it a distribution (`x ~ ...`), and the guide a proposal for
// the missing entries (`x ~ ...` in the guide; its draws keep the observed entries) unless the
// model sums them out (`@enumerate` on its site, a finite support) or the data is observed
// inside a Markov chain summed out by the forward algorithm, where a missing entry is summed
// out too (sequences of different lengths, padded with missing entries).
import type { CheckContext, CheckRule } from '../context.js';
import type { Stmt } from '../../ast.js';
import { statements } from '../walk.js';
import { enumerationSize } from '../../../runtime/enumeration.js';

/** Is `stmt` among the model's top-level statements first..last (or inside one of them)? */
function isInside(ctx: CheckContext, stmt: Stmt, first: number, last: number): boolean {
  const body = ctx.model?.body ?? [];
  for (let i = first; i <= last; i++) for (const s of statements([body[i]!])) if (s === stmt) return true;
  return false;
}

export const missingRule: CheckRule = {
  name: 'missing',
  run(ctx: CheckContext): void {
    // observed(x) asks which entries of x are observed: x is data declared `missing`.
    for (const [call, callee] of ctx.callees) {
      if (callee.kind !== 'function' || callee.fn.name !== 'observed') continue;
      const arg = call.args[0]?.value;
      const b = arg?.kind === 'ident' ? ctx.bindings.get(arg) : undefined;
      if (!arg || !b || b.kind === 'unresolved') continue;
      const sym = b.kind === 'decl' ? b.symbol : undefined;
      if (sym?.kind !== 'data' || sym.decl.modifier?.name !== 'missing') {
        ctx.error('observed-not-missing', arg.span, `observed(${ctx.text(arg.span)}) asks which entries of a data declaration are observed: its argument must name data declared \`missing\` (every entry of anything else is known)`);
      }
    }
    for (const sym of ctx.symbolsOf('data')) {
      if (sym.decl.modifier?.name !== 'missing') continue;
      const name = sym.name;
      const prior = ctx.sites.find((s) => s.block === 'model' && s.target === name);
      const proposal = ctx.sites.find((s) => s.block === 'guide' && s.target === name);
      if (!prior) {
        ctx.error('missing-unmodelled', sym.decl.modifier.span, `data ${name} may have missing entries, but the model gives it no distribution: add \`${name} ~ ...\` to the model, so that a missing entry is a latent with that prior`);
        continue;
      }
      // Inside a Markov chain summed out by the forward algorithm, a missing entry is summed out
      // too (it adds nothing): variable-length sequences padded with missing entries.
      const inChains = ctx.sites.filter((s) => s.block === 'model' && s.target === name).every((s) => [...ctx.chains.values()].some((c) => isInside(ctx, s.stmt, c.first, c.last)));
      if (!proposal && inChains) continue;
      // @enumerate on the model's site sums the missing entries out: no proposal, and none allowed
      const summed = ctx.sites.some((s) => s.block === 'model' && s.target === name && s.stmt.annotations.some((a) => a.name.name === 'enumerate'));
      if (summed) {
        if (proposal) {
          ctx.error('missing-summed-proposed', proposal.stmt.span, `data ${name}'s missing entries are summed out in the model (@enumerate at line ${prior.stmt.span.line}), so the guide must not propose them: remove this site, or move @enumerate to it if the guide must read ${name}'s values`);
        } else if (prior.element) {
          ctx.error('missing-elements', prior.stmt.span, `data ${name} with missing entries is modelled and summed out whole (${name} ~ ... @enumerate), not element by element`);
        }
        continue;
      }
      if (!proposal) {
        const t = ctx.declTypes.get(name);
        const finite = t !== undefined && Number.isFinite(enumerationSize(t.support, t.shape));
        const how = finite
          ? `the guide must propose them, e.g. \`${name} ~ Categorical(probs = ...)\` in the guide (its draws keep the observed entries; add @enumerate there to sum over them weighted by the guide), or the model sums them out with @enumerate on its \`${name} ~ ...\``
          : `the guide must propose them, e.g. \`${name} ~ Normal(loc, scale)\` in the guide (its draws keep the observed entries)`;
        ctx.error('missing-unproposed', sym.decl.modifier.span, `data ${name} may have missing entries: ${how}`);
        continue;
      }
      if (proposal.element || prior.element) {
        ctx.error('missing-elements', (proposal.element ? proposal : prior).stmt.span, `data ${name} with missing entries is modelled and proposed whole (${name} ~ ...), not element by element`);
      }
    }
  },
};
