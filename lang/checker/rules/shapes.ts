// Static shape inference over every expression of both blocks: broadcasting, net inputs and
// outputs, heads, built-in functions, indexing, and distribution arguments against the site.
import { netFamily } from '../../nets/registry.js';
import type { CheckContext, CheckRule, DeclaredType, DistMatch, ValueType } from '../context.js';
import { describeSymbol, tensor, UNKNOWN } from '../context.js';
import { isComparison } from '../../ast.js';
import type { Arg, Call, Expr, FieldAccess, ForStmt, IndexAccess, LetStmt, SampleStmt } from '../../ast.js';
import type { IndexKind } from '../context.js';
import type { Shape } from '../../checked.js';
import { broadcast, broadcastsTo, formatShape } from '../shapes.js';
import { siteExprs, statements } from '../walk.js';
import { suggestOr } from '../suggest.js';
import { arityAccepts, describeArity, formatType } from '../../builtins.js';
import type { Support } from '../../../runtime/support.js';
import { paramEventRank } from '../../../runtime/distributions/spec.js';

function axes(n: number): string {
  return `${n} ${n === 1 ? 'axis' : 'axes'}`;
}

class ShapeInference {
  constructor(private readonly ctx: CheckContext) {}

  /** Type `e`, allowing a net output with heads (for `let q = encoder(x)` and `q.loc`). */
  any(e: Expr): ValueType {
    const t = this.infer(e);
    this.ctx.types.set(e, t);
    if (t.kind === 'tensor') this.ctx.shapes.set(e, t.shape);
    return t;
  }

  /** Type `e` where a number-valued tensor is needed; undefined when unknown (already reported). */
  tensor(e: Expr): Shape | undefined {
    const t = this.any(e);
    if (t.kind === 'tensor') return t.shape;
    if (t.kind === 'record') {
      const heads = [...t.heads.keys()];
      const text = this.ctx.text(e.span);
      this.ctx.error(
        'record-value',
        e.span,
        `${text} is the output of net ${t.net}, which has heads ${heads.join(', ')}: pick one, e.g. ${text}.${heads[0]}`,
      );
    }
    return undefined;
  }

  private infer(e: Expr): ValueType {
    const ctx = this.ctx;
    switch (e.kind) {
      case 'num':
        return tensor([]);
      case 'ident': {
        const b = ctx.bindings.get(e);
        if (!b || b.kind === 'unresolved') return UNKNOWN;
        if (b.kind === 'let') return ctx.letTypes.get(b.stmt) ?? UNKNOWN;
        if (b.kind === 'builtin') {
          const message =
            b.what === 'function'
              ? `${e.name} is a built-in function, not a value: call it, ${e.name}(...)`
              : `${e.name} is a distribution, not a value: a distribution appears only to the right of ~`;
          ctx.error('not-a-value', e.span, message);
          return UNKNOWN;
        }
        if (b.kind === 'loop') return tensor([]);
        const sym = b.symbol;
        switch (sym.kind) {
          case 'const':
            return tensor(ctx.constArrays.get(sym.name)?.shape ?? []);
          case 'net':
            ctx.error('not-a-value', e.span, `net ${sym.name} is not a value: call it on an input, ${sym.name}(...)`);
            return UNKNOWN;
          default: {
            const t = ctx.declTypes.get(sym.name);
            return t ? tensor(t.shape) : UNKNOWN;
          }
        }
      }
      case 'unary': {
        const s = this.tensor(e.operand);
        return s ? tensor(s) : UNKNOWN;
      }
      case 'binary': {
        const a = this.tensor(e.left);
        const b = this.tensor(e.right);
        if (isComparison(e.op) && e.left.kind === 'binary' && isComparison(e.left.op) && !ctx.text(e.left.span).startsWith('(')) {
          const [x, y, z] = [ctx.text(e.left.left.span), ctx.text(e.left.right.span), ctx.text(e.right.span)];
          ctx.error(
            'chained-comparison',
            e.span,
            `comparisons do not chain: this compares the 0/1 value of ${x} ${e.left.op} ${y} with ${z}; for both to hold write (${x} ${e.left.op} ${y}) * (${y} ${e.op} ${z}), or parenthesize to compare the 0/1 value`,
          );
          return UNKNOWN;
        }
        if (!a || !b) return UNKNOWN;
        const out = broadcast(a, b);
        if (!out) {
          ctx.error('shape-mismatch', e.span, `shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast in '${e.op}': sizes must match or be 1, aligned from the right`);
          return UNKNOWN;
        }
        return tensor(out);
      }
      case 'call':
        return this.call(e);
      case 'field':
        return this.field(e);
      case 'index':
        return this.index(e);
      case 'array': {
        // All constants: a constant array. Otherwise the elements' values stacked on a new first axis.
        const saved = ctx.diagnostics.length;
        const a = ctx.foldBlockArray(e);
        ctx.diagnostics.length = saved;
        if (a) return tensor(a.shape);
        ctx.arrays.delete(e);
        const shapes = e.elements.map((x) => this.tensor(x));
        if (shapes.some((s) => s === undefined)) return UNKNOWN;
        const first = shapes[0]!;
        const bad = shapes.findIndex((s) => !sameShape(s!, first));
        if (bad >= 0) {
          ctx.error('shape-mismatch', e.elements[bad]!.span, `the elements of an array must have one shape: element 0 has shape ${formatShape(first)}, element ${bad} ${formatShape(shapes[bad]!)}`);
          return UNKNOWN;
        }
        return tensor([e.elements.length, ...first]);
      }
    }
  }

