// Site annotations must be registered in ANNOTATIONS (builtins.ts) and allowed in the block.
import type { CheckContext, CheckRule } from '../context.js';
import { ANNOTATIONS } from '../../builtins.js';
import { suggestOr } from '../suggest.js';
import { statements } from '../walk.js';
import type { Annotation } from '../../ast.js';

/** `@scale(c)`: one constant c >= 0. */
function checkScale(ctx: CheckContext, an: Annotation): void {
  if (an.args.length !== 1 || an.args[0]!.name) {
    ctx.error('annotation-args', an.span, '@scale takes one positional argument, a constant >= 0: @scale(0.5)');
    return;
  }
  const v = ctx.foldBlockConst(an.args[0]!.value, 'the factor of @scale');
  if (v !== undefined && !(v >= 0)) ctx.error('annotation-args', an.args[0]!.value.span, `the factor of @scale must be >= 0, got ${v}`);
}

export const annotationsRule: CheckRule = {
  name: 'annotations',
  run(ctx: CheckContext): void {
    for (const { kind, block } of ctx.blocks()) {
      for (const stmt of statements(block.body)) {
        if (stmt.kind !== 'sample' && stmt.kind !== 'factor') continue;
        for (const an of stmt.annotations) {
          const name = an.name.name;
          const spec = ANNOTATIONS.get(name);
          if (!spec) {
            const known = [...ANNOTATIONS.keys()];
            const tail = known.length ? `; the annotations are ${known.map((k) => `@${k}`).join(', ')}` : '; no annotations are defined yet';
            ctx.error('unknown-annotation', an.span, `unknown annotation '@${name}'${suggestOr(name, known, tail)}`);
          } else if (stmt.kind === 'factor' && !spec.onFactor) {
            ctx.error('misplaced-annotation', an.span, `@${name} is not allowed on a factor; a factor takes @scale only`);
          } else if (!spec.blocks.includes(kind)) {
            ctx.error('misplaced-annotation', an.span, `@${name} is not allowed in the ${kind} block; it belongs in the ${spec.blocks.join(' or ')} block`);
          } else if (name === 'scale') {
            checkScale(ctx, an);
          }
        }
      }
    }
  },
};
