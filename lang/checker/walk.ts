// Traversal helpers over expressions and statements.
import type { Expr, FactorStmt, ForStmt, SampleStmt, Stmt } from '../ast.js';
import { ANNOTATIONS } from '../builtins.js';

/** Direct subexpressions, in source order. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'num':
    case 'ident':
      return [];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'call':
      return e.args.map((a) => a.value);
    case 'field':
      return [e.object];
    case 'array':
      return e.elements;
    case 'index': {
      const out: Expr[] = [e.object];
      for (const it of e.indices) {
        if (it.kind === 'at') out.push(it.value);
        else {
          if (it.start) out.push(it.start);
          if (it.end) out.push(it.end);
        }
      }
      return out;
    }
  }
}

/** Every statement of `body`, loops' bodies included, in source order (a loop before its body). */
export function* statements(body: readonly Stmt[]): Generator<Stmt> {
  for (const s of body) {
    yield s;
    if (s.kind === 'for') yield* statements(s.body);
  }
}

/** Every sample statement of `body`, loops' bodies included, in source order. */
export function* sampleStatements(body: readonly Stmt[]): Generator<SampleStmt> {
  for (const s of statements(body)) if (s.kind === 'sample') yield s;
}

/** The loops around each statement of `body`, outermost first (absent: not in a loop). */
export function enclosingLoops(body: readonly Stmt[]): Map<Stmt, ForStmt[]> {
  const out = new Map<Stmt, ForStmt[]>();
  const visit = (stmts: readonly Stmt[], loops: ForStmt[]): void => {
    for (const s of stmts) {
      if (loops.length) out.set(s, loops);
      if (s.kind === 'for') visit(s.body, [...loops, s]);
    }
  };
  visit(body, []);
  return out;
}

/** The expressions a factor statement evaluates: its value and its known annotations' arguments. */
export function factorExprs(stmt: FactorStmt): Expr[] {
  const out = [stmt.value];
  for (const an of stmt.annotations) if (ANNOTATIONS.has(an.name.name)) out.push(...an.args.map((a) => a.value));
  return out;
}

/** `e` and every expression inside it, parents first. */
export function* allExprs(e: Expr): Generator<Expr> {
  yield e;
  for (const c of children(e)) yield* allExprs(c);
}

/**
 * The expressions a `~` evaluates before its target exists: the distribution's arguments and
 * the arguments of known annotations (an unknown annotation is reported once, not its args).
 */
export function siteExprs(stmt: SampleStmt): Expr[] {
  const out = (stmt.dist.args ?? []).map((a) => a.value);
  for (const an of stmt.annotations) if (ANNOTATIONS.has(an.name.name)) out.push(...an.args.map((a) => a.value));
  return out;
}
