// The checker: resolves names, folds constants, infers event shapes and validates a parsed
// program against the language's rules, reporting every error it finds.
import { withSuggestionBudget } from './suggest.js';
import type { Program } from '../ast.js';
import type { CheckedProgram } from '../checked.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseProgram } from '../parser.js';
import { CheckContext, type CheckOptions } from './context.js';
import { RULES } from './rules/index.js';
import { buildChecked } from './build.js';

export { CheckContext } from './context.js';
export type { CheckOptions, CheckRule, ValueType, Binding, Callee, DeclSymbol, SiteDraft, DistMatch, BlockKind } from './context.js';
export { RULES } from './rules/index.js';

export interface CheckResult {
  /** Present only when there are no errors (warnings allowed). */
  checked?: CheckedProgram;
  diagnostics: Diagnostic[];
}

function byPosition(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.span.offset - b.span.offset);
}

export function checkProgram(program: Program, options: CheckOptions = {}): CheckResult {
  const ctx = new CheckContext(program, options);
  withSuggestionBudget(() => {
    for (const rule of RULES) rule.run(ctx);
  });
  const diagnostics = byPosition(ctx.diagnostics);
  if (ctx.hasErrors()) return { diagnostics };
  return { checked: buildChecked(ctx), diagnostics };
}

export function checkSource(file: string, source: string, options: CheckOptions = {}): CheckResult {
  const parsed = parseProgram(file, source);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics };
  const result = checkProgram(parsed.program, options);
  return { ...result, diagnostics: [...parsed.diagnostics, ...result.diagnostics] };
}
