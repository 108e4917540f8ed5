// The named parameter store: every learnable value of a program (params and net weights) as a
// tf.Variable in unconstrained space, with the bijection to its constrained value.
// The bijections themselves live in constraints.ts.
import { tf, type Tensor } from './tf.js';
import { UserError } from './errors.js';
import { bijection, describeConstraint, type Constraint } from './constraints.js';

export type { Constraint } from './constraints.js';

interface Entry {
  variable: tf.Variable;
  constraint: Constraint;
}

/** A parameter as written to a checkpoint (unconstrained values, of the unconstrained shape). */
export interface SavedParam {
  name: string;
  shape: number[];
  constraint: Constraint;
  values: Float32Array;
}

/** Unconstrained value u with constrain(u) = v, for a scalar constraint (not the simplex, whose points are vectors). */
export function unconstrain(v: number, c: Constraint): number {
  if (c === 'simplex') throw new Error('internal: unconstrain() takes one number; a simplex point is a vector (use bijection(c).inverseValues)');
  return bijection(c).inverseValues([v], [])[0]!;
}

/** The constrained value of the unconstrained `u` (the bijection's forward map). */
export function constrain(u: Tensor, c: Constraint): Tensor {
  return bijection(c).forward(u);
}

/**
 * The constrained initial values of a param of `shape` from its init: broadcast; for the simplex
 * normalized along the last axis (so any positive constant gives the uniform point 1/K).
 */
function initialValues(shape: readonly number[], init: Float32Array | number, c: Constraint): Float64Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = typeof init === 'number' ? init : init[i]!;
  if (c === 'simplex') {
    const k = shape[shape.length - 1] ?? 1;
    for (let row = 0; row < size; row += k) {
      let sum = 0;
      for (let i = row; i < row + k; i++) sum += values[i]!;
      for (let i = row; i < row + k; i++) values[i] = values[i]! / sum;
    }
  }
  return values;
}

/**
 * Stores made so far in this process, kept on globalThis: tfjs has one registry of variable
 * names per process, shared by every copy of this module that a process may load.
 */
const STORES = Symbol.for('ppl-vi.param-stores');

function nextStoreId(): number {
  const g = globalThis as { [STORES]?: number };
  const id = g[STORES] ?? 0;
  g[STORES] = id + 1;
  return id;
}

export class ParamStore {
  private readonly entries = new Map<string, Entry>();
  /** tfjs keeps one global registry of variable names; a prefix keeps two stores apart. */
  private readonly prefix = `p${nextStoreId()}:`;

  /**
   * Create a parameter from its initial value in the constrained space. The variable holds the
   * unconstrained value, whose shape differs from `shape` for the simplex (last axis K - 1).
   */
  create(name: string, shape: readonly number[], init: Float32Array | number, constraint: Constraint = 'real'): void {
    if (this.entries.has(name)) throw new Error(`internal: parameter '${name}' created twice`);
    const b = bijection(constraint);
    const values = b.inverseValues(initialValues(shape, init, constraint), shape);
    for (const v of values) {
      if (!Number.isFinite(v)) throw new Error(`internal: the init of parameter '${name}' is outside its constraint ${describeConstraint(constraint)}`);
    }
    const initial = tf.tensor(values, b.unconstrainedShape(shape), 'float32');
    const variable = tf.variable(initial, true, this.prefix + name);
    initial.dispose();
    this.entries.set(name, { variable, constraint });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The raw (unconstrained) variable. */
  variable(name: string): tf.Variable {
    const e = this.entries.get(name);
    if (!e) throw new Error(`internal: unknown parameter '${name}'`);
    return e.variable;
  }

  /** The constrained value (a new tensor unless the constraint is 'real'), of the declared shape. */
  value(name: string): Tensor {
    const e = this.entries.get(name);
    if (!e) throw new Error(`internal: unknown parameter '${name}'`);
    return bijection(e.constraint).forward(e.variable);
  }

  constraint(name: string): Constraint {
    const e = this.entries.get(name);
    if (!e) throw new Error(`internal: unknown parameter '${name}'`);
    return e.constraint;
  }

  /** The store's name of a tfjs variable name (as optimizers report them), or undefined. */
  paramNameOf(variableName: string): string | undefined {
    return variableName.startsWith(this.prefix) ? variableName.slice(this.prefix.length) : undefined;
  }

  variableNameOf(name: string): string {
    return this.prefix + name;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The unconstrained (stored) shape of a parameter. */
  storedShape(name: string): readonly number[] {
    return this.variable(name).shape;
  }

  variables(): tf.Variable[] {
    return [...this.entries.values()].map((e) => e.variable);
  }

  /** Total number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.variable.size;
    return n;
  }

  snapshot(): SavedParam[] {
    return [...this.entries].map(([name, e]) => ({
      name,
      shape: [...e.variable.shape],
      constraint: e.constraint,
      values: e.variable.dataSync() as Float32Array,
    }));
  }

  /** Load saved values; every parameter must be present with the same shape. */
  restore(saved: readonly SavedParam[], origin: string): void {
    const byName = new Map(saved.map((p) => [p.name, p]));
    for (const [name, e] of this.entries) {
      const p = byName.get(name);
      if (!p) throw new UserError(`${origin}: has no parameter '${name}' (was it written for another model?)`);
      if (p.shape.join(',') !== e.variable.shape.join(',')) {
        throw new UserError(`${origin}: parameter '${name}' has shape [${p.shape.join(', ')}], the model needs [${e.variable.shape.join(', ')}]`);
      }
      if (describeConstraint(p.constraint) !== describeConstraint(e.constraint)) {
        throw new UserError(`${origin}: parameter '${name}' is saved with constraint ${describeConstraint(p.constraint)}, the model declares ${describeConstraint(e.constraint)}`);
      }
      const bad = p.values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new UserError(`${origin}: parameter '${name}' has the non-finite value ${p.values[bad]} at index ${bad}`);
      tf.tidy(() => e.variable.assign(tf.tensor(p.values, p.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }
}
