// The state the checker's rules share: declarations, folded constants, name bindings, sites
// and expression types. Rules run in order (rules/index.ts) and each reads what earlier rules
// recorded; a rule that finds a problem reports it and leaves the entry out, so that later
// rules treat the value as unknown instead of reporting follow-on errors.
import type {
  ArrayLit,
  ConstDecl,
  FactorStmt,
  ForStmt,
  IndexItem,
  Stmt,
  DataDecl,
  Expr,
  GuideBlock,
  Ident,
  LatentDecl,
  LetStmt,
  ModelBlock,
  NetDecl,
  ParamDecl,
  Program,
  SampleStmt,
  Span,
  Call,
} from '../ast.js';
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { ChainShape, ConstArray, IndexKind, LoopRange, NetHeadInfo, ParamInit, Plate, Shape, SiteElement } from '../checked.js';

export type { ChainShape, ConstArray, IndexKind, LoopRange, ParamInit, SiteElement } from '../checked.js';
import type { Support } from '../../runtime/support.js';
import type { DistSpec } from '../../runtime/distributions/spec.js';
import type { BuiltinFunction } from '../builtins.js';
import { didYouMean } from './suggest.js';
import { applyBinary } from '../arithmetic.js';

export type BlockKind = 'model' | 'guide';

export type DeclSymbol =
  | { kind: 'const'; name: string; decl: ConstDecl; index: number }
  | { kind: 'data'; name: string; decl: DataDecl; index: number }
  | { kind: 'latent'; name: string; decl: LatentDecl; index: number }
  | { kind: 'param'; name: string; decl: ParamDecl; index: number }
  | { kind: 'net'; name: string; decl: NetDecl; index: number };

/** What an identifier in a block refers to. */
export type Binding =
  | { kind: 'decl'; symbol: DeclSymbol }
  | { kind: 'let'; stmt: LetStmt; block: BlockKind }
  | { kind: 'builtin'; what: 'function' | 'distribution' }
  /** The integer variable of an enclosing `for` loop. */
  | { kind: 'loop'; loop: ForStmt }
  /** Already reported (undefined, or used before its definition): stay silent about it. */
  | { kind: 'unresolved' };

/** What the callee of a call refers to. */
export type Callee =
  | { kind: 'function'; fn: BuiltinFunction }
  | { kind: 'net'; symbol: Extract<DeclSymbol, { kind: 'net' }> }
  | { kind: 'distribution'; name: string }
  | { kind: 'value'; binding: Binding }
  | { kind: 'unresolved' };

/**
 * The static type of an expression: a tensor of known event shape, the output of a net with
 * heads (only `.head` may follow), or unknown (after an error: compatible with everything).
 */
export type ValueType =
  | { kind: 'tensor'; shape: Shape }
  | { kind: 'record'; net: string; heads: ReadonlyMap<string, Shape> }
  | { kind: 'unknown' };

export const UNKNOWN: ValueType = { kind: 'unknown' };

export function tensor(shape: Shape): ValueType {
  return { kind: 'tensor', shape };
}

/** The folded type of a data, latent or param declaration. */
export interface DeclaredType {
  shape: Shape;
  support: Support;
}

export interface FoldedParam {
  constraint: Support;
  init: ParamInit;
}


export interface FoldedNet {
  family: string;
  /** The family's spec (lang/nets/): layers, activation, options. */
  spec: object;
  heads?: readonly NetHeadInfo[];
}

/** A `~` on a latent or on data, as far as the rules have resolved it. */
export interface SiteDraft {
  stmt: SampleStmt;
  block: BlockKind;
  target: string;
  targetKind: 'latent' | 'data';
  plate: Plate;
  /** `z[i] ~ ...`: the element drawn (absent: the whole value). */
  element?: SiteElement;
}

/** The distribution of a `~` and the parameter each argument binds (undefined where invalid). */
export interface DistMatch {
  spec: DistSpec;
  argNames: readonly (string | undefined)[];
  /** Every argument bound and the set of names is one parameterization. */
  complete: boolean;
}

export interface CheckRule {
  name: string;
  run(ctx: CheckContext): void;
}

/** Resolves one identifier inside a constant expression. */
type ConstResolver = (id: Ident) => { value: number } | { error: string } | 'silent';

const FILE_START: Span = { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0 };

