// A program that passed the checker: names resolved, constants folded to numbers, shapes known.
// This is the compiler's only input; it never looks at unchecked syntax.
import type { ArrayLit, IndexItem, Expr, FactorStmt, ForStmt, NetDecl, Program, SampleStmt, Stmt, DataDecl, LatentDecl, ParamDecl } from './ast.js';

import type { Support } from '../runtime/support.js';
import type { DistSpec } from '../runtime/distributions/spec.js';

/** Static shape of one data point's value (the event shape); [] is a scalar. */
export type Shape = readonly number[];

/** A constant array (`const mu0 = [1, 2, 3]`), row-major. */
export interface ConstArray {
  shape: Shape;
  values: readonly number[];
}

/** How a param starts: one value broadcast, values per element, or a seeded random draw per element. */
export type ParamInit =
  | { kind: 'value'; value: number }
  | { kind: 'array'; array: ConstArray }
  | { kind: 'random'; dist: 'normal' | 'uniform'; a: number; b: number };


/** The range of a `for` loop, folded: t from `from` to `to` - 1. */
export interface LoopRange {
  from: number;
  to: number;
}

/** A Markov chain's statements: the top-level model statements from `z[0] ~` through its loop. */
export interface ChainShape {
  first: number;
  last: number;
}

/** How a non-constant index picks: the loop variable plus an offset, or a gather by integer values. */
export type IndexKind = { kind: 'loop'; loop: ForStmt; offset: number } | { kind: 'gather' };

/** Which element of its target a `z[i] ~` site draws: a constant index, or the loop variable. */
export type SiteElement = { kind: 'at'; at: number } | { kind: 'loop'; loop: ForStmt; range: LoopRange };

export interface DataInfo {
  name: string;
  shape: Shape;
  support: Support;
  decl: DataDecl;
  /** Declared `missing`: entries may be absent, and where one is, it is a latent. */
  missing: boolean;
}

export type Plate = 'local' | 'global';


export interface LatentInfo {
  name: string;
  plate: Plate;
  shape: Shape;
  support: Support;
  decl: LatentDecl;
  /** The model's `~` on this latent. */
  prior: SampleStmt;
  /** The guide's `~` on this latent as written; absent when the guide block does not mention it. */
  guide?: SampleStmt;
  /** Summed out exactly in the model over its finite support (@enumerate). */
  enumerated: boolean;
  /**
   * Not in the guide block and not summed out: lowering gives it an automatic guide (the checker
   * has checked that its support has one).
   */
  implicitGuide: boolean;
}

export interface ParamInfo {
  name: string;
  shape: Shape;
  /** The constraint of the value (real, positive or unit); optimized in unconstrained space. */
  constraint: Support;
  /** Initial values in the constrained space: a constant or an array broadcast to the shape, or a seeded draw. */
  init: ParamInit;
  decl: ParamDecl;
}

export interface NetHeadInfo {
  name: string;
  size: number;
  /** real (identity), positive (softplus), unit (sigmoid), interval(lo, hi) (scaled sigmoid) or simplex (softmax). */
  constraint: Support;
}

export interface NetInfo {
  name: string;
  /** A name in the net-family registry (lang/nets/registry.ts). */
  family: string;
  /** The family's spec: its layers, activation and options, as its check folded them. */
  spec: object;
  heads?: readonly NetHeadInfo[];
  decl: NetDecl;
}

export interface SiteInfo {
  stmt: SampleStmt;
  block: 'model' | 'guide';
  /** The variable sampled or observed. */
  target: string;
  targetKind: 'latent' | 'data';
  plate: Plate;
  dist: DistSpec;
  /** Parameter names of the chosen parameterization, in the order the args were given. */
  argNames: readonly string[];
  /** The site's event shape (the declared shape of the target, without its first axis for an element). */
  shape: Shape;
  /** `z[i] ~ ...`: the element of the target drawn (absent: the whole value). */
  element?: SiteElement;
}

/** A `factor(expr)` statement: local when its value changes with the data point. */
export interface FactorInfo {
  stmt: FactorStmt;
  plate: Plate;
}

export interface CheckedProgram {
  file: string;
  source: string;
  ast: Program;
  consts: ReadonlyMap<string, number>;
  data: readonly DataInfo[];
  latents: readonly LatentInfo[];
  params: readonly ParamInfo[];
  nets: readonly NetInfo[];
  model: readonly Stmt[];
  guide: readonly Stmt[];
  /** Every `~` of both blocks, in source order. */
  sites: readonly SiteInfo[];
  /** Static event shape of every expression the checker typed. */
  shapes: ReadonlyMap<Expr, Shape>;
  factors: readonly FactorInfo[];
  /** Folded loop ranges. */
  loops: ReadonlyMap<ForStmt, LoopRange>;
  /** Array consts by name, and array literals in blocks, folded. */
  constArrays: ReadonlyMap<string, ConstArray>;
  arrays: ReadonlyMap<ArrayLit, ConstArray>;
  /** Latents summed out as Markov chains: the top-level model statements they span. */
  chains: ReadonlyMap<string, ChainShape>;
  /** The identifiers that name a loop variable. */
  loopVarRefs: ReadonlySet<Expr>;
  /** How every non-constant index picks. */
  indexKinds: ReadonlyMap<IndexItem, IndexKind>;
}
