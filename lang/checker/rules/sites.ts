// Sample sites: each latent has exactly one `~` in the model (its prior) and at most one in the
// guide (rules/implicit-guides.ts checks `name ~ auto` where the user wrote none);
// data are observed at most once, in the model only; nothing else can be sampled.
import type { CheckContext, CheckRule } from '../context.js';
import { describeSymbol } from '../context.js';
import type { SampleStmt } from '../../ast.js';

export const sitesRule: CheckRule = {
  name: 'sites',
  run(ctx: CheckContext): void {
    for (const { kind, block } of ctx.blocks()) {
      const first = new Map<string, SampleStmt>();
      for (const stmt of block.body) {
        if (stmt.kind !== 'sample') continue;
        const b = ctx.targets.get(stmt);
        if (!b || b.kind === 'unresolved') continue;
        const name = stmt.target.name;
        const span = stmt.target.span;
        if (b.kind === 'let') {
          ctx.error('not-sampleable', span, `cannot sample let ${name}: only latents and data have distributions`);
          continue;
        }
        if (b.kind !== 'decl') continue;
        const sym = b.symbol;
        if (sym.kind === 'const' || sym.kind === 'param' || sym.kind === 'net') {
          ctx.error('not-sampleable', span, `cannot sample ${describeSymbol(sym)}: only latents and data have distributions`);
          continue;
        }
        if (sym.kind === 'data' && kind === 'guide') {
          ctx.error('data-in-guide', span, `data ${name} cannot be sampled in the guide: the guide only proposes latents`);
          continue;
        }
        const earlier = first.get(name);
        if (earlier) {
          const what = sym.kind === 'data' ? `data ${name} is observed twice` : `${describeSymbol(sym)} is sampled twice`;
          ctx.error('duplicate-site', span, `${what} in the ${kind} block (first on line ${earlier.span.line})`);
          continue;
        }
        first.set(name, stmt);
        ctx.sites.push({
          stmt,
          block: kind,
          target: name,
          targetKind: sym.kind,
          plate: sym.kind === 'latent' ? sym.decl.plate : 'local',
        });
      }
    }

    for (const sym of ctx.symbolsOf('latent')) {
      const has = (block: 'model' | 'guide'): boolean => ctx.sites.some((s) => s.block === block && s.target === sym.name);
      if (ctx.model && !has('model')) {
        ctx.error('missing-prior', sym.decl.name.span, `${describeSymbol(sym)} has no prior in the model block: add \`${sym.name} ~ ...\` to the model`);
      }
      const prior = ctx.sites.find((s) => s.block === 'model' && s.target === sym.name);
      const enumerated = prior?.stmt.annotations.some((a) => a.name.name === 'enumerate') ?? false;
      const guideSite = ctx.sites.find((s) => s.block === 'guide' && s.target === sym.name);
      if (enumerated && guideSite) {
        ctx.error('enumerated-in-guide', guideSite.stmt.span, `${sym.name} is summed out by @enumerate in the model, so the guide must not sample it; remove this site`);
      }
    }
  },
};
