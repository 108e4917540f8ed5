// Markov chains summed out: a discrete latent drawn element by element with @enumerate is summed
// out by the forward algorithm (cost linear in its length, K^2 per step), not as a joint table.
// That needs the shape of a first-order chain: `z[0] ~ ...` at the top of the model, then one
// loop `for t in 1:N { z[t] ~ ... }` (N its length) whose body reads z only as z[t] and z[t-1];
// between them and inside the loop only lets, data sites and factors (the terms of each step);
// after the loop, nothing reads z. Separately: no guide reads a latent the model sums out.
import type { ChainShape, CheckContext, CheckRule } from '../context.js';
import type { Expr, Stmt } from '../../ast.js';
import { allExprs, factorExprs, siteExprs, statements } from '../walk.js';


const HOW = (z: string, n: number | string): string => `write ${z}[0] ~ ... at the top of the model, then for t in 1:${n} { ${z}[t] ~ ... } reading ${z}[t - 1]`;

/** Every expression a statement evaluates (loop bounds, site arguments, let values, factors). */
function exprsOf(stmt: Stmt): Expr[] {
  switch (stmt.kind) {
    case 'let':
      return [stmt.value];
    case 'factor':
      return factorExprs(stmt);
    case 'for':
      return [stmt.from, stmt.to];
    case 'sample':
      return [...siteExprs(stmt), ...(stmt.index ? [stmt.index] : [])];
  }
}

function readsOf(ctx: CheckContext, stmt: Stmt, name: string): Expr[] {
  const out: Expr[] = [];
  for (const s of statements([stmt])) for (const root of exprsOf(s)) for (const e of allExprs(root)) {
    if (e.kind !== 'ident' || e.name !== name) continue;
    const b = ctx.bindings.get(e);
    if (b?.kind === 'decl') out.push(e);
  }
  return out;
}

/** The parent index expression of each identifier read in `roots`. */
function parents(roots: Expr[]): Map<Expr, Expr> {
  const out = new Map<Expr, Expr>();
  for (const root of roots) for (const e of allExprs(root)) if (e.kind === 'index') out.set(e.object, e);
  return out;
}

export function chainShape(ctx: CheckContext, name: string): ChainShape | undefined {
  const model = ctx.model;
  if (!model) return undefined;
  const sites = ctx.sites.filter((s) => s.block === 'model' && s.target === name);
  const size = ctx.declTypes.get(name)?.shape[0] ?? 'N';
  const init = sites.find((s) => s.element?.kind === 'at' && s.element.at === 0 && model.body.includes(s.stmt));
  const step = sites.find((s) => s.element?.kind === 'loop' && model.body.includes(s.element.loop) && s.element.loop.body.includes(s.stmt));
  const span = (step ?? sites[0]!).stmt.span;
  if (!init || !step || sites.length !== 2 || step.element?.kind !== 'loop' || step.element.range.from !== 1) {
    ctx.error('chain-shape', span, `${name} is summed out element by element (@enumerate), as a Markov chain: ${HOW(name, size)}`);
    return undefined;
  }
  const loop = step.element.loop;
  const first = model.body.indexOf(init.stmt);
  const last = model.body.indexOf(loop);
  if (last < first) {
    ctx.error('chain-shape', init.stmt.span, `${name}[0] ~ ... must come before the loop that draws ${name}[t]: ${HOW(name, size)}`);
    return undefined;
  }
  let ok = true;
  // Inside the chain: no other latent, and z only as z[t] or z[t - 1] in the loop.
  for (let i = first; i <= last; i++) {
    for (const s of statements([model.body[i]!])) {
      if (s.kind === 'sample' && s !== init.stmt && s !== step.stmt && ctx.symbols.get(s.target.name)?.kind === 'latent') {
        ctx.error('chain-latent', s.target.span, `${s.target.name} is drawn inside the Markov chain of ${name}, which is summed out step by step: only lets, data and factors may sit between ${name}[0] ~ ... and the end of its loop; move this site before ${name}[0] ~ ... or after the loop`);
        ok = false;
      }
    }
  }
  const loopRoots = [...statements(loop.body)].flatMap(exprsOf);
  const parentOf = parents(loopRoots);
  for (const read of readsOf(ctx, loop, name)) {
    const ix = parentOf.get(read);
    const first = ix?.kind === 'index' && ix.indices.length >= 1 ? ix.indices[0]! : undefined;
    const kind = first ? ctx.indexKinds.get(first) : undefined;
    if (!kind || kind.kind !== 'loop' || kind.loop !== loop || (kind.offset !== 0 && kind.offset !== -1)) {
      ctx.error('chain-read', read.span, `inside its loop, the Markov chain ${name} may be read only as ${name}[${loop.variable.name}] and ${name}[${loop.variable.name} - 1] (first-order dependence; it is summed out step by step)`);
      ok = false;
    }
  }
  for (let i = last + 1; i < model.body.length; i++) {
    for (const read of readsOf(ctx, model.body[i]!, name)) {
      ctx.error('chain-use', read.span, `${name} is summed out step by step inside its loop (line ${loop.span.line}), so it has no value after it: use ${name} inside the loop`);
      ok = false;
    }
  }
  return ok ? { first, last } : undefined;
}

export const chainsRule: CheckRule = {
  name: 'chains',
  run(ctx: CheckContext): void {
    const enumerated = new Set<string>();
    for (const site of ctx.sites) {
      if (site.block === 'model' && site.stmt.annotations.some((a) => a.name.name === 'enumerate')) enumerated.add(site.target);
    }
    for (const name of enumerated) {
      const elementwise = ctx.sites.some((s) => s.block === 'model' && s.target === name && s.element);
      if (elementwise && ctx.declTypes.get(name)?.shape.length === 1) {
        const shape = chainShape(ctx, name);
        if (shape) ctx.chains.set(name, shape);
      } else if (elementwise) {
        const s = ctx.sites.find((x) => x.block === 'model' && x.target === name)!;
        ctx.error('chain-shape', s.stmt.span, `${name} is summed out element by element (@enumerate) as a Markov chain, whose elements must be single values: declare it with one axis, e.g. int(0, K-1)[T]`);
      }
    }
    // The guide runs before the model's sums: it cannot read what they sum out.
    if (!ctx.guide) return;
    for (const s of statements(ctx.guide.body)) {
      for (const root of exprsOf(s)) for (const e of allExprs(root)) {
        if (e.kind !== 'ident' || !enumerated.has(e.name)) continue;
        const b = ctx.bindings.get(e);
        if (b?.kind !== 'decl') continue;
        ctx.error('guide-reads-enumerated', e.span, `${e.name} is summed out in the model (@enumerate), so it has no value in the guide: the guide cannot read it; if the guide must depend on it, sample ${e.name} in the guide instead, with @enumerate on the guide's site to sum over its values exactly`);
      }
    }
  },
};


