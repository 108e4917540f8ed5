// The lowered program: what the compiler and every later stage read. Every site carries its
// estimator rule, enumeration, baseline and plate; automatic guides are already ordinary sites
// over generated parameters and nets; expressions are a small tree with constants folded.
// Nothing downstream reads annotations, AST nodes or the checker's tables.
import type { Support } from '../../runtime/support.js';
import type { Constraint } from '../../runtime/constraints.js';
import type { DistSpec } from '../../runtime/distributions/spec.js';
import type { EstimatorKind, EstimatorRule, Plate } from '../../runtime/effects/messages.js';
import type { BinaryOp } from '../ast.js';
import type { KernelCall } from '../../runtime/functions.js';

export type Shape = readonly number[];

/** An expression over the [particles, batch, ...event] layout. */
export type LExpr =
  | { kind: 'const'; value: number }
  /** A constant array (row-major values), as an event value [1, 1, ...shape]. */
  | { kind: 'tensor'; shape: Shape; values: readonly number[] }
  /** The current value of a loop's variable. */
  | { kind: 'loopVar'; name: string }
  /** 1 where an entry of data `name` is observed, 0 where it is missing (observed(x)). */
  | { kind: 'observed'; name: string }
  /** Values of one shape stacked on a new first event axis (`[a, b]` with a non-constant element). */
  | { kind: 'stack'; parts: readonly LExpr[] }
  /** A data value, a latent's draw or a let binding, by name. */
  | { kind: 'ref'; name: string }
  | { kind: 'param'; name: string }
  | { kind: 'neg'; operand: LExpr }
  | { kind: 'binary'; op: BinaryOp; left: LExpr; right: LExpr }
  /** An elementwise built-in (exp, log, softplus, ...). */
  | { kind: 'apply'; fn: string; operand: LExpr }
  | { kind: 'reduce'; op: 'sum' | 'mean'; operand: LExpr; axis?: number }
  | { kind: 'matmul'; left: LExpr; right: LExpr }
  /** A vector per particle and data point times one matrix shared by all ([D] x [D, H] -> [H]): one 2-D product (generated flow layers). */
  | { kind: 'linear'; input: LExpr; weight: LExpr }
  | { kind: 'oneHot'; operand: LExpr; classes: number }
  | { kind: 'concat'; parts: readonly LExpr[]; axis: number }
  /** A registry function of kind `kernel` (lang/builtins.ts): its tensor arguments and what the checker knows of the call. */
  | { kind: 'kernel'; fn: string; args: readonly LExpr[]; call: KernelCall }
  | { kind: 'net'; net: string; input: LExpr }
  | { kind: 'field'; object: LExpr; field: string }
  | { kind: 'index'; object: LExpr; parts: readonly IndexPart[] }
  /** Every data value flattened and joined: the input of a generated net that reads a data point. */
  | { kind: 'joinData'; names: readonly string[] }
  /** The event axes reshaped to `shape` (a generated head's flat output to the latent's shape). */
  | { kind: 'reshapeEvent'; operand: LExpr; shape: Shape };

export type IndexPart =
  | { kind: 'at'; at: number }
  | { kind: 'slice'; start?: number; end?: number }
  /** The current value of a loop's variable plus a constant. */
  | { kind: 'loop'; variable: string; offset: number }
  /** Entries picked by integer values, per particle and data point (with gradients to the indexed value). */
  | { kind: 'gather'; index: LExpr };

export interface LoweredData {
  name: string;
  shape: Shape;
  support: Support;
  /** Has a `~` in the model (generated), rather than read as an input only. */
  modelled: boolean;
  /** Entries may be missing; where one is, it is a latent (proposed by a guide site or summed out). */
  missing: boolean;
  /** A guide site proposes the missing entries (else they are summed out: they count nothing). */
  proposed: boolean;
  /** The model sums the missing entries out over their values (@enumerate on its site). */
  enumerated?: boolean;
}

export interface LoweredLatent {
  name: string;
  plate: Plate;
  shape: Shape;
  support: Support;
  /** Summed out exactly in the model (@enumerate). */
  enumerated: boolean;
  /** The distribution family of its prior and of its guide (absent when summed out). */
  prior: string;
  guide?: string;
  /** How its guide came about: written by the user, `~ auto`, or implicit (not in the guide block). */
  guideSource?: 'written' | 'auto' | 'implicit';
  /** `~ auto(fullrank)`: the automatic guide's option. */
  autoOption?: string;
  /** Summed out element by element along its first axis by the forward algorithm (a Markov chain). */
  chain?: boolean;
}