/** Choices made outside the source that change what is valid (command-line flags). */
export interface CheckOptions {
  /** The estimator mode: with 'reparam', every guide site must be reparameterizable. */
  estimator?: 'auto' | 'reparam' | 'score';
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];

  /** First declaration of each name (later duplicates are reported and left out). */
  readonly symbols = new Map<string, DeclSymbol>();
  readonly consts = new Map<string, number>();
  readonly constArrays = new Map<string, ConstArray>();
  /** The folded range of every loop whose bounds are valid. */
  readonly loopRanges = new Map<ForStmt, LoopRange>();
  /** The loops around each statement in a loop, outermost first. */
  readonly loopsOf = new Map<Stmt, ForStmt[]>();
  /** Array literals inside blocks, folded. */
  readonly arrays = new Map<ArrayLit, ConstArray>();
  /** Every index that is not a constant, and how it picks. */
  readonly indexKinds = new Map<IndexItem, IndexKind>();
  /** Latents summed out as Markov chains, and where their statements are. */
  readonly chains = new Map<string, ChainShape>();
  /** Each factor statement's plate. */
  readonly factorPlates = new Map<FactorStmt, Plate>();
  /** Consts whose value could not be folded (already reported). */
  readonly brokenConsts = new Set<string>();
  /** Folded domain and shape of data, latents and params (absent when invalid). */
  readonly declTypes = new Map<string, DeclaredType>();
  readonly params = new Map<string, FoldedParam>();
  readonly nets = new Map<string, FoldedNet>();

  /** The block that is checked (the first, when a program has several). */
  model?: ModelBlock;
  guide?: GuideBlock;

  readonly bindings = new Map<Ident, Binding>();
  readonly callees = new Map<Call, Callee>();
  readonly targets = new Map<SampleStmt, Binding>();
  /** Lets that define a name (a let reusing a name is reported and left out). */
  readonly lets = new Map<LetStmt, BlockKind>();
  /** Declaration names referenced anywhere (for unused warnings). */
  readonly used = new Set<string>();
  readonly usedLets = new Set<LetStmt>();

  readonly sites: SiteDraft[] = [];
  readonly dists = new Map<SampleStmt, DistMatch>();

  readonly types = new Map<Expr, ValueType>();
  /** Event shape of every expression of tensor type. */
  readonly shapes = new Map<Expr, Shape>();
  readonly letTypes = new Map<LetStmt, ValueType>();

  constructor(
    readonly program: Program,
    readonly options: CheckOptions = {},
  ) {}

  error(code: string, span: Span, message: string): void {
    this.diagnostics.push(error(code, span, message));
  }

  warning(code: string, span: Span, message: string): void {
    this.diagnostics.push(warning(code, span, message));
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** For messages about the program as a whole. */
  fileSpan(): Span {
    return FILE_START;
  }

  /** The checked blocks, model first. */
  blocks(): { kind: BlockKind; block: ModelBlock | GuideBlock }[] {
    const out: { kind: BlockKind; block: ModelBlock | GuideBlock }[] = [];
    if (this.model) out.push({ kind: 'model', block: this.model });
    if (this.guide) out.push({ kind: 'guide', block: this.guide });
    return out;
  }

  /** The source text of a node, for messages. */
  text(span: Span): string {
    return this.program.source.slice(span.offset, span.offset + span.length);
  }

  symbolsOf<K extends DeclSymbol['kind']>(kind: K): Extract<DeclSymbol, { kind: K }>[] {
    return [...this.symbols.values()].filter((s): s is Extract<DeclSymbol, { kind: K }> => s.kind === kind);
  }

  /** Is this the declaration that owns its name (not a reported duplicate)? */
  owns(name: string, decl: object): boolean {
    return this.symbols.get(name)?.decl === decl;
  }

  /**
   * Fold a constant expression at declaration level (a shape, a layer size, an init): names
   * resolve to consts directly, and an undefined name is reported here.
   */
  foldDeclConst(e: Expr, what: string): number | undefined {
    return this.fold(e, what, (id) => {
      const sym = this.symbols.get(id.name);
      if (!sym) {
        const consts = this.symbolsOf('const').map((s) => s.name);
        return { error: `undefined name '${id.name}'${didYouMean(id.name, consts)}` };
      }
      this.used.add(sym.name);
      if (sym.kind !== 'const') return { error: `${what} must be a constant, but ${describeSymbol(sym)} is not a const` };
      if (this.constArrays.has(sym.name)) return { error: `${what} must be a number, but const ${sym.name} is an array` };
      const v = this.consts.get(sym.name);
      return v === undefined ? 'silent' : { value: v };
    });
  }

  /** Fold a constant expression inside a block (an index, a slice bound, `axis = k`). */
  foldBlockConst(e: Expr, what: string): number | undefined {
    return this.fold(e, what, (id) => {
      const b = this.bindings.get(id);
      if (!b || b.kind === 'unresolved') return 'silent';
      if (b.kind === 'decl' && b.symbol.kind === 'const') {
        if (this.constArrays.has(b.symbol.name)) return { error: `${what} must be a number, but const ${b.symbol.name} is an array` };
        const v = this.consts.get(b.symbol.name);
        return v === undefined ? 'silent' : { value: v };
      }
      if (b.kind === 'decl') return { error: `${what} must be a constant, but ${describeSymbol(b.symbol)} is not a const` };
      if (b.kind === 'loop') return { error: `${what} must be a constant, but ${id.name} is the variable of the loop on line ${b.loop.span.line}` };
      if (b.kind === 'let') return { error: `${what} must be a constant, but ${id.name} is a let` };
      return 'silent';
    });
  }

  /** Fold without reporting anything: undefined unless `e` is a valid constant expression. */
  tryFold(e: Expr): number | undefined {
    const saved = this.diagnostics.length;
    const v = this.foldBlockConst(e, 'a value');
    const failed = this.diagnostics.length > saved;
    this.diagnostics.length = saved;
    return failed ? undefined : v;
  }

  /** Fold an array literal whose elements are constant expressions (nested literals for more axes). */
  foldArray(e: ArrayLit, what: string, resolve: ConstResolver): ConstArray | undefined {
    const parts = e.elements.map((x) => (x.kind === 'array' ? this.foldArray(x, what, resolve) : this.fold(x, what, resolve)));
    if (parts.some((p) => p === undefined)) return undefined;
    if (parts.every((p): p is number => typeof p === 'number')) return { shape: [parts.length], values: parts };
    const rows = parts.filter((p): p is ConstArray => typeof p === 'object');
    const first = rows[0]!;
    const same = rows.length === parts.length && rows.every((r) => r.shape.length === first.shape.length && r.shape.every((d, i) => d === first.shape[i]));
    if (!same) {
      this.error('ragged-array', e.span, `the elements of this array differ in shape: every element must be a number, or every one an array of the same shape`);
      return undefined;
    }
    return { shape: [parts.length, ...first.shape], values: rows.flatMap((r) => r.values) };
  }

  /** Fold an array literal inside a block (elements may use consts). */
  foldBlockArray(e: ArrayLit): ConstArray | undefined {
    const cached = this.arrays.get(e);
    if (cached) return cached;
    const out = this.foldArray(e, 'an element of an array', (id) => {
      const b = this.bindings.get(id);
      if (!b || b.kind === 'unresolved') return 'silent';
      if (b.kind === 'decl' && b.symbol.kind === 'const') {
        const v = this.consts.get(b.symbol.name);
        return v === undefined ? 'silent' : { value: v };
      }
      return { error: `an element of an array literal must be a constant, but ${id.name} is not: build vectors of values with concat(...)` };
    });
    if (out) this.arrays.set(e, out);
    return out;
  }

  fold(e: Expr, what: string, resolve: ConstResolver): number | undefined {
    const v = this.foldRaw(e, what, resolve);
    if (v !== undefined && !Number.isFinite(v)) {
      this.error('not-constant', e.span, `${what} is not a finite number (${this.text(e.span)} = ${v})`);
      return undefined;
    }
    return v;
  }

  private foldRaw(e: Expr, what: string, resolve: ConstResolver): number | undefined {
    switch (e.kind) {
      case 'num':
        return e.value;
      case 'ident': {
        const r = resolve(e);
        if (r === 'silent') return undefined;
        if ('error' in r) {
          this.error(r.error.startsWith('undefined name') ? 'undefined-name' : 'not-constant', e.span, r.error);
          return undefined;
        }
        return r.value;
      }
      case 'unary': {
        const v = this.foldRaw(e.operand, what, resolve);
        return v === undefined ? undefined : -v;
      }
      case 'binary': {
        const a = this.foldRaw(e.left, what, resolve);
        const b = this.foldRaw(e.right, what, resolve);
        if (a === undefined || b === undefined) return undefined;
        return applyBinary(e.op, a, b);
      }
      default: {
        const kind = e.kind === 'call' ? 'a call' : e.kind === 'field' ? 'a field access' : e.kind === 'array' ? 'an array' : 'an indexing';
        this.error('not-constant', e.span, `${what} must be a constant expression (numbers, consts and + - * / ^), not ${kind}`);
        return undefined;
      }
    }
  }
}

export function describeSymbol(s: DeclSymbol): string {
  switch (s.kind) {
    case 'latent':
      return s.decl.plate === 'global' ? `global latent ${s.name}` : `latent ${s.name}`;
    default:
      return `${s.kind} ${s.name}`;
  }
}
