// Gradient estimators per guide site: @score / @reparam pins, @baseline(b(x)), and the
// estimator mode (with 'reparam', a site that cannot be reparameterized is an error here,
// before any tensor exists).
import type { Annotation, SampleStmt } from '../../ast.js';
import type { CheckContext, CheckRule } from '../context.js';

function find(stmt: SampleStmt, name: string): Annotation | undefined {
  return stmt.annotations.find((a) => a.name.name === name);
}

export const estimatorsRule: CheckRule = {
  name: 'estimators',
  run(ctx: CheckContext): void {
    for (const site of ctx.sites) {
      if (site.block !== 'guide' || site.targetKind !== 'latent') continue;
      const match = ctx.dists.get(site.stmt);
      const score = find(site.stmt, 'score');
      const reparam = find(site.stmt, 'reparam');
      const baseline = find(site.stmt, 'baseline');
      for (const an of [score, reparam]) {
        if (an && an.args.length > 0) ctx.error('annotation-args', an.span, `@${an.name.name} takes no arguments`);
      }
      if (score && reparam) {
        ctx.error('estimator-conflict', reparam.span, `${site.target} is pinned to both @score and @reparam; keep one`);
      }
      const dist = match?.spec;
      if (reparam && dist && !dist.reparameterizable) {
        ctx.error(
          'not-reparameterizable',
          reparam.span,
          `@reparam: ${dist.name} has no pathwise (reparameterized) sample, so ${site.target} needs the score-function estimator; remove @reparam`,
        );
      }
      if (!score && !reparam && ctx.options.estimator === 'reparam' && dist && !dist.reparameterizable) {
        ctx.error(
          'not-reparameterizable',
          site.stmt.dist.span,
          `\`estimator\` reparam: the guide site of ${site.target} is ${dist.name}, which cannot be reparameterized; use \`estimator\` auto, or pin this site with @score`,
        );
      }
      if (baseline) {
        if (baseline.args.length !== 1 || baseline.args[0]!.name) {
          ctx.error('annotation-args', baseline.span, '@baseline takes one positional argument: the baseline b(x), e.g. @baseline(b(x))');
          continue;
        }
        if (site.plate !== 'local') {
          ctx.error('baseline-global', baseline.span, `@baseline: ${site.target} is global; an input-dependent baseline is for local latents (one signal per data point)`);
          continue;
        }
        const shape = ctx.shapes.get(baseline.args[0]!.value);
        const size = shape?.reduce((a, b) => a * b, 1);
        if (shape && size !== 1) {
          ctx.error('baseline-shape', baseline.args[0]!.span, `@baseline must be one number per data point, got shape [${shape.join(', ')}]`);
        }
      }
    }
  },
};
