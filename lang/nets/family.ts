// A net family is one entry: its syntax, its check (layers folded into a spec), the shape it
// maps, its size for the memory limits, and its docs. The checker, lowering, the docs table and
// the editor vocabulary read the registry (registry.ts); the compiler builds the family's
// runtime module from the same name (lang/compiler/net-builders.ts). No TensorFlow.js here: the
// checker runs without it.
import type { Expr, Named, NetDecl } from '../ast.js';
import type { Shape } from '../checked.js';
import type { Activation } from '../../runtime/activations.js';

/** What a family's check is given: the declaration and helpers that report located errors. */
export interface NetCheck {
  readonly decl: NetDecl;
  readonly name: string;
  /** A layer size: a positive integer constant, or undefined after reporting why not. */
  size(e: Expr, what: string): number | undefined;
  /** The words after layer i's size (empty when none). */
  options(i: number): readonly Named[];
  /** The declared activation (default relu), or undefined after reporting an unknown one. */
  activation(): Activation | undefined;
  error(code: string, at: { span: NetDecl['span'] }, message: string): void;
}

/** The shape a net maps: the output without heads, and the leading axes each head keeps. */
export type NetCallShape = { ok: true; output: Shape; headLead: Shape } | { ok: false; message: string };

export interface NetFamily<S extends object> {
  name: string;
  /** One line for the docs table. */
  summary: string;
  /** A declaration using it, for the docs table and messages. */
  example: string;
  /** Whether `-> { loc: D, scale: D positive }` may follow (dense heads on the trunk). */
  takesHeads: boolean;
  /** The family's part of the declaration folded and checked; undefined after an error. */
  check(c: NetCheck): S | undefined;
  /** The width of the trunk the heads read (per point). */
  trunkWidth(spec: S): number;
  /** The shape of net(x) for x of shape `input` (particles and batch axes excluded). */
  call(spec: S, input: Shape, net: string): NetCallShape;
  /** Weights and biases, heads excluded. */
  parameterCount(spec: S): number;
  /**
   * The values one data point carries through each layer, for the memory limits: `units` for a
   * dense layer's width, else a feature map's; `layer` the declaration's layer it belongs to.
   */
  widths(spec: S): readonly NetWidth[];
  /** The declaration as the checker understood it: `mlp(784 -> 400, relu)`. */
  describe(spec: S): string;
}

export interface NetWidth {
  width: number;
  what: string;
  /** Index into the declaration's layers. */
  layer: number;
  units: boolean;
}

/** The family with its spec type erased, as the registry holds it. */
export type AnyNetFamily = NetFamily<object>;

export function family<S extends object>(f: NetFamily<S>): AnyNetFamily {
  return f as unknown as AnyNetFamily;
}

/** The layers' sizes, for describe: `784 -> 400`. */
export function arrow(parts: readonly (string | number)[]): string {
  return parts.join(' -> ');
}

export function formatShape(s: Shape): string {
  return `[${s.join(', ')}]`;
}
