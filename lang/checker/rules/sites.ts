// Sample sites: each latent has exactly one `~` in the model (its prior) and at most one in the
// guide (rules/implicit-guides.ts checks `name ~ auto` where the user wrote none), or one `~`
// per element of its first axis (`z[0] ~ ...`, `for t in 1:T { z[t] ~ ... }`) covering every
// element exactly once; data are observed the same way, in the model only; nothing else can be
// sampled. Inside a loop a `~` draws the element of the loop's variable.
import type { CheckContext, CheckRule, SiteElement } from '../context.js';
import { describeSymbol } from '../context.js';
import type { SampleStmt } from '../../ast.js';
import { sampleStatements } from '../walk.js';

/** The element a `z[i] ~` draws, or undefined after reporting why it cannot be. */
function elementOf(ctx: CheckContext, stmt: SampleStmt, size: number | undefined): SiteElement | undefined {
  const index = stmt.index!;
  const loops = ctx.loopsOf.get(stmt) ?? [];
  const inner = loops[loops.length - 1];
  const target = stmt.target.name;
  if (index.kind === 'ident') {
    const b = ctx.bindings.get(index);
    if (b?.kind === 'loop') {
      if (b.loop !== inner) {
        ctx.error('bad-element', index.span, `${target}[${index.name}] ~ ... must use the variable of the innermost loop around it (${inner ? inner.variable.name : 'none'}), so that each iteration draws its own element`);
        return undefined;
      }
      const range = ctx.loopRanges.get(b.loop);
      if (!range) return undefined;
      if (size !== undefined && range.to > size) {
        ctx.error('bad-element', index.span, `${target} has ${size} elements on its first axis, but the loop ${index.name} in ${range.from}:${range.to} reaches element ${range.to - 1}`);
        return undefined;
      }
      return { kind: 'loop', loop: b.loop, range };
    }
  }
  if (inner) {
    ctx.error('bad-element', index.span, `inside the loop over ${inner.variable.name}, a ~ draws the element ${inner.variable.name} of its target: write ${target}[${inner.variable.name}] ~ ...`);
    return undefined;
  }
  const at = ctx.foldBlockConst(index, `the element of ${target}`);
  if (at === undefined) return undefined;
  if (!Number.isInteger(at) || at < 0 || (size !== undefined && at >= size)) {
    ctx.error('bad-element', index.span, `${target}[${at}]: the element must be an integer from 0 to ${size === undefined ? 'its size - 1' : size - 1}`);
    return undefined;
  }
  return { kind: 'at', at };
}

/** The elements a site covers, as [from, to). */
function covered(e: SiteElement): [number, number] {
  return e.kind === 'at' ? [e.at, e.at + 1] : [e.range.from, e.range.to];
}

/** Do the ranges hold a single element (for "is" against "are")? */
function isOneElement(ranges: [number, number][]): boolean {
  return ranges.length === 1 && ranges[0]![1] - ranges[0]![0] === 1;
}

/** "element 3", "elements 0 to 2", "elements 0, 4 to 6". */
function describeCoverage(ranges: [number, number][]): string {
  return `${isOneElement(ranges) ? 'element' : 'elements'} ${ranges.map(([a, b]) => (b - a === 1 ? `${a}` : `${a} to ${b - 1}`)).join(', ')}`;
}