  /** `t`, `t + c` or `t - c` for a loop variable t and a constant c: the loop and the offset. */
  private loopOffset(e: Expr): { loop: ForStmt; offset: number } | undefined {
    const loopOf = (x: Expr): ForStmt | undefined => {
      if (x.kind !== 'ident') return undefined;
      const b = this.ctx.bindings.get(x);
      return b?.kind === 'loop' ? b.loop : undefined;
    };
    const direct = loopOf(e);
    if (direct) return { loop: direct, offset: 0 };
    if (e.kind !== 'binary' || (e.op !== '+' && e.op !== '-')) return undefined;
    const left = loopOf(e.left);
    if (left) {
      const c = this.ctx.tryFold(e.right);
      return c === undefined || !Number.isInteger(c) ? undefined : { loop: left, offset: e.op === '+' ? c : -c };
    }
    const right = loopOf(e.right);
    if (right && e.op === '+') {
      const c = this.ctx.tryFold(e.left);
      return c === undefined || !Number.isInteger(c) ? undefined : { loop: right, offset: c };
    }
    return undefined;
  }

  /** The integer values an expression can take, when it is integer data, an integer latent, or an integer array. */
  private intRange(e: Expr): { lo: number; hi: number } | undefined {
    const ctx = this.ctx;
    if (e.kind === 'ident') {
      const b = ctx.bindings.get(e);
      if (b?.kind === 'let') return this.letRanges.get(b.stmt);
      if (b?.kind !== 'decl') return undefined;
      const sym = b.symbol;
      if (sym.kind === 'const') {
        const a = ctx.constArrays.get(sym.name);
        return a && a.values.every(Number.isInteger) ? { lo: Math.min(...a.values), hi: Math.max(...a.values) } : undefined;
      }
      if (sym.kind !== 'data' && sym.kind !== 'latent') return undefined;
      const s = ctx.declTypes.get(sym.name)?.support;
      if (s?.kind === 'int') return { lo: s.low, hi: s.high };
      if (s?.kind === 'binary') return { lo: 0, hi: 1 };
      return undefined;
    }
    if (e.kind === 'array') {
      const a = ctx.foldBlockArray(e);
      return a && a.values.every(Number.isInteger) ? { lo: Math.min(...a.values), hi: Math.max(...a.values) } : undefined;
    }
    // An element of integer values is as integer as the whole.
    if (e.kind === 'index') return this.intRange(e.object);
    // A comparison is 0 or 1: `w[x > 0]` picks by it.
    if (e.kind === 'binary' && isComparison(e.op)) return { lo: 0, hi: 1 };
    return undefined;
  }

  /** Integer ranges of lets bound to integer values (`let s = state_of[c]`). */
  readonly letRanges = new Map<LetStmt, { lo: number; hi: number }>();

  noteLet(stmt: LetStmt): void {
    const r = this.intRange(stmt.value);
    if (r) this.letRanges.set(stmt, r);
  }

