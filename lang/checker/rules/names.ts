// Name resolution in blocks: every identifier, callee and `~` target gets a binding. Reports
// undefined names, latents used before their `~` in the block, lets used before their
// definition. Data, params, nets and consts are in scope everywhere.
import type { BlockKind, Binding, CheckContext, CheckRule, Callee } from '../context.js';
import { describeSymbol } from '../context.js';
import type { Expr, ForStmt, LetStmt, Stmt } from '../../ast.js';
import { builtinKind, FUNCTIONS } from '../../builtins.js';
import { allExprs, factorExprs, sampleStatements, siteExprs, statements } from '../walk.js';
import { didYouMean, suggestOr } from '../suggest.js';

class BlockScope {
  /** Lets defined so far. */
  readonly lets = new Map<string, LetStmt>();
  /** Latents sampled so far. */
  readonly sampled = new Set<string>();
  /** The variables of the loops around the statement being resolved. */
  readonly loops = new Map<string, ForStmt>();

  constructor(
    readonly kind: BlockKind,
    /** Every defining let of the block, to tell "used before defined" from "undefined". */
    readonly allLets: ReadonlyMap<string, LetStmt>,
    /** Latents with a `~` somewhere in this block. */
    readonly sampledSomewhere: ReadonlySet<string>,
    /** Lets of the other block, for a hint. */
    readonly otherLets: ReadonlyMap<string, BlockKind>,
  ) {}
}

function blockLets(ctx: CheckContext, body: readonly Stmt[]): Map<string, LetStmt> {
  const m = new Map<string, LetStmt>();
  for (const s of statements(body)) if (s.kind === 'let' && ctx.lets.has(s)) m.set(s.name.name, s);
  return m;
}

function resolveName(ctx: CheckContext, scope: BlockScope, name: string, span: Expr['span']): Binding {
  const loop = scope.loops.get(name);
  if (loop) return { kind: 'loop', loop };
  const letStmt = scope.lets.get(name);
  if (letStmt) {
    ctx.usedLets.add(letStmt);
    return { kind: 'let', stmt: letStmt, block: scope.kind };
  }
  const sym = ctx.symbols.get(name);
  if (sym) {
    ctx.used.add(name);
    if (sym.kind === 'latent' && !scope.sampled.has(name) && scope.sampledSomewhere.has(name)) {
      ctx.error('used-before-sampled', span, `${name} is used before it is sampled in the ${scope.kind} block: move its \`~\` above this use`);
      return { kind: 'unresolved' };
    }
    return { kind: 'decl', symbol: sym };
  }
  const later = scope.allLets.get(name);
  if (later) {
    ctx.usedLets.add(later);
    ctx.error('used-before-defined', span, `${name} is used before it is defined (by the let on line ${later.span.line})`);
    return { kind: 'unresolved' };
  }
  const builtin = builtinKind(name);
  if (builtin) return { kind: 'builtin', what: builtin };
  const other = scope.otherLets.get(name);
  if (other) {
    ctx.error('undefined-name', span, `undefined name '${name}': it is a let of the ${other} block, and a let is visible only in its own block`);
    return { kind: 'unresolved' };
  }
  const candidates = [...ctx.symbols.keys(), ...scope.lets.keys()];
  ctx.error('undefined-name', span, `undefined name '${name}'${didYouMean(name, candidates)}`);
  return { kind: 'unresolved' };
}

function resolveCallee(ctx: CheckContext, scope: BlockScope, name: string, span: Expr['span']): Callee {
  const inScope = scope.lets.has(name) || ctx.symbols.has(name) || scope.loops.has(name);
  if (!inScope) {
    const fn = FUNCTIONS.get(name);
    if (fn) return { kind: 'function', fn };
    if (builtinKind(name) === 'distribution') return { kind: 'distribution', name };
    if (!scope.allLets.has(name) && !scope.otherLets.has(name)) {
      const callables = [...FUNCTIONS.keys(), ...ctx.symbolsOf('net').map((s) => s.name)];
      ctx.error('undefined-name', span, `unknown function '${name}'${suggestOr(name, callables, `: a call is to a built-in function or a declared net`)}`);
      return { kind: 'unresolved' };
    }
  }
  const sym = ctx.symbols.get(name);
  if (sym?.kind === 'net' && !scope.lets.has(name)) {
    ctx.used.add(name);
    return { kind: 'net', symbol: sym };
  }
  const binding = resolveName(ctx, scope, name, span);
  return binding.kind === 'unresolved' ? binding : { kind: 'value', binding };
}

