// Diagnostics: every message a user sees about their .ppl source, with file, line, column,
// the source line and a caret under the offending text.
import type { Span } from './ast.js';
import { UserError } from '../runtime/errors.js';

export { UserError } from '../runtime/errors.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  message: string;
  span: Span;
  /** Stable identifier of the rule or stage that raised it (e.g. 'syntax', 'undefined-name'). */
  code: string;
}

export function error(code: string, span: Span, message: string): Diagnostic {
  return { severity: 'error', code, span, message };
}

export function warning(code: string, span: Span, message: string): Diagnostic {
  return { severity: 'warning', code, span, message };
}

/**
 * `file:line:col: error: message`, then the source line and a caret run under the span
 * (clipped to the first line of a multi-line span).
 */
export function formatDiagnostic(file: string, source: string, d: Diagnostic): string {
  const lines = source.split(/\r?\n/);
  const text = lines[d.span.line - 1] ?? '';
  const width = d.span.endLine === d.span.line ? Math.max(1, d.span.endColumn - d.span.column + 1) : Math.max(1, text.length - d.span.column + 1);
  const gutter = `${d.span.line}`.length;
  const pad = ' '.repeat(gutter);
  return [
    `${file}:${d.span.line}:${d.span.column}: ${d.severity}: ${d.message}`,
    `${pad} |`,
    `${d.span.line} | ${text}`,
    `${pad} | ${' '.repeat(Math.max(0, d.span.column - 1))}${'^'.repeat(width)}`,
  ].join('\n');
}

export function formatDiagnostics(file: string, source: string, ds: readonly Diagnostic[]): string {
  const sorted = [...ds].sort((a, b) => a.span.offset - b.span.offset);
  return sorted.map((d) => formatDiagnostic(file, source, d)).join('\n\n');
}

/** A .ppl source that failed to parse or check; carries every diagnostic found. */
export class ProgramError extends UserError {
  constructor(
    readonly file: string,
    readonly source: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(formatDiagnostics(file, source, diagnostics));
  }
}

/** A span covering `from` through `to`. */
export function joinSpans(from: Span, to: Span): Span {
  return {
    line: from.line,
    column: from.column,
    endLine: to.endLine,
    endColumn: to.endColumn,
    offset: from.offset,
    length: to.offset + to.length - from.offset,
  };
}