  private call(e: Call): ValueType {
    const ctx = this.ctx;
    const callee = ctx.callees.get(e) ?? { kind: 'unresolved' };
    const name = e.callee.name;
    const positional = e.args.filter((a) => !a.name);
    const named = e.args.filter((a): a is Arg & { name: NonNullable<Arg['name']> } => a.name !== undefined);

    if (callee.kind === 'function') {
      const fn = callee.fn;
      const shapes = positional.map((a) => this.tensor(a.value));
      const values = new Map<string, number>();
      let ok = true;
      for (const a of named) {
        const valueShape = this.tensor(a.value);
        if (!fn.named.includes(a.name.name)) {
          const tail = fn.named.length ? `; its named arguments are ${fn.named.join(', ')}` : `; it takes no named arguments`;
          ctx.error('unknown-argument', a.name.span, `${name} has no argument '${a.name.name}'${suggestOr(a.name.name, fn.named, tail)}`);
          ok = false;
          continue;
        }
        if (values.has(a.name.name)) {
          ctx.error('duplicate-argument', a.span, `argument '${a.name.name}' of ${name} is given twice`);
          ok = false;
          continue;
        }
        const v = valueShape ? ctx.foldBlockConst(a.value, `${a.name.name} of ${name}`) : undefined;
        if (v === undefined) ok = false;
        else values.set(a.name.name, v);
      }
      if (!arityAccepts(fn, positional.length)) {
        ctx.error('wrong-arity', e.span, `${name} takes ${describeArity(fn)} (${fn.signature}), got ${positional.length}`);
        return UNKNOWN;
      }
      if (!ok || shapes.some((s) => s === undefined)) return UNKNOWN;
      const constants = positional.map((a, i) => (fn.constantArgs?.includes(i) ? this.constantValues(a.value) : undefined));
      const r = fn.shape(shapes as Shape[], values, positional.map((a) => this.declaredSupport(a.value)), constants);
      if (r.ok) return tensor(r.shape);
      const at = typeof r.arg === 'number' ? positional[r.arg]?.value : typeof r.arg === 'string' ? named.find((a) => a.name.name === r.arg)?.value : undefined;
      ctx.error('shape-mismatch', at ? at.span : e.span, r.message);
      return UNKNOWN;
    }

    if (callee.kind === 'net') {
      const netName = callee.symbol.name;
      const net = ctx.nets.get(netName);
      const inputs = positional.map((a) => this.tensor(a.value));
      for (const a of named) {
        this.any(a.value);
        ctx.error('unknown-argument', a.name.span, `net ${netName} takes no named arguments, only its input: ${netName}(x)`);
      }
      if (positional.length !== 1) {
        ctx.error('wrong-arity', e.span, `net ${netName} takes one input, got ${positional.length}`);
        return UNKNOWN;
      }
      const input = inputs[0];
      if (!net || !input) return UNKNOWN;
      const r = netFamily(net.family).call(net.spec, input, netName);
      if (!r.ok) {
        ctx.error('net-input', positional[0]!.value.span, r.message);
        return UNKNOWN;
      }
      if (net.heads) return { kind: 'record', net: netName, heads: new Map(net.heads.map((h) => [h.name, [...r.headLead, h.size]])) };
      return tensor(r.output);
    }

    for (const a of e.args) this.any(a.value);
    if (callee.kind === 'distribution') {
      ctx.error('not-callable', e.callee.span, `${name} is a distribution: a distribution appears only to the right of ~, not inside an expression`);
    } else if (callee.kind === 'value') {
      const b = callee.binding;
      const what = b.kind === 'decl' ? describeSymbol(b.symbol) : b.kind === 'let' ? `let ${name}` : name;
      ctx.error('not-callable', e.callee.span, `${what} is not a function or a net and cannot be called`);
    }
    return UNKNOWN;
  }

  /** The entries of a constant number or vector (already typed), or undefined when it is not one. */
  private constantValues(e: Expr): readonly number[] | undefined {
    const ctx = this.ctx;
    if (e.kind === 'array') {
      const a = ctx.arrays.get(e);
      return a && a.shape.length === 1 ? a.values : undefined;
    }
    if (e.kind === 'ident') {
      const b = ctx.bindings.get(e);
      const a = b?.kind === 'decl' && b.symbol.kind === 'const' ? ctx.constArrays.get(b.symbol.name) : undefined;
      if (a) return a.shape.length === 1 ? a.values : undefined;
    }
    const v = ctx.tryFold(e);
    return v === undefined ? undefined : [v];
  }