function resolveExpr(ctx: CheckContext, scope: BlockScope, root: Expr): void {
  for (const e of allExprs(root)) {
    if (e.kind === 'ident') ctx.bindings.set(e, resolveName(ctx, scope, e.name, e.span));
    else if (e.kind === 'call') ctx.callees.set(e, resolveCallee(ctx, scope, e.callee.name, e.callee.span));
  }
}

function resolveBody(ctx: CheckContext, scope: BlockScope, body: readonly Stmt[]): void {
  for (const stmt of body) {
    if (stmt.kind === 'let') {
      resolveExpr(ctx, scope, stmt.value);
      if (ctx.lets.has(stmt)) scope.lets.set(stmt.name.name, stmt);
      continue;
    }
    if (stmt.kind === 'factor') {
      for (const e of factorExprs(stmt)) resolveExpr(ctx, scope, e);
      continue;
    }
    if (stmt.kind === 'for') {
      resolveExpr(ctx, scope, stmt.from);
      resolveExpr(ctx, scope, stmt.to);
      const name = stmt.variable.name;
      const clash = scope.loops.get(name) ?? scope.lets.get(name) ?? ctx.symbols.get(name);
      if (clash) {
        const what = 'kind' in clash && clash.kind === 'for' ? `the variable of the loop on line ${clash.span.line}` : 'decl' in clash ? describeSymbol(clash) : `the let on line ${clash.span.line}`;
        ctx.error('duplicate-name', stmt.variable.span, `the loop variable ${name} hides ${what}: choose another name`);
      }
      // Lets of a loop body are its own: they are gone after the loop.
      const outerLets = new Map(scope.lets);
      scope.loops.set(name, stmt);
      resolveBody(ctx, scope, stmt.body);
      scope.loops.delete(name);
      scope.lets.clear();
      for (const [k, v] of outerLets) scope.lets.set(k, v);
      continue;
    }
    for (const e of siteExprs(stmt)) resolveExpr(ctx, scope, e);
    if (stmt.index) resolveExpr(ctx, scope, stmt.index);
    const target = stmt.target.name;
    const letStmt = scope.lets.get(target);
    const sym = ctx.symbols.get(target);
    let binding: Binding;
    if (letStmt) binding = { kind: 'let', stmt: letStmt, block: scope.kind };
    else if (sym) {
      ctx.used.add(target);
      binding = { kind: 'decl', symbol: sym };
    } else {
      const candidates = [...ctx.symbolsOf('latent'), ...ctx.symbolsOf('data')].map((s) => s.name);
      ctx.error('undefined-name', stmt.target.span, `undefined name '${target}'${suggestOr(target, candidates, `: the left of ~ must be a declared latent or data variable`)}`);
      binding = { kind: 'unresolved' };
    }
    ctx.targets.set(stmt, binding);
    if (sym?.kind === 'latent' && !letStmt) scope.sampled.add(target);
  }
}

export const namesRule: CheckRule = {
  name: 'names',
  run(ctx: CheckContext): void {
    const blocks = ctx.blocks();
    const letsOf = new Map(blocks.map(({ kind, block }) => [kind, blockLets(ctx, block.body)]));
    for (const { kind, block } of blocks) {
      const otherLets = new Map<string, BlockKind>();
      for (const [k, lets] of letsOf) if (k !== kind) for (const n of lets.keys()) otherLets.set(n, k);
      const sampledSomewhere = new Set<string>();
      for (const s of sampleStatements(block.body)) if (ctx.symbols.get(s.target.name)?.kind === 'latent') sampledSomewhere.add(s.target.name);
      const scope = new BlockScope(kind, letsOf.get(kind)!, sampledSomewhere, otherLets);
      resolveBody(ctx, scope, block.body);
    }
  },
};
