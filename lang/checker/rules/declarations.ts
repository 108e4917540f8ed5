// Names: duplicates among declarations and lets, and names that would hide a built-in.
import type { CheckContext, CheckRule, DeclSymbol } from '../context.js';
import { describeSymbol } from '../context.js';
import { builtinKind } from '../../builtins.js';
import type { LetStmt, Named } from '../../ast.js';
import { statements } from '../walk.js';

function checkNotBuiltin(ctx: CheckContext, name: Named, what: string): void {
  const kind = builtinKind(name.name);
  if (kind) ctx.error('shadows-builtin', name.span, `${what} hides the built-in ${kind} ${name.name}: choose another name`);
}

export const declarationsRule: CheckRule = {
  name: 'declarations',
  run(ctx: CheckContext): void {
    ctx.program.decls.forEach((decl, index) => {
      if (decl.kind === 'model' || decl.kind === 'guide') return;
      const name = decl.name.name;
      const kindWord = decl.kind === 'latent' && decl.plate === 'global' ? 'global' : decl.kind;
      checkNotBuiltin(ctx, decl.name, `${kindWord} ${name}`);
      const earlier = ctx.symbols.get(name);
      if (earlier) {
        ctx.error('duplicate-name', decl.name.span, `${name} is already declared on line ${earlier.decl.span.line} (as ${describeSymbol(earlier)})`);
        return;
      }
      ctx.symbols.set(name, { kind: decl.kind, name, decl, index } as DeclSymbol);
      if (decl.kind === 'data' && decl.modifier && decl.modifier.name !== 'missing') {
        ctx.error('unknown-modifier', decl.modifier.span, `unknown word '${decl.modifier.name}' after the type of data ${name}: the only one is 'missing' (entries may be absent), e.g. data ${name} : real missing`);
      }
    });

    for (const { kind, block } of ctx.blocks()) {
      const lets = new Map<string, LetStmt>();
      for (const stmt of statements(block.body)) {
        if (stmt.kind !== 'let') continue;
        const name = stmt.name.name;
        checkNotBuiltin(ctx, stmt.name, `let ${name}`);
        const sym = ctx.symbols.get(name);
        const earlier = lets.get(name);
        if (sym) {
          ctx.error('duplicate-name', stmt.name.span, `let ${name} reuses the name of ${describeSymbol(sym)} (line ${sym.decl.span.line}): choose another name`);
        } else if (earlier) {
          ctx.error('duplicate-name', stmt.name.span, `${name} is already defined by the let on line ${earlier.span.line} of this ${kind} block`);
        } else if (!builtinKind(name)) {
          lets.set(name, stmt);
          ctx.lets.set(stmt, kind);
        }
      }
    }
  },
};
