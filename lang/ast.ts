// The abstract syntax tree of a .ppl file. Every node carries the span of source it came from,
// so that the checker and the runtime can point at the exact line and column.
//
// Names of domains, distributions, functions, activations and annotations are plain strings
// here: the grammar does not know the built-in tables, the checker does. That keeps the
// parser stable while later issues add distributions, constraints and site annotations.

/** 1-based line and column of the first character; `offset`/`length` index the source text. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  length: number;
}

export interface Named {
  name: string;
  span: Span;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | NumberLit
  | Ident
  | Unary
  | Binary
  | Call
  | FieldAccess
  | IndexAccess
  | ArrayLit;

export interface NumberLit {
  kind: 'num';
  value: number;
  span: Span;
}

export interface Ident {
  kind: 'ident';
  name: string;
  span: Span;
}

export interface Unary {
  kind: 'unary';
  op: '-';
  operand: Expr;
  span: Span;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '^';
/** Comparisons give 1 where they hold and 0 elsewhere (for `where`, masks, indicators). */
export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type BinaryOp = ArithmeticOp | ComparisonOp;

export const COMPARISON_OPS: readonly ComparisonOp[] = ['<', '<=', '>', '>=', '==', '!='];

export function isComparison(op: BinaryOp): op is ComparisonOp {
  return (COMPARISON_OPS as readonly string[]).includes(op);
}