  /** The declared support of a data or latent named by `e`; undefined for any other expression. */
  private declaredSupport(e: Expr): Support | undefined {
    if (e.kind !== 'ident') return undefined;
    const b = this.ctx.bindings.get(e);
    if (!b || b.kind !== 'decl' || (b.symbol.kind !== 'data' && b.symbol.kind !== 'latent')) return undefined;
    return this.ctx.declTypes.get(b.symbol.name)?.support;
  }

  private field(e: FieldAccess): ValueType {
    const ctx = this.ctx;
    const t = this.any(e.object);
    const f = e.field.name;
    if (t.kind === 'unknown') return UNKNOWN;
    if (t.kind === 'tensor') {
      ctx.error('not-a-record', e.field.span, `${ctx.text(e.object.span)} has no field '${f}': it is a value of shape ${formatShape(t.shape)}; only the output of a net with heads has fields`);
      return UNKNOWN;
    }
    const shape = t.heads.get(f);
    if (!shape) {
      const heads = [...t.heads.keys()];
      ctx.error('unknown-head', e.field.span, `net ${t.net} has no head '${f}'${suggestOr(f, heads, `; its heads are ${heads.join(', ')}`)}`);
      return UNKNOWN;
    }
    return tensor(shape);
  }

  private index(e: IndexAccess): ValueType {
    const ctx = this.ctx;
    const s = this.tensor(e.object);
    for (const it of e.indices) {
      if (it.kind === 'at') this.tensor(it.value);
      else {
        if (it.start) this.tensor(it.start);
        if (it.end) this.tensor(it.end);
      }
    }
    if (!s) return UNKNOWN;
    const text = ctx.text(e.object.span);
    if (e.indices.length > s.length) {
      ctx.error('bad-index', e.span, `${text} has shape ${formatShape(s)} (${axes(s.length)}) but is indexed with ${e.indices.length} indices`);
      return UNKNOWN;
    }
    const out: number[] = [];
    let ok = true;
    const lead: number[] = [];
    e.indices.forEach((it, k) => {
      const dim = s[k]!;
      if (it.kind === 'at') {
        const constant = ctx.tryFold(it.value);
        if (constant === undefined) {
          const dynamic = this.dynamicIndex(e, it.value, k, dim, text);
          if (!dynamic) ok = false;
          else {
            ctx.indexKinds.set(it, dynamic.kind);
            if (dynamic.shape.length) lead.push(...dynamic.shape);
          }
          return;
        }
        const v = ctx.foldBlockConst(it.value, 'an index');
        if (v === undefined) ok = false;
        else if (!Number.isInteger(v)) {
          ctx.error('bad-index', it.value.span, `an index must be an integer, got ${v}`);
          ok = false;
        } else if (v < -dim || v >= dim) {
          ctx.error('bad-index', it.value.span, `index ${v} is out of range for axis ${k} of ${text}, which has size ${dim} (valid: 0 to ${dim - 1}, or -${dim} to -1 from the end)`);
          ok = false;
        }
        return;
      }
      const bound = (b: Expr | undefined, dflt: number): number | undefined => {
        if (!b) return dflt;
        const v = ctx.foldBlockConst(b, 'a slice bound');
        if (v === undefined) return undefined;
        if (!Number.isInteger(v)) {
          ctx.error('bad-index', b.span, `a slice bound must be an integer, got ${v}`);
          return undefined;
        }
        if (v < -dim || v > dim) {
          ctx.error('bad-index', b.span, `slice bound ${v} is out of range for axis ${k} of ${text}, which has size ${dim} (valid: 0 to ${dim}, or -${dim} to -1 from the end)`);
          return undefined;
        }
        return v < 0 ? dim + v : v;
      };
      const start = bound(it.start, 0);
      const end = bound(it.end, dim);
      if (start === undefined || end === undefined) {
        ok = false;
        return;
      }
      if (end <= start) {
        ctx.error('bad-index', it.span, `the slice ${ctx.text(it.span)} of axis ${k} of ${text} is empty (it runs from ${start} to ${end})`);
        ok = false;
        return;
      }
      out.push(end - start);
    });
    if (!ok) return UNKNOWN;
    return tensor([...lead, ...out, ...s.slice(e.indices.length)]);
  }

