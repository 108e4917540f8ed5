// Tokens and lexer of the .ppl language (chevrotain). The parser lives in parser.ts.
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import type { Span } from './ast.js';
import { error, type Diagnostic } from './diagnostics.js';

// ---------------------------------------------------------------- trivia

// U+FEFF: a byte-order mark that editors on Windows put first in UTF-8 files is white space.
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\uFEFF]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });
// Tried only after BlockComment failed, so it matches exactly an unterminated `/* ...` (to end of
// file); without it the text would lex as `/` `*` followed by garbage. Not skipped, so that
// tokenize() sees it, reports it and drops it.
export const UnterminatedBlockComment = createToken({
  name: 'UnterminatedBlockComment',
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
});

// ---------------------------------------------------------------- names and numbers

export const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'identifier' });
export const NumberLit = createToken({
  name: 'NumberLit',
  pattern: /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/,
  label: 'number',
});

function keyword(word: string): TokenType {
  // longer_alt: `constant` and `models` are identifiers, not a keyword followed by a name.
  return createToken({ name: `Kw_${word}`, pattern: new RegExp(word), longer_alt: Ident, label: `'${word}'` });
}

export const Const = keyword('const');
export const Data = keyword('data');
export const Latent = keyword('latent');
export const Global = keyword('global');
export const Param = keyword('param');
export const Net = keyword('net');
export const Model = keyword('model');
export const Guide = keyword('guide');
export const Let = keyword('let');
export const For = keyword('for');
export const In = keyword('in');
export const Factor = keyword('factor');

/** Keywords that start a top-level declaration (error recovery resynchronises on them). */
export const declKeywords: readonly TokenType[] = [Const, Data, Latent, Global, Param, Net, Model, Guide];
export const keywords: readonly TokenType[] = [...declKeywords, Let, For, In, Factor];

// ---------------------------------------------------------------- punctuation

function punct(name: string, text: string): TokenType {
  return createToken({ name, pattern: text, label: `'${text}'` });
}

export const Arrow = punct('Arrow', '->'); // listed before Minus: `->` must not lex as `-` `>`
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBrace = punct('LBrace', '{');
export const RBrace = punct('RBrace', '}');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const Comma = punct('Comma', ',');
export const Colon = punct('Colon', ':');
export const Semi = punct('Semi', ';');
export const Equals = punct('Equals', '=');
export const Tilde = punct('Tilde', '~');
export const At = punct('At', '@');
export const Dot = punct('Dot', '.');
export const Plus = punct('Plus', '+');
export const Minus = punct('Minus', '-');
export const Star = punct('Star', '*');
export const Slash = punct('Slash', '/');
export const Caret = punct('Caret', '^');
// Two-character comparisons are listed before `<`, `>` and `=`, which would match their first character.
export const LessEq = punct('LessEq', '<=');
export const GreaterEq = punct('GreaterEq', '>=');
export const EqualEq = punct('EqualEq', '==');
export const NotEq = punct('NotEq', '!=');
export const Less = punct('Less', '<');
export const Greater = punct('Greater', '>');
/** The comparison operators, in lexing order. */
export const comparisonTokens: readonly TokenType[] = [LessEq, GreaterEq, EqualEq, NotEq, Less, Greater];

/** Order matters: chevrotain takes the first pattern that matches, not the longest. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  ...keywords,
  Ident,
  // NumberLit before Dot so that `.5` is a number; `q.loc` is safe because `.l` is no number.
  NumberLit,
  Arrow,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Semi,
  ...comparisonTokens,
  Equals,
  Tilde,
  At,
  Dot,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
];

let lexer: Lexer | undefined;

function getLexer(): Lexer {
  lexer ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
  return lexer;
}

/** The span of a lexed token (chevrotain's end offsets and columns are inclusive, as ours). */
export function tokenSpan(t: IToken): Span {
  return {
    line: t.startLine ?? 1,
    column: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endColumn: t.endColumn ?? t.startColumn ?? 1,
    offset: t.startOffset,
    length: t.image.length,
  };
}

export interface LexResult {
  tokens: IToken[];
  diagnostics: Diagnostic[];
}

function showChars(text: string): string {
  // Control and invisible characters would print as nothing; show their code point instead.
  return [...text]
    .map((c) => (/^[\p{L}\p{N}\p{S}\p{P}]$/u.test(c) ? c : `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`))
    .join('');
}

/**
 * Tokens without trivia, plus 'lex' diagnostics: one per run of bad characters
 * ("unexpected character '#'") and one per unterminated block comment (at its `/*`).
 */
export function tokenize(source: string): LexResult {
  const result = getLexer().tokenize(source);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const text = source.slice(e.offset, e.offset + e.length);
    const line = e.line ?? 1;
    const column = e.column ?? 1;
    const span: Span = { line, column, endLine: line, endColumn: column + text.length - 1, offset: e.offset, length: text.length };
    const what = [...text].length === 1 ? 'character' : 'characters';
    diagnostics.push(error('lex', span, `unexpected ${what} '${showChars(text)}'`));
  }
  const tokens: IToken[] = [];
  for (const t of result.tokens) {
    if (t.tokenType !== UnterminatedBlockComment) {
      tokens.push(t);
      continue;
    }
    const line = t.startLine ?? 1;
    const column = t.startColumn ?? 1;
    const span: Span = { line, column, endLine: line, endColumn: column + 1, offset: t.startOffset, length: 2 };
    diagnostics.push(error('lex', span, 'unterminated block comment'));
  }
  diagnostics.sort((a, b) => a.span.offset - b.span.offset);
  return { tokens, diagnostics };
}