export const sitesRule: CheckRule = {
  name: 'sites',
  run(ctx: CheckContext): void {
    for (const { kind, block } of ctx.blocks()) {
      const first = new Map<string, SampleStmt>();
      const elements = new Map<string, { stmt: SampleStmt; range: [number, number] }[]>();
      // Targets with an element already reported: their coverage is not reported again.
      const reported = new Set<string>();
      for (const stmt of sampleStatements(block.body)) {
        const b = ctx.targets.get(stmt);
        if (!b || b.kind === 'unresolved') continue;
        const name = stmt.target.name;
        const span = stmt.target.span;
        if (b.kind === 'let') {
          ctx.error('not-sampleable', span, `cannot sample let ${name}: only latents and data have distributions`);
          continue;
        }
        if (b.kind !== 'decl') continue;
        const sym = b.symbol;
        if (sym.kind === 'const' || sym.kind === 'param' || sym.kind === 'net') {
          ctx.error('not-sampleable', span, `cannot sample ${describeSymbol(sym)}: only latents and data have distributions`);
          continue;
        }
        if (sym.kind === 'data' && kind === 'guide' && !sym.decl.modifier) {
          ctx.error('data-in-guide', span, `data ${name} cannot be sampled in the guide: the guide only proposes latents (declare it \`data ${name} : ... missing\` if some of its entries are missing and the guide should propose them)`);
          continue;
        }
        const loops = ctx.loopsOf.get(stmt) ?? [];
        if (loops.length > 1) {
          const [outer, inner] = [loops[loops.length - 2]!, loops[loops.length - 1]!];
          ctx.error('bad-element', span, `a ~ inside two loops (over ${outer.variable.name} and ${inner.variable.name}) would draw ${name}[${inner.variable.name}] again on every step of ${outer.variable.name}: a ~ sits in one loop, which draws one element per step`);
          continue;
        }
        if (!stmt.index && loops.length > 0) {
          const v = loops[loops.length - 1]!.variable.name;
          ctx.error('bad-element', span, `inside the loop over ${v}, a ~ draws one element per iteration: write ${name}[${v}] ~ ... (and declare ${name} with that axis first)`);
          continue;
        }
        let element: SiteElement | undefined;
        if (stmt.index) {
          const t = ctx.declTypes.get(name);
          if (t && t.shape.length === 0) {
            ctx.error('bad-element', stmt.index.span, `${name} is a scalar; only a value with axes can be drawn element by element (declare it with a first axis, e.g. real[T])`);
            continue;
          }
          element = elementOf(ctx, stmt, t?.shape[0]);
          if (!element) {
            reported.add(name);
            continue;
          }
          const earlierWhole = first.get(name);
          const list = elements.get(name) ?? [];
          const range = covered(element);
          const clash = list.find((x) => x.range[0] < range[1] && range[0] < x.range[1]);
          if (earlierWhole || clash) {
            const line = (earlierWhole ?? clash!.stmt).span.line;
            ctx.error('duplicate-site', span, `${describeCoverage([range])} of ${name} ${isOneElement([range]) ? 'is' : 'are'} already drawn in the ${kind} block (line ${line})`);
            reported.add(name);
            continue;
          }
          list.push({ stmt, range });
          elements.set(name, list);
        } else {
          const earlier = first.get(name) ?? elements.get(name)?.[0]?.stmt;
          if (earlier) {
            const what = sym.kind === 'data' ? `data ${name} is observed twice` : `${describeSymbol(sym)} is sampled twice`;
            ctx.error('duplicate-site', span, `${what} in the ${kind} block (first on line ${earlier.span.line})`);
            continue;
          }
          first.set(name, stmt);
        }
        ctx.sites.push({
          stmt,
          block: kind,
          target: name,
          targetKind: sym.kind,
          plate: sym.kind === 'latent' ? sym.decl.plate : 'local',
          ...(element ? { element } : {}),
        });
      }
      // Element by element, every element exactly once.
      for (const [name, list] of elements) {
        const size = ctx.declTypes.get(name)?.shape[0];
        if (size === undefined || reported.has(name)) continue;
        const ranges = list.map((x) => x.range).sort((a, b) => a[0] - b[0]);
        const missing: [number, number][] = [];
        let next = 0;
        for (const [a, b] of ranges) {
          if (a > next) missing.push([next, a]);
          next = Math.max(next, b);
        }
        if (next < size) missing.push([next, size]);
        if (missing.length) {
          const last = list[list.length - 1]!.stmt;
          ctx.error('incomplete-elements', last.target.span, `${describeCoverage(missing)} of ${name} ${isOneElement(missing) ? 'has' : 'have'} no ~ in the ${kind} block: drawn element by element, each of its ${size} elements needs exactly one`);
        }
      }
    }

    for (const sym of ctx.symbolsOf('latent')) {
      const has = (block: 'model' | 'guide'): boolean => ctx.sites.some((s) => s.block === block && s.target === sym.name);
      if (ctx.model && !has('model')) {
        ctx.error('missing-prior', sym.decl.name.span, `${describeSymbol(sym)} has no prior in the model block: add \`${sym.name} ~ ...\` to the model`);
      }
      const priors = ctx.sites.filter((s) => s.block === 'model' && s.target === sym.name);
      const enumerated = priors.some((p) => p.stmt.annotations.some((a) => a.name.name === 'enumerate'));
      const guideSite = ctx.sites.find((s) => s.block === 'guide' && s.target === sym.name);
      if (enumerated && guideSite) {
        ctx.error('enumerated-in-guide', guideSite.stmt.span, `${sym.name} is summed out by @enumerate in the model, so the guide must not sample it; remove this site`);
      }
      const marked = priors.filter((p) => p.stmt.annotations.some((a) => a.name.name === 'enumerate'));
      if (marked.length > 0 && marked.length < priors.length) {
        const unmarked = priors.find((p) => !marked.includes(p))!;
        ctx.error('enumerate-partly', unmarked.stmt.span, `${sym.name} is summed out by @enumerate at line ${marked[0]!.stmt.span.line}: mark every ~ of ${sym.name} in the model @enumerate`);
      }
    }
  },
};
