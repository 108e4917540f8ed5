// Site annotations must be registered in ANNOTATIONS (builtins.ts) and allowed in the block.
import type { CheckContext, CheckRule } from '../context.js';
import { ANNOTATIONS } from '../../builtins.js';
import { suggestOr } from '../suggest.js';

export const annotationsRule: CheckRule = {
  name: 'annotations',
  run(ctx: CheckContext): void {
    for (const { kind, block } of ctx.blocks()) {
      for (const stmt of block.body) {
        if (stmt.kind !== 'sample') continue;
        for (const an of stmt.annotations) {
          const name = an.name.name;
          const spec = ANNOTATIONS.get(name);
          if (!spec) {
            const known = [...ANNOTATIONS.keys()];
            const tail = known.length ? `; the annotations are ${known.map((k) => `@${k}`).join(', ')}` : '; no annotations are defined yet';
            ctx.error('unknown-annotation', an.span, `unknown annotation '@${name}'${suggestOr(name, known, tail)}`);
          } else if (!spec.blocks.includes(kind)) {
            ctx.error('misplaced-annotation', an.span, `@${name} is not allowed in the ${kind} block; it belongs in the ${spec.blocks.join(' or ')} block`);
          }
        }
      }
    }
  },
};