export interface LoweredParam {
  name: string;
  shape: Shape;
  constraint: Constraint;
  /** Initial value in the constrained space, broadcast to the shape. */
  init: number;
  /** Initial values per element in the constrained space (row-major, broadcast to the shape), instead of `init`. */
  initValues?: { shape: Shape; values: readonly number[] };
  /** A seeded random draw per element in the constrained space, instead of `init`. */
  initRandom?: { dist: 'normal' | 'uniform'; a: number; b: number };
  /** Start at init plus a uniform draw of this half-width in unconstrained space, per element. */
  jitter?: number;
  /** The label of its random initial values' stream, under the program's init seed. */
  initStream?: string;
  /** Generated for an automatic guide. */
  generated: boolean;
}

export interface LoweredHead {
  name: string;
  size: number;
  constraint: Constraint;
}

export interface LoweredNet {
  name: string;
  /** A name in the net-family registry (lang/nets/registry.ts). */
  family: string;
  /** The family's spec (lang/nets/), e.g. an mlp's layers and activation. */
  spec: object;
  heads?: readonly LoweredHead[];
  /** The label of its initial weights' stream, under the program's init seed. */
  initStream: string;
  generated: boolean;
}

export interface LoweredArg {
  name: string;
  value: LExpr;
  /** Rank the argument is padded to: particle and batch axes, the site's batch of events, its own event axes. */
  rank: number;
}

export interface LoweredSite {
  kind: 'sample';
  name: string;
  block: 'model' | 'guide';
  target: 'latent' | 'data';
  plate: Plate;
  shape: Shape;
  dist: DistSpec;
  args: readonly LoweredArg[];
  /** The estimator under the program's mode, and the rule a different mode would apply. */
  estimator: EstimatorKind;
  rule: EstimatorRule;
  /** @enumerate: summed out in the model, or summed over in the guide (each value weighted by its probability). */
  enumerated: boolean;
  /** A guide site's declared input-dependent baseline b(x). */
  baseline?: LExpr;
  /** `z[i] ~`: the element of the target this site draws along its first axis. */
  element?: SiteElement;
  /** `@scale(c)`: the site's terms in the objective count c times. */
  scale?: number;
}

/** The element a site draws, and how many elements its target has along its first axis. */
export type SiteElement = { kind: 'at'; at: number; count: number } | { kind: 'loop'; variable: string; count: number };

/** `for t in from:to { body }`. */
export interface LoweredLoop {
  kind: 'loop';
  variable: string;
  from: number;
  to: number;
  body: readonly LoweredStmt[];
}

/** `factor(value)`: an extra log-density term, summed over its entries. */
export interface LoweredFactor {
  kind: 'factor';
  /** A name for traces: `factor@LINE:COL`. */
  name: string;
  plate: Plate;
  value: LExpr;
  scale?: number;
}

/**
 * A discrete latent drawn element by element along its first axis and summed out by the forward
 * algorithm: `init` draws element 0 (and may observe data that depend on it), `loop` draws
 * element t given element t - 1 (and observes data that depend on them).
 */
export interface LoweredChain {
  kind: 'chain';
  latent: string;
  /** The values of one element (its finite support). */
  values: readonly number[];
  init: readonly LoweredStmt[];
  loop: LoweredLoop;
}

export interface LoweredLet {
  kind: 'let';
  name: string;
  value: LExpr;
}

export type LoweredStmt = LoweredSite | LoweredLet | LoweredLoop | LoweredFactor | LoweredChain;

export interface LoweredProgram {
  file: string;
  /** The source text, for the checkpoint's hash. */
  source: string;
  data: readonly LoweredData[];
  latents: readonly LoweredLatent[];
  params: readonly LoweredParam[];
  nets: readonly LoweredNet[];
  guide: readonly LoweredStmt[];
  model: readonly LoweredStmt[];
}

/** Every sample site of statements, inside loops and chains too, in order. */
export function sitesIn(stmts: readonly LoweredStmt[]): LoweredSite[] {
  const out: LoweredSite[] = [];
  for (const s of stmts) {
    if (s.kind === 'sample') out.push(s);
    else if (s.kind === 'loop') out.push(...sitesIn(s.body));
    else if (s.kind === 'chain') out.push(...sitesIn(s.init), ...sitesIn(s.loop.body));
  }
  return out;
}

/** Every sample site of a block. */
export function sitesOf(program: LoweredProgram, block: 'model' | 'guide'): LoweredSite[] {
  return sitesIn(program[block]);
}
