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

/** The lines of a source, split as the lexer counts them: at LF, CRLF and a lone CR. */
class SourceLines {
  /** Offset where each line starts (line n at starts[n - 1]). */
  readonly starts: number[] = [0];
  constructor(readonly source: string) {
    const re = /\r\n|\r|\n/g;
    for (let m = re.exec(source); m; m = re.exec(source)) this.starts.push(m.index + m[0].length);
  }

  /** The text of line n (1-based) without its line break; a BOM starting the file is not shown. */
  text(line: number): string {
    const from = this.starts[line - 1];
    if (from === undefined) return '';
    const next = this.starts[line];
    let to = next ?? this.source.length;
    while (to > from && (this.source[to - 1] === '\n' || this.source[to - 1] === '\r') && next !== undefined) to--;
    const t = this.source.slice(from, to);
    return from === 0 && t.startsWith('\uFEFF') ? t.slice(1) : t;
  }

  /**
   * The column of `offset` on `line` as printed: 1 + the characters (Unicode code points, so an
   * emoji is one) before it on the line, not counting a BOM that starts the file.
   */
  column(line: number, offset: number): number {
    const from = this.starts[line - 1] ?? 0;
    const before = this.source.slice(from, Math.max(from, offset));
    return 1 + codePoints(from === 0 ? before.replace(/^\uFEFF/, '') : before);
  }
}

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else {
      const d = text.charCodeAt(i + 1);
      n++;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

let cached: SourceLines | undefined;

/** The split source, kept for the next call: formatting a thousand diagnostics splits it once. */
function linesOf(source: string): SourceLines {
  if (cached?.source !== source) cached = new SourceLines(source);
  return cached;
}

/** Tokens and names longer than this are shortened in messages (a 1 MB number is not echoed). */
const MAX_WORD = 60;
/** The quoted source line is cut to a window of this many characters around the span. */
const MAX_SHOWN_LINE = 160;

/** `text` with every run of non-blank characters (quotes aside) longer than MAX_WORD shortened to its ends. */
export function shortenLongWords(text: string): string {
  return text.replace(/[^\s'"`]{61,}/g, (w) => {
    const cps = [...w];
    if (cps.length <= MAX_WORD) return w;
    return `${cps.slice(0, 40).join('')}…(${cps.length} characters)…${cps.slice(-12).join('')}`;
  });
}

/**
 * `file:line:col: error: message`, then the source line and a caret run under the span
 * (clipped to the first line of a multi-line span). Columns count characters (code points), as
 * an editor's cursor moves; Span.column itself is in UTF-16 code units, as the LSP counts.
 * A long line is shown as a window around the span, and long words in the message shortened.
 */
export function formatDiagnostic(file: string, source: string, d: Diagnostic): string {
  const lines = linesOf(source);
  const chars = [...lines.text(d.span.line)];
  const column = lines.column(d.span.line, d.span.offset);
  const endColumn = d.span.endLine === d.span.line ? lines.column(d.span.line, d.span.offset + d.span.length) - 1 : chars.length;
  let width = Math.max(1, endColumn - column + 1);
  let from = 0;
  let shown = chars.join('');
  if (chars.length > MAX_SHOWN_LINE) {
    from = Math.max(0, Math.min(column - 1 - 40, chars.length - MAX_SHOWN_LINE));
    const to = Math.min(chars.length, from + MAX_SHOWN_LINE);
    shown = `${from > 0 ? '…' : ''}${chars.slice(from, to).join('')}${to < chars.length ? '…' : ''}`;
    if (from > 0) from -= 1; // the leading ellipsis takes one place
    width = Math.min(width, Math.max(1, to - (column - 1)));
  }
  const gutter = `${d.span.line}`.length;
  const pad = ' '.repeat(gutter);
  return [
    `${file}:${d.span.line}:${column}: ${d.severity}: ${shortenLongWords(d.message)}`,
    `${pad} |`,
    `${d.span.line} | ${shown}`,
    `${pad} | ${' '.repeat(Math.max(0, column - 1 - from))}${'^'.repeat(width)}`,
  ].join('\n');
}

/** At most this many diagnostics are printed; the rest are counted (the first ones are the causes). */
export const MAX_PRINTED_DIAGNOSTICS = 50;

/** A closing line for `hidden` diagnostics not printed, or '' when there are none. */
export function moreDiagnosticsLine(hidden: number, total: number): string {
  return hidden > 0 ? `... and ${hidden} more (${total} in all; fix the first ones and check again)` : '';
}

export function formatDiagnostics(file: string, source: string, ds: readonly Diagnostic[]): string {
  const sorted = [...ds].sort((a, b) => a.span.offset - b.span.offset);
  const shown = sorted.slice(0, MAX_PRINTED_DIAGNOSTICS).map((d) => formatDiagnostic(file, source, d));
  const more = moreDiagnosticsLine(sorted.length - shown.length, sorted.length);
  return [...shown, ...(more ? [more] : [])].join('\n\n');
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