  /**
   * An index that is not a constant: the loop variable plus a constant (its whole range must lie
   * inside the axis), or integer data or an integer latent (a gather, one entry per data point
   * and particle; its declared range must lie inside the axis). An integer index with axes of
   * its own (a vector of group ids) may index only the first axis; the result takes its axes first.
   */
  private dynamicIndex(e: IndexAccess, index: Expr, k: number, dim: number, text: string): { kind: IndexKind; shape: Shape } | undefined {
    const ctx = this.ctx;
    const loop = this.loopOffset(index);
    if (loop) {
      const range = ctx.loopRanges.get(loop.loop);
      if (!range) return undefined;
      const lo = range.from + loop.offset;
      const hi = range.to - 1 + loop.offset;
      if (lo < 0 || hi >= dim) {
        ctx.error('bad-index', index.span, `${ctx.text(index.span)} runs from ${lo} to ${hi} over the loop ${loop.loop.variable.name} in ${range.from}:${range.to}, but axis ${k} of ${text} has size ${dim} (valid: 0 to ${dim - 1}); start the loop later or handle the first steps before it`);
        return undefined;
      }
      return { kind: { kind: 'loop', loop: loop.loop, offset: loop.offset }, shape: [] };
    }
    const shape = this.tensor(index);
    if (!shape) return undefined;
    const r = this.intRange(index);
    if (!r) {
      ctx.error('bad-index', index.span, `an index must be a constant, a loop variable (t, t - 1, ...) or integer-valued (data or a latent declared int(lo, hi) or binary, or an array of integers); ${ctx.text(index.span)} is none of these`);
      return undefined;
    }
    if (r.lo < 0 || r.hi >= dim) {
      ctx.error('bad-index', index.span, `${ctx.text(index.span)} takes values ${r.lo} to ${r.hi}, but axis ${k} of ${text} has size ${dim} (valid: 0 to ${dim - 1})`);
      return undefined;
    }
    if (shape.length > 0 && (k !== 0 || e.indices.length > 1)) {
      ctx.error('bad-index', index.span, `${ctx.text(index.span)} has shape ${formatShape(shape)}: an index with axes of its own picks entries of the first axis only, alone (${text}[${ctx.text(index.span)}])`);
      return undefined;
    }
    return { kind: { kind: 'gather' }, shape };
  }

