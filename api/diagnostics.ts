// Problems in a model source as plain data: what a program needs to show them in its own way
// (an editor's squiggle, a web page), plus the located text the command line prints.
import type { Span } from '../lang/ast.js';
import { formatDiagnostic, MAX_PRINTED_DIAGNOSTICS, moreDiagnosticsLine, type Diagnostic, type Severity } from '../lang/diagnostics.js';

export type { Severity } from '../lang/diagnostics.js';

/** Where a problem is: 1-based lines and columns (end inclusive), and the 0-based character offset and length. */
export type SourceSpan = Span;

export interface ModelDiagnostic {
  severity: Severity;
  /** Stable identifier of the rule or stage that raised it (e.g. 'syntax', 'undefined-name'). */
  code: string;
  message: string;
  span: SourceSpan;
  /** `file:line:col: severity: message`, the source line and a caret run under the span. */
  formatted: string;
}

/** Every diagnostic as data, in source order (the order the formatted text lists them). */
export function diagnosticsAsData(file: string, source: string, diagnostics: readonly Diagnostic[]): ModelDiagnostic[] {
  return [...diagnostics]
    .sort((a, b) => a.span.offset - b.span.offset)
    .map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      span: { line: d.span.line, column: d.span.column, endLine: d.span.endLine, endColumn: d.span.endColumn, offset: d.span.offset, length: d.span.length },
      formatted: formatDiagnostic(file, source, d),
    }));
}

/**
 * The diagnostics as the command line prints them: formatted, blank lines between; at most
 * MAX_PRINTED_DIAGNOSTICS, then a line that counts the rest.
 */
export function formatModelDiagnostics(diagnostics: readonly ModelDiagnostic[]): string {
  const shown = diagnostics.slice(0, MAX_PRINTED_DIAGNOSTICS).map((d) => d.formatted);
  const more = moreDiagnosticsLine(diagnostics.length - shown.length, diagnostics.length);
  return [...shown, ...(more ? [more] : [])].join('\n\n');
}
