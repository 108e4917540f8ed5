// How deeply expressions nest, measured without recursion. The checker, lowering and compiler walk
// expressions recursively, as is natural; a limit on nesting, reported with its location right
// after parsing, keeps any input from exhausting the call stack there (a sum of 10,000 terms is a
// chain 10,000 deep, and so is `z[0]` indexed 5,000 times).
import type { Decl, Span } from './ast.js';
import { error, type Diagnostic } from './diagnostics.js';

/** Levels of expression nesting allowed; real models use a few dozen at most (Python's parser allows 200 parentheses). */
export const MAX_NESTING = 200;

interface Frame {
  node: object;
  depth: number;
  /** The node at ANCHOR_LEVEL on the path here: a statement's expression, where a deep one starts. */
  anchor?: { span: Span };
}

/** Declaration, statement, expression: level 3 is the outermost expression of a statement. */
const ANCHOR_LEVEL = 3;

const hasSpan = (v: unknown): v is { span: Span } => v !== null && typeof v === 'object' && 'span' in v;

/**
 * The first node of `root` (an AST node of any kind) nested deeper than `limit` expression levels
 * and the depth found, or undefined. An expression level is a node with a `kind`; the walk keeps
 * its own stack, and stops as soon as the limit is passed.
 */
export function tooDeep(root: object, limit = MAX_NESTING): { span: Span; depth: number } | undefined {
  const stack: Frame[] = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth, anchor: above } = stack.pop()!;
    const level = depth + ('kind' in node ? 1 : 0);
    const anchor = above ?? (level === ANCHOR_LEVEL && hasSpan(node) ? node : undefined);
    if (level > limit) return { span: (anchor ?? (node as { span: Span })).span, depth: level };
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (hasSpan(item)) stack.push({ node: item, depth: level, anchor });
      } else if (hasSpan(value)) stack.push({ node: value, depth: level, anchor });
    }
  }
  return undefined;
}

/** The greatest depth in `root` (counted the same way, iteratively), to say how deep it went. */
function fullDepth(root: object): number {
  let max = 0;
  const stack: Frame[] = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    const level = depth + ('kind' in node ? 1 : 0);
    if (level > max) max = level;
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (hasSpan(item)) stack.push({ node: item, depth: level });
      } else if (hasSpan(value)) stack.push({ node: value, depth: level });
    }
  }
  return max;
}

/**
 * Declarations nested within the limit, and a located error for each one that is not (it is
 * dropped: nothing after the parser ever sees it).
 */
export function limitNesting(decls: readonly Decl[]): { decls: Decl[]; diagnostics: Diagnostic[] } {
  const kept: Decl[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const decl of decls) {
    const deep = tooDeep(decl);
    if (!deep) {
      kept.push(decl);
      continue;
    }
    // Point at the start of the statement's expression that nests too deeply.
    const depth = fullDepth(decl);
    const at: Span = { ...deep.span, endLine: deep.span.line, endColumn: deep.span.column, length: Math.min(deep.span.length, 1) };
    diagnostics.push(
      error('too-deep', at, `expression nested too deeply (${depth} levels; at most ${MAX_NESTING}): a long chain of operators, indexes or parentheses; split it into steps with let`),
    );
  }
  return { decls: kept, diagnostics };
}
