// Consts fold to numbers, in declaration order: a const may use numbers, earlier consts and
// arithmetic, nothing else.
import type { CheckContext, CheckRule } from '../context.js';
import { describeSymbol } from '../context.js';
import { didYouMean } from '../suggest.js';

export const constantsRule: CheckRule = {
  name: 'constants',
  run(ctx: CheckContext): void {
    ctx.program.decls.forEach((decl, index) => {
      if (decl.kind !== 'const') return;
      const name = decl.name.name;
      const what = `const ${name}`;
      const value = ctx.fold(decl.value, what, (id) => {
        const sym = ctx.symbols.get(id.name);
        if (!sym) {
          const earlier = ctx.symbolsOf('const').filter((s) => s.index < index).map((s) => s.name);
          return { error: `undefined name '${id.name}'${didYouMean(id.name, earlier)}` };
        }
        ctx.used.add(sym.name);
        if (sym.kind !== 'const') return { error: `${what} must be a number, but it uses ${describeSymbol(sym)}, which is not a const` };
        if (sym.index >= index) {
          return { error: `${what} uses const ${sym.name}, which is declared later (line ${sym.decl.span.line}): a const may only use earlier consts` };
        }
        const v = ctx.consts.get(sym.name);
        return v === undefined ? 'silent' : { value: v };
      });
      if (!ctx.owns(name, decl)) return;
      if (value === undefined) ctx.brokenConsts.add(name);
      else ctx.consts.set(name, value);
    });
  },
};
