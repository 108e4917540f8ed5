// Params: a continuous constraint (real, positive, unit) and an initial value inside it.
import type { CheckContext, CheckRule } from '../context.js';
import { DEFAULT_PARAM_INIT, PARAM_CONSTRAINTS, insideConstraint } from '../../builtins.js';
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
        ctx.error('bad-param-constraint', decl.type.domain.span, `param ${name} cannot be ${describeSupport(t.support)}: a param is a continuous value constrained to real, positive or unit`);
        continue;
      }
      if (decl.init && init === undefined) continue;
      const value = init ?? DEFAULT_PARAM_INIT.get(kind)!;
      if (!insideConstraint(t.support, value)) {
        const where = kind === 'positive' ? 'must be > 0' : 'must lie strictly between 0 and 1';
        ctx.error('bad-param-init', decl.init!.span, `the initial value ${value} of param ${name} is outside its constraint ${describeSupport(t.support)}: it ${where}`);
        continue;
      }
      ctx.params.set(name, { constraint: t.support, init: value });
    }
  },
};
