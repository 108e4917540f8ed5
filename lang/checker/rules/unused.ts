// Warnings for declarations and lets that nothing uses.
import type { CheckContext, CheckRule } from '../context.js';

export const unusedRule: CheckRule = {
  name: 'unused',
  run(ctx: CheckContext): void {
    for (const sym of ctx.symbols.values()) {
      if (sym.kind === 'latent' || ctx.used.has(sym.name)) continue;
      ctx.warning('unused', sym.decl.name.span, `${sym.kind} ${sym.name} is declared but never used`);
    }
    for (const stmt of ctx.lets.keys()) {
      if (!ctx.usedLets.has(stmt)) ctx.warning('unused', stmt.name.span, `let ${stmt.name.name} is defined but never used`);
    }
  },
};
