// Exactly one model block and at most one guide block (a latent the guide does not mention
// gets an automatic guide: rules/implicit-guides.ts); factors only in the model.
import type { CheckContext, CheckRule } from '../context.js';
import type { GuideBlock, ModelBlock } from '../../ast.js';
import { statements } from '../walk.js';

export const blocksRule: CheckRule = {
  name: 'blocks',
  run(ctx: CheckContext): void {
    const models = ctx.program.decls.filter((d): d is ModelBlock => d.kind === 'model');
    const guides = ctx.program.decls.filter((d): d is GuideBlock => d.kind === 'guide');
    ctx.model = models[0];
    ctx.guide = guides[0];
    if (models.length === 0) {
      ctx.error('missing-model', ctx.fileSpan(), 'the program has no model block: add `model { ... }` giving each latent its prior and each observed data variable its likelihood');
    }
    for (const extra of models.slice(1)) {
      ctx.error('duplicate-block', extra.span, `a program has exactly one model block, but there is already one on line ${models[0]!.span.line}`);
    }
    for (const extra of guides.slice(1)) {
      ctx.error('duplicate-block', extra.span, `a program has at most one guide block, but there is already one on line ${guides[0]!.span.line}`);
    }
    // A factor is a term of the model's log-density; the guide is a distribution of its own.
    for (const stmt of statements(ctx.guide?.body ?? [])) {
      if (stmt.kind === 'factor') ctx.error('factor-in-guide', stmt.span, 'factor(...) adds a term to the model\'s log-density: it belongs in the model block, not the guide');
    }
  },
};
