// Traversal helpers over expressions and statements.
import type { Expr, SampleStmt } from '../ast.js';
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
