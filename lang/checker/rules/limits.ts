// Sizes a program may declare: every shape and layer, and all parameters together, within the
// memory budget of lang/limits.ts, checked before any tensor is allocated. The error points at
// the largest contributor.
import type { Span } from '../../ast.js';
import type { CheckContext, CheckRule } from '../context.js';
import { BYTES_PER_VALUE, COPIES_PER_PARAMETER, formatBytes, MAX_PARAMETERS, MEMORY_BUDGET_BYTES, shapeSize } from '../../limits.js';
import { netFamily } from '../../nets/registry.js';

interface Contribution {
  count: number;
  what: string;
  span: Span;
}

export const limitsRule: CheckRule = {
  name: 'limits',
  run(ctx: CheckContext): void {
    const parts: Contribution[] = [];
    const before = ctx.diagnostics.length;
    for (const decl of ctx.program.decls) {
      if (decl.kind === 'net') {
        const net = ctx.nets.get(decl.name.name);
        if (!net || !ctx.owns(decl.name.name, decl)) continue;
        const family = netFamily(net.family);
        for (const w of family.widths(net.spec)) {
          if (w.width <= MAX_PARAMETERS) continue;
          const span = decl.layers[w.layer]?.span ?? decl.span;
          const budget = `the ${formatBytes(MEMORY_BUDGET_BYTES)} memory budget (at most ${MAX_PARAMETERS})`;
          ctx.error('too-large', span, w.units ? `a layer of ${w.width} units is more than any net can train within ${budget}` : `${w.what} of net ${decl.name.name} carries ${w.width} values, more than any net can train within ${budget}`);
        }
        const heads = (net.heads ?? []).reduce((n, h) => n + family.trunkWidth(net.spec) * h.size + h.size, 0);
        parts.push({ count: family.parameterCount(net.spec) + heads, what: `net ${decl.name.name}`, span: decl.span });
        continue;
      }
      if (decl.kind !== 'param' && decl.kind !== 'data' && decl.kind !== 'latent') continue;
      const name = decl.name.name;
      const type = ctx.declTypes.get(name);
      if (!type || !ctx.owns(name, decl)) continue;
      const size = shapeSize(type.shape);
      if (size > MAX_PARAMETERS) {
        ctx.error('too-large', decl.type.span, `${name} has ${size} values, more than fit in the ${formatBytes(MEMORY_BUDGET_BYTES)} memory budget (at most ${MAX_PARAMETERS})`);
        continue;
      }
      if (decl.kind === 'param') parts.push({ count: size, what: `param ${name}`, span: decl.span });
      // A global latent's guide has a location and a scale of its shape.
      else if (decl.kind === 'latent' && decl.plate === 'global') parts.push({ count: 2 * size, what: `the guide of global ${name}`, span: decl.span });
    }
    const total = parts.reduce((n, p) => n + p.count, 0);
    // A single declaration too large is the whole story; the total would say it again.
    if (total <= MAX_PARAMETERS || parts.length === 0 || ctx.diagnostics.length > before) return;
    const largest = parts.reduce((a, b) => (b.count > a.count ? b : a));
    const bytes = total * BYTES_PER_VALUE * COPIES_PER_PARAMETER;
    ctx.error(
      'too-large',
      largest.span,
      `the program has ${total} parameters (${largest.what}: ${largest.count}); training keeps ${COPIES_PER_PARAMETER} float32 copies of each, ${formatBytes(bytes)}, more than the ${formatBytes(MEMORY_BUDGET_BYTES)} memory budget (at most ${MAX_PARAMETERS} parameters)`,
    );
  },
};