  site(stmt: SampleStmt): void {
    const ctx = this.ctx;
    const match = ctx.dists.get(stmt);
    const target = ctx.targets.get(stmt);
    const draft = ctx.sites.find((s) => s.stmt === stmt);
    const whole = draft ? ctx.declTypes.get(draft.target) : undefined;
    // An element site draws one entry of the first axis.
    const declared = whole && draft?.element ? { ...whole, shape: whole.shape.slice(1) } : whole;
    const args = stmt.dist.args ?? [];
    const shapes = args.map((a) => this.tensor(a.value));
    if (match && declared && draft && target && target.kind === 'decl') siteShapes(ctx, stmt, match, declared, draft.target, shapes);
    for (const e of siteExprs(stmt).slice(args.length)) this.any(e);
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The arguments of a site against the declared shape of its target. A value splits into batch
 * axes and the distribution's trailing `eventRank` event axes (Dirichlet: 1, the simplex); an
 * argument splits into leading axes, which must broadcast to the batch axes, and its parameter's
 * own trailing event axes (Categorical's and Dirichlet's class axis K). The event shape the
 * arguments imply (Dirichlet's [K]) must be the declared one.
 */
function siteShapes(ctx: CheckContext, stmt: SampleStmt, match: DistMatch, declared: DeclaredType, target: string, shapes: readonly (Shape | undefined)[]): void {
  const spec = match.spec;
  const args = stmt.dist.args ?? [];
  const decl = formatType(declared.support, declared.shape);
  const rank = spec.eventRank;
  if (declared.shape.length < rank) {
    ctx.error('shape-mismatch', stmt.dist.span, `${spec.name} draws a vector along a last axis (event rank ${rank}), but ${target} is declared ${decl}, a scalar: declare it with a last axis, e.g. ${declared.support.kind === 'simplex' ? 'simplex[K]' : `${decl}[K]`}`);
    return;
  }
  const batch = declared.shape.slice(0, declared.shape.length - rank);
  const event = declared.shape.slice(declared.shape.length - rank);
  const known = new Map<string, Shape>();
  let bad = false;
  args.forEach((a, i) => {
    const s = shapes[i];
    const pname = match.argNames[i];
    if (!s || !pname) return;
    const own = paramEventRank(spec, pname);
    if (s.length < own) {
      const needs = own === 1 ? `a last axis holding ${spec.eventRank === 1 && spec.support.kind === 'real' ? 'the D entries of a vector (shape [..., D])' : 'the K classes (shape [..., K])'}` : `its last ${own} axes holding a matrix (shape [..., D, D])`;
      ctx.error('shape-mismatch', a.value.span, `${spec.name}'s ${pname} needs ${needs}, got ${s.length ? `shape ${formatShape(s)}` : 'a scalar'}`);
      return;
    }
    known.set(pname, s);
    const lead = s.slice(0, s.length - own);
    if (broadcastsTo(lead, batch)) return;
    bad = true;
    if (rank === 0 && own === 0) {
      ctx.error('shape-mismatch', a.value.span, `${spec.name}'s ${pname} has shape ${formatShape(s)} but ${target} is declared ${decl}: an argument must broadcast to the declared shape`);
    } else if (own > 0) {
      const what = rank === 0 ? `the declared shape ${formatShape(batch)}` : `${formatShape(batch)}, the declared shape without its last axis`;
      const held = own === 1 ? `its last axis, ${s[s.length - 1]}, holds ${spec.support.kind === 'real' ? 'the event' : 'the K classes'}` : `its last ${own} axes, ${formatShape(s.slice(s.length - own))}, hold the event's matrix`;
      ctx.error('shape-mismatch', a.value.span, `${spec.name}'s ${pname} has shape ${formatShape(s)} but ${target} is declared ${decl}: its leading axes ${formatShape(lead)} must broadcast to ${what} (${held})`);
    } else {
      ctx.error('shape-mismatch', a.value.span, `${spec.name}'s ${pname} has shape ${formatShape(s)} but ${target} is declared ${decl}: it must broadcast to ${formatShape(batch)}, the declared shape without its last axis (one event)`);
    }
  });
  const problem = bad ? undefined : spec.shapeProblem?.(known);
  if (problem) {
    const i = match.argNames.indexOf(problem.param);
    ctx.error('shape-mismatch', i >= 0 ? args[i]!.value.span : stmt.dist.span, problem.message);
    return;
  }
  const values = new Map<string, number>();
  args.forEach((a, i) => {
    const pname = match.argNames[i];
    const v = pname ? ctx.tryFold(a.value) : undefined;
    if (pname && v !== undefined) values.set(pname, v);
  });
  const implied = spec.eventShapeFor?.(known, values);
  if (implied && !bad && !sameShape(implied, event)) {
    const i = match.argNames.findIndex((n) => n !== undefined && known.has(n) && paramEventRank(spec, n) > 0);
    if (i < 0) {
      ctx.error('shape-mismatch', stmt.dist.span, `${spec.name} draws values of shape ${formatShape(implied)} (from its arguments), but ${target} is declared ${decl}: the declared shape must end with ${formatShape(implied)}`);
      return;
    }
    const pname = match.argNames[i]!;
    const s = known.get(pname)!;
    ctx.error('shape-mismatch', args[i]!.value.span, `${spec.name}'s ${pname} has shape ${formatShape(s)}, ${spec.support.kind === 'real' ? `D = ${s[s.length - 1]} entries` : `K = ${s[s.length - 1]} classes`} on its last axis, but ${target} is declared ${decl}: the declared shape must end with ${formatShape(implied)}`);
  }
}

export const shapesRule: CheckRule = {
  name: 'shapes',
  run(ctx: CheckContext): void {
    const inf = new ShapeInference(ctx);
    for (const { block } of ctx.blocks()) {
      for (const stmt of statements(block.body)) {
        if (stmt.kind === 'let') {
          ctx.letTypes.set(stmt, inf.any(stmt.value));
          inf.noteLet(stmt);
        } else if (stmt.kind === 'sample') inf.site(stmt);
        else if (stmt.kind === 'factor') inf.tensor(stmt.value);
      }
    }
  },
};
