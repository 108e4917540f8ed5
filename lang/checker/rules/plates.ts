// Plates: a global latent is shared by every data point, so its prior and its guide may not
// depend on anything that changes with the data point (data and local latents), directly or
// through lets. A local latent may depend on globals. A factor is local when its value changes
// with the data point (its terms are then scaled by N/M on a minibatch), else global.
import type { CheckContext, CheckRule } from '../context.js';
import type { Expr, LetStmt } from '../../ast.js';
import { allExprs, statements } from '../walk.js';

/** A per-data-point value an expression depends on. */
interface LocalSource {
  name: string;
  what: 'data' | 'local latent';
}

export const platesRule: CheckRule = {
  name: 'plates',
  run(ctx: CheckContext): void {
    const letSources = new Map<LetStmt, LocalSource[]>();

    // The local sources an identifier brings, and the let it goes through (if any).
    const sourcesOf = (e: Expr): LocalSource[] => {
      const out: LocalSource[] = [];
      for (const x of allExprs(e)) {
        if (x.kind !== 'ident') continue;
        const b = ctx.bindings.get(x);
        if (b?.kind === 'let') out.push(...(letSources.get(b.stmt) ?? []));
        else if (b?.kind === 'decl') {
          const s = b.symbol;
          if (s.kind === 'data') out.push({ name: s.name, what: 'data' });
          else if (s.kind === 'latent' && s.decl.plate === 'local') out.push({ name: s.name, what: 'local latent' });
        }
      }
      return out;
    };

    for (const { kind, block } of ctx.blocks()) {
      for (const stmt of statements(block.body)) {
        if (stmt.kind === 'let') {
          letSources.set(stmt, sourcesOf(stmt.value));
          continue;
        }
        if (stmt.kind === 'factor') {
          ctx.factorPlates.set(stmt, sourcesOf(stmt.value).length > 0 ? 'local' : 'global');
          continue;
        }
        if (stmt.kind === 'for') continue;
        const site = ctx.sites.find((s) => s.stmt === stmt);
        if (!site || site.plate !== 'global') continue;
        const role = kind === 'model' ? 'prior' : 'guide';
        const reported = new Set<string>();
        for (const a of stmt.dist.args ?? []) {
          for (const x of allExprs(a.value)) {
            if (x.kind !== 'ident') continue;
            const b = ctx.bindings.get(x);
            const via = b?.kind === 'let' ? ` through ${x.name}` : '';
            for (const src of sourcesOf(x)) {
              if (reported.has(src.name)) continue;
              reported.add(src.name);
              ctx.error('plate-violation', x.span, `the ${role} of global ${site.target} depends on ${src.what} ${src.name}${via}, which changes with each data point: a global latent may depend only on globals, params, nets and consts`);
            }
          }
        }
      }
    }
  },
};
