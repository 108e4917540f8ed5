// A program that passed the checker: names resolved, constants folded to numbers, shapes known.
// This is the compiler's only input; it never looks at unchecked syntax.
import type { Expr, NetDecl, Program, SampleStmt, Stmt, DataDecl, LatentDecl, ParamDecl } from './ast.js';
import type { Support } from '../runtime/support.js';
import type { DistSpec } from '../runtime/distributions/spec.js';

/** Static shape of one data point's value (the event shape); [] is a scalar. */
export type Shape = readonly number[];

export interface DataInfo {
  name: string;
  shape: Shape;
  support: Support;
  decl: DataDecl;
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
  /** Initial value in the constrained space (a constant, broadcast to the shape). */
  init: number;
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
  family: 'mlp';
  /** Layer sizes from input to the last layer (for a net with heads: to the trunk output). */
  layers: readonly number[];
  activation: string;
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
  /** The site's event shape (the declared shape of the target). */
  shape: Shape;
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
}