export interface Binary {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

/** A positional (`name` undefined) or named (`logits = ...`) argument. */
export interface Arg {
  name?: Named;
  value: Expr;
  span: Span;
}

/** `f(a, b, key = c)`: a built-in function or a declared net. */
export interface Call {
  kind: 'call';
  callee: Named;
  args: Arg[];
  span: Span;
}

/** `q.loc`: a named head of a net's output. */
export interface FieldAccess {
  kind: 'field';
  object: Expr;
  field: Named;
  span: Span;
}

/** `x[3]`, `x[0:392]`, `m[i, :]`: indices count over the data point's own (event) axes. */
export interface IndexAccess {
  kind: 'index';
  object: Expr;
  indices: IndexItem[];
  span: Span;
}

/** `[1, 2, 3]`, `[[1, 0], [0, 1]]`: a constant array (its elements fold to numbers). */
export interface ArrayLit {
  kind: 'array';
  elements: Expr[];
  span: Span;
}

export type IndexItem =
  | { kind: 'at'; value: Expr; span: Span }
  | { kind: 'slice'; start?: Expr; end?: Expr; span: Span };

// ---------------------------------------------------------------- types of declared values

/**
 * `binary[784]`, `real[D, 3]`, `positive`, `int(0, 9)[5]`.
 * `domain.name` is one of the checker's known domains (real, positive, unit, binary, int, ...);
 * `domainArgs` are its arguments (the bounds of `int(lo, hi)`); `shape` is empty for a scalar.
 */
export interface TypeExpr {
  domain: Named;
  domainArgs: Expr[];
  shape: Expr[];
  span: Span;
}

// ---------------------------------------------------------------- declarations

export type Decl =
  | ConstDecl
  | DataDecl
  | LatentDecl
  | ParamDecl
  | NetDecl
  | ModelBlock
  | GuideBlock;

/** `const D = 20` */
export interface ConstDecl {
  kind: 'const';
  name: Named;
  value: Expr;
  span: Span;
}

/**
 * `data x : binary[784]`: one observed value per data point. `data x : real[3] missing`: some
 * entries may be missing (empty or NaN); where one is, it is a latent.
 */
export interface DataDecl {
  kind: 'data';
  name: Named;
  type: TypeExpr;
  /** The word after the type (`missing`), checked by the checker. */
  modifier?: Named;
  span: Span;
}

/** `latent z : real[D]` (local: one per data point, inside the plate) or `global w : real[3]`. */
export interface LatentDecl {
  kind: 'latent';
  plate: 'local' | 'global';
  name: Named;
  type: TypeExpr;
  span: Span;
}

/** `param sigma : positive[784] = 1.0`: a learnable point value (global). */
export interface ParamDecl {
  kind: 'param';
  name: Named;
  type: TypeExpr;
  init?: Expr;
  span: Span;
}

/**
 * `net encoder : mlp(784 -> H, relu) -> { loc: D, scale: D positive }`,
 * `net enc : conv2d([28, 28] -> 32 k4 s2 -> 64 k4 s2, relu) -> { ... }`.
 * `layers` are the sizes (or image shapes) from input to last layer; with heads, the last layer is the trunk's
 * output (activated) and each head is a linear map from it, then the head's constraint.
 */
export interface NetDecl {
  kind: 'net';
  name: Named;
  family: Named;
  layers: Expr[];
  /**
   * The words after each layer's size (`32 k4 s2` for a convolution, `64 last` for a GRU), one
   * list per layer; undefined when no layer has any.
   */
  layerOptions?: Named[][];
  activation?: Named;
  heads?: NetHead[];
  span: Span;
}

/** `loc: D`, `scale: D positive`, `rate: D interval(lo, hi)`. */
export interface NetHead {
  name: Named;
  size: Expr;
  constraint?: Named;
  /**
   * The constant arguments written in parentheses after the constraint name (the bounds of
   * `interval(lo, hi)`), each with its own span; undefined when there are no parentheses.
   */
  constraintArgs?: Expr[];
  /** From the head's name to its size, constraint name or closing parenthesis. */
  span: Span;
}

export interface ModelBlock {
  kind: 'model';
  body: Stmt[];
  span: Span;
}

export interface GuideBlock {
  kind: 'guide';
  body: Stmt[];
  span: Span;
}

// ---------------------------------------------------------------- statements

export type Stmt = LetStmt | SampleStmt | ForStmt | FactorStmt;

/**
 * `for t in 1:T { ... }`: the body once per integer t from `from` up to `to` - 1, in order
 * (a time axis: step t may read what steps before it drew).
 */
export interface ForStmt {
  kind: 'for';
  variable: Named;
  from: Expr;
  to: Expr;
  body: Stmt[];
  span: Span;
}

/** `factor(expr) @scale(...)`: an extra term log-density added to the model (Stan's `target +=`). */
export interface FactorStmt {
  kind: 'factor';
  value: Expr;
  annotations: Annotation[];
  span: Span;
}

/** `let q = encoder(x)` */
export interface LetStmt {
  kind: 'let';
  name: Named;
  value: Expr;
  span: Span;
}

/**
 * `z ~ Normal(q.loc, q.scale) @score` : a sample site. In the model a site on a latent is its
 * prior, a site on data is the likelihood; in the guide a site on a latent is its variational
 * distribution. `dist.args` is undefined for a bare name (`z ~ auto`).
 */
export interface SampleStmt {
  kind: 'sample';
  target: Named;
  /** `z[t] ~ ...`: the element of the target this site draws (along its first axis). */
  index?: Expr;
  dist: DistExpr;
  annotations: Annotation[];
  span: Span;
  /**
   * Not written by the user: the checker's `name ~ auto` for a latent the guide block does not
   * mention (lang/checker/rules/implicit-guides.ts). Its spans are the latent's declaration.
   */
  implicit?: true;
}

export interface DistExpr {
  name: Named;
  args?: Arg[];
  /** `auto(fullrank)`: the options of an automatic guide (then `args` is undefined). */
  autoOptions?: Arg[];
  span: Span;
}

/** `@score`, `@enumerate`, `@baseline(b(x))`: per-site options that later rules interpret. */
export interface Annotation {
  name: Named;
  args: Arg[];
  span: Span;
}

// ---------------------------------------------------------------- the file

export interface Program {
  file: string;
  source: string;
  decls: Decl[];
}
