// A latent the guide block does not mention gets an automatic guide, as if the guide began with
// `name ~ auto` (like WebPPL's default guides; Pyro's AutoNormal asks for it explicitly). The
// checker checks such sites as if they were written (the rules after this one see them, so an
// impossible automatic guide is reported like a written one); the checked program leaves them
// out, and lowering (lang/lower/lower.ts) adds them. Latents summed out by @enumerate in the
// model need no guide site and get none.
import type { CheckContext, CheckRule } from '../context.js';
import type { GuideBlock, LatentDecl, SampleStmt, Stmt } from '../../ast.js';
import { sampleStatements } from '../walk.js';

function implicitAuto(decl: LatentDecl): SampleStmt {
  const span = decl.name.span;
  return {
    kind: 'sample',
    target: { name: decl.name.name, span },
    dist: { name: { name: 'auto', span }, span },
    annotations: [],
    span,
    implicit: true,
  };
}

export const implicitGuidesRule: CheckRule = {
  name: 'implicit-guides',
  run(ctx: CheckContext): void {
    if (!ctx.model) return;
    const sampled = (body: readonly Stmt[], name: string): SampleStmt | undefined => [...sampleStatements(body)].find((s) => s.target.name === name);
    const seen = new Set<string>();
    const added: SampleStmt[] = [];
    for (const decl of ctx.program.decls) {
      if (decl.kind !== 'latent' || seen.has(decl.name.name)) continue;
      seen.add(decl.name.name);
      const prior = sampled(ctx.model.body, decl.name.name);
      if (prior?.annotations.some((a) => a.name.name === 'enumerate')) continue;
      if (ctx.guide && sampled(ctx.guide.body, decl.name.name)) continue;
      added.push(implicitAuto(decl));
    }
    if (added.length === 0) return;
    // The implicit sites come first: they read only data and their own parameters, and the
    // user's guide statements may then use their values.
    const guide: GuideBlock = ctx.guide
      ? { ...ctx.guide, body: [...added, ...ctx.guide.body] }
      : { kind: 'guide', body: added, span: ctx.model.span };
    ctx.guide = guide;
  },
};
