// Data declared `missing` may lack entries; where one is missing it is a latent (Pyro's
// obs_mask). The model must give it a distribution (`x ~ ...`), and the guide a proposal for
// the missing entries (`x ~ ...` in the guide; its draws keep the observed entries).
import type { CheckContext, CheckRule } from '../context.js';

export const missingRule: CheckRule = {
  name: 'missing',
  run(ctx: CheckContext): void {
    for (const sym of ctx.symbolsOf('data')) {
      if (sym.decl.modifier?.name !== 'missing') continue;
      const name = sym.name;
      const prior = ctx.sites.find((s) => s.block === 'model' && s.target === name);
      const proposal = ctx.sites.find((s) => s.block === 'guide' && s.target === name);
      if (!prior) {
        ctx.error('missing-unmodelled', sym.decl.modifier.span, `data ${name} may have missing entries, but the model gives it no distribution: add \`${name} ~ ...\` to the model, so that a missing entry is a latent with that prior`);
        continue;
      }
      if (!proposal) {
        ctx.error('missing-unproposed', sym.decl.modifier.span, `data ${name} may have missing entries: the guide must propose them, e.g. \`${name} ~ Normal(loc, scale)\` in the guide (its draws keep the observed entries)`);
        continue;
      }
      if (proposal.element || prior.element) {
        ctx.error('missing-elements', (proposal.element ? proposal : prior).stmt.span, `data ${name} with missing entries is modelled and proposed whole (${name} ~ ...), not element by element`);
      }
    }
  },
};
