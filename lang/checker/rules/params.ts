// Params: a continuous constraint (real, positive, unit, interval(a, b), simplex) and an initial
// value inside it.
import type { CheckContext, CheckRule } from '../context.js';
import { PARAM_CONSTRAINTS, defaultParamInit, paramInitProblem } from '../../builtins.js';
import { describeSupport } from '../../../runtime/support.js';

export const paramsRule: CheckRule = {
  name: 'params',
  run(ctx: CheckContext): void {
    for (const decl of ctx.program.decls) {
      if (decl.kind !== 'param') continue;
      const name = decl.name.name;
      const t = ctx.declTypes.get(name);
      const init = decl.init ? ctx.foldDeclConst(decl.init, `the initial value of param ${name}`) : undefined;
      if (!t || !ctx.owns(name, decl)) continue;
      const kind = t.support.kind;
      if (!PARAM_CONSTRAINTS.has(kind)) {
        ctx.error(
          'bad-param-constraint',
          decl.type.domain.span,
          `param ${name} cannot be ${describeSupport(t.support)}: a param is a continuous value constrained to real, positive, unit, interval(a, b) or simplex`,
        );
        continue;
      }
      if (decl.init && init === undefined) continue;
      const value = init ?? defaultParamInit(t.support)!;
      const problem = paramInitProblem(t.support, value);
      if (problem) {
        const span = decl.init?.span ?? decl.type.domain.span;
        ctx.error('bad-param-init', span, `the initial value ${value} of param ${name} is outside its constraint ${describeSupport(t.support)}: it ${problem}`);
        continue;
      }
      ctx.params.set(name, { constraint: t.support, init: value });
    }
  },
};
