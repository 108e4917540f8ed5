// Consts fold to numbers, in declaration order: a const may use numbers, earlier consts and
// arithmetic, nothing else. An array const (`const mu0 = [1, 2, 3]`) folds to its values.
import type { CheckContext, CheckRule } from '../context.js';
import { describeSymbol } from '../context.js';
import { didYouMean } from '../suggest.js';
import type { Ident } from '../../ast.js';

export const constantsRule: CheckRule = {
  name: 'constants',
  run(ctx: CheckContext): void {
    ctx.program.decls.forEach((decl, index) => {
      if (decl.kind !== 'const') return;
      const name = decl.name.name;
      const what = `const ${name}`;
      const resolve = (id: Ident): ReturnType<Parameters<CheckContext['fold']>[2]> => {
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
        if (ctx.constArrays.has(sym.name)) return { error: `const ${sym.name} is an array: an array const cannot enter arithmetic between consts (use it in a block or a param's initial value)` };
        const v = ctx.consts.get(sym.name);
        return v === undefined ? 'silent' : { value: v };
      };
      if (decl.value.kind === 'array') {
        const array = ctx.foldArray(decl.value, `an element of ${what}`, resolve);
        if (!ctx.owns(name, decl)) return;
        if (array === undefined) ctx.brokenConsts.add(name);
        else ctx.constArrays.set(name, array);
        return;
      }
      const value = ctx.fold(decl.value, what, resolve);
      if (!ctx.owns(name, decl)) return;
      if (value === undefined) ctx.brokenConsts.add(name);
      else ctx.consts.set(name, value);
    });
  },
};
