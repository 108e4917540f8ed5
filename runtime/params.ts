// The named parameter store: every learnable value of a program (params and net weights) as a
// tf.Variable in unconstrained space, with the bijection to its constrained value.
import { tf, type Tensor } from './tf.js';
import { UserError } from '../lang/diagnostics.js';

export type Constraint = 'real' | 'positive' | 'unit';

interface Entry {
  variable: tf.Variable;
  constraint: Constraint;
}

/** A parameter as written to a checkpoint (unconstrained values). */
export interface SavedParam {
  name: string;
  shape: number[];
  constraint: Constraint;
  values: Float32Array;
}

/** Unconstrained value u with constrain(u) = v. */
export function unconstrain(v: number, c: Constraint): number {
  switch (c) {
    case 'real':
      return v;
    case 'positive':
      // softplus^-1(v) = log(exp(v) - 1), written to stay finite for large v
      return v > 20 ? v : Math.log(Math.expm1(v));
    case 'unit':
      return Math.log(v) - Math.log1p(-v);
  }
}

export function constrain(u: Tensor, c: Constraint): Tensor {
  switch (c) {
    case 'real':
      return u;
    case 'positive':
      return tf.softplus(u);
    case 'unit':
      return tf.sigmoid(u);
  }
}

let storeCount = 0;

export class ParamStore {
  private readonly entries = new Map<string, Entry>();
  /** tfjs keeps one global registry of variable names; a prefix keeps two stores apart. */
  private readonly prefix = `s${storeCount++}:`;

  /** Create a parameter from its initial value in the constrained space. */
  create(name: string, shape: readonly number[], init: Float32Array | number, constraint: Constraint = 'real'): void {
    if (this.entries.has(name)) throw new Error(`internal: parameter '${name}' created twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const v = typeof init === 'number' ? init : init[i]!;
      values[i] = unconstrain(v, constraint);
    }
    const initial = tf.tensor(values, [...shape], 'float32');
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

  /** The constrained value (a new tensor unless the constraint is 'real'). */
  value(name: string): Tensor {
    const e = this.entries.get(name);
    if (!e) throw new Error(`internal: unknown parameter '${name}'`);
    return constrain(e.variable, e.constraint);
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
      tf.tidy(() => e.variable.assign(tf.tensor(p.values, p.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }
}
