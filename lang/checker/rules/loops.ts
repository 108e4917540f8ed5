// Loops: `for t in a:b { ... }` runs its body for the integers a, a+1, ..., b-1, in order. The
// bounds are constants with a < b. Inside a loop, a `~` draws the element t of its target
// (rules/sites.ts), so that every iteration draws a different element.
import type { CheckContext, CheckRule } from '../context.js';
import { enclosingLoops, statements } from '../walk.js';

export const loopsRule: CheckRule = {
  name: 'loops',
  run(ctx: CheckContext): void {
    for (const { block } of ctx.blocks()) {
      for (const [stmt, loops] of enclosingLoops(block.body)) ctx.loopsOf.set(stmt, loops);
      for (const stmt of statements(block.body)) {
        if (stmt.kind !== 'for') continue;
        const from = ctx.foldBlockConst(stmt.from, 'the start of a loop');
        const to = ctx.foldBlockConst(stmt.to, 'the end of a loop');
        if (from === undefined || to === undefined) continue;
        if (!Number.isInteger(from) || !Number.isInteger(to)) {
          ctx.error('bad-loop', Number.isInteger(from) ? stmt.to.span : stmt.from.span, `a loop runs over integers: its bounds must be integers, got ${from}:${to}`);
          continue;
        }
        if (from < 0) {
          ctx.error('bad-loop', stmt.from.span, `a loop's variable indexes axes, which count from 0: the start must be >= 0, got ${from}`);
          continue;
        }
        if (to <= from) {
          ctx.error('bad-loop', stmt.span, `the loop ${stmt.variable.name} in ${from}:${to} runs no iteration (it runs from ${from} up to ${to} - 1)`);
          continue;
        }
        ctx.loopRanges.set(stmt, { from, to });
      }
    }
  },
};
