// Expressions compile once, at load time, to closures over tfjs ops; running a block only calls
// closures. No user text ever becomes JavaScript source.
import { tf, type Tensor } from '../../runtime/tf.js';
import type { Expr, IndexItem } from '../ast.js';
import type { CheckedProgram } from '../checked.js';
import type { ParamStore } from '../../runtime/params.js';
import type { Mlp, NetOutput } from '../../runtime/nets.js';
import { alignEvents, constant, EVENT_AXIS, fromGlobal } from './layout.js';
import { ELEMENTWISE, concatEvent, matmulEvent, oneHotEvent, reduceEvent } from './functions.js';
import { applyBinary } from '../arithmetic.js';

export type RtValue = Tensor | Readonly<Record<string, Tensor>>;

/** What a running block sees: data, sampled latents and lets by name, and the learnables. */
export interface Env {
  readonly values: Map<string, RtValue>;
  readonly params: ParamStore;
  readonly nets: ReadonlyMap<string, Mlp>;
}

export type Compiled = (env: Env) => RtValue;
export type CompiledTensor = (env: Env) => Tensor;

export function isTensor(v: RtValue): v is Tensor {
  return v instanceof tf.Tensor;
}

function asTensor(v: RtValue, what: string): Tensor {
  if (isTensor(v)) return v;
  throw new Error(`internal: ${what} is a net output with heads, not a tensor (the checker should have caught this)`);
}

/** Fold a constant expression (numbers, consts, arithmetic) to a number. */
export function foldNumber(e: Expr, consts: ReadonlyMap<string, number>): number {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'ident': {
      const v = consts.get(e.name);
      if (v === undefined) throw new Error(`internal: '${e.name}' is not a constant`);
      return v;
    }
    case 'unary':
      return -foldNumber(e.operand, consts);
    case 'binary':
      return applyBinary(e.op, foldNumber(e.left, consts), foldNumber(e.right, consts));
    default:
      throw new Error(`internal: expression at ${e.span.line}:${e.span.column} is not constant`);
  }
}

const BINARY: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  '+': (a, b) => tf.add(a, b),
  '-': (a, b) => tf.sub(a, b),
  '*': (a, b) => tf.mul(a, b),
  '/': (a, b) => tf.div(a, b),
  '^': (a, b) => tf.pow(a, b),
};

export class ExpressionCompiler {
  private readonly paramNames: Set<string>;
  private readonly netNames: Set<string>;

  constructor(private readonly program: CheckedProgram) {
    this.paramNames = new Set(program.params.map((p) => p.name));
    this.netNames = new Set(program.nets.map((n) => n.name));
  }

  compile(e: Expr): Compiled {
    switch (e.kind) {
      case 'num': {
        const v = e.value;
        return () => constant(v);
      }
      case 'ident':
        return this.ident(e.name);
      case 'unary': {
        const inner = this.tensor(e.operand);
        return (env) => tf.neg(inner(env));
      }
      case 'binary': {
        const left = this.tensor(e.left);
        const right = this.tensor(e.right);
        const op = BINARY[e.op]!;
        return (env) => {
          const [a, b] = alignEvents(left(env), right(env));
          return op(a, b);
        };
      }
      case 'call':
        return this.call(e);
      case 'field': {
        const object = this.compile(e.object);
        const field = e.field.name;
        return (env) => {
          const v = object(env);
          if (isTensor(v) || !v[field]) throw new Error(`internal: no head '${field}'`);
          return v[field];
        };
      }
      case 'index':
        return this.index(e.object, e.indices);
    }
  }

  tensor(e: Expr): CompiledTensor {
    const c = this.compile(e);
    const where = `expression at ${e.span.line}:${e.span.column}`;
    return (env) => asTensor(c(env), where);
  }

  private ident(name: string): Compiled {
    const c = this.program.consts.get(name);
    if (c !== undefined) return () => constant(c);
    if (this.paramNames.has(name)) return (env) => fromGlobal(env.params.value(name));
    return (env) => {
      const v = env.values.get(name);
      if (!v) throw new Error(`internal: '${name}' has no value here`);
      return v;
    };
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Compiled {
    const name = e.callee.name;
    const positional = e.args.filter((a) => !a.name).map((a) => this.tensor(a.value));
    if (this.netNames.has(name)) {
      const input = positional[0]!;
      return (env): NetOutput => {
        const net = env.nets.get(name);
        if (!net) throw new Error(`internal: net '${name}' was not built`);
        return net.apply(input(env));
      };
    }
    const elementwise = ELEMENTWISE.get(name);
    if (elementwise) {
      const x = positional[0]!;
      return (env) => elementwise(x(env));
    }
    if (name === 'sum' || name === 'mean') {
      const x = positional[0]!;
      const axisArg = e.args.find((a) => a.name?.name === 'axis');
      const axis = axisArg ? foldNumber(axisArg.value, this.program.consts) : undefined;
      return (env) => reduceEvent(name, x(env), axis);
    }
    if (name === 'matmul') {
      const [a, b] = positional as [CompiledTensor, CompiledTensor];
      return (env) => matmulEvent(a(env), b(env));
    }
    if (name === 'one_hot') {
      const shape = this.program.shapes.get(e);
      if (!shape) throw new Error(`internal: no shape for one_hot at ${e.span.line}:${e.span.column}`);
      const x = positional[0]!;
      const classes = shape[shape.length - 1]!;
      return (env) => oneHotEvent(x(env), classes);
    }
    if (name === 'concat') {
      const rank = this.program.shapes.get(e)?.length;
      if (rank === undefined) throw new Error(`internal: no shape for concat at ${e.span.line}:${e.span.column}`);
      const axisArg = e.args.find((a) => a.name?.name === 'axis');
      const axis = axisArg ? foldNumber(axisArg.value, this.program.consts) : rank - 1;
      return (env) => concatEvent(positional.map((p) => p(env)), axis);
    }
    throw new Error(`internal: no runtime implementation of function '${name}'`);
  }

  private index(objectExpr: Expr, items: readonly IndexItem[]): Compiled {
    const object = this.tensor(objectExpr);
    const consts = this.program.consts;
    type Part = { kind: 'at'; at: number } | { kind: 'slice'; start?: number; end?: number };
    const parts = items.map(
      (it): Part =>
        it.kind === 'at'
          ? { kind: 'at', at: foldNumber(it.value, consts) }
          : { kind: 'slice', start: it.start ? foldNumber(it.start, consts) : undefined, end: it.end ? foldNumber(it.end, consts) : undefined },
    );
    return (env) => {
      const x = object(env);
      const begin = x.shape.map(() => 0);
      const size = x.shape.map(() => -1);
      const squeeze: number[] = [];
      parts.forEach((p, k) => {
        const axis = EVENT_AXIS + k;
        const dim = x.shape[axis]!;
        if (p.kind === 'at') {
          begin[axis] = p.at < 0 ? dim + p.at : p.at;
          size[axis] = 1;
          squeeze.push(axis);
        } else {
          const s = p.start === undefined ? 0 : p.start < 0 ? dim + p.start : p.start;
          const t = p.end === undefined ? dim : p.end < 0 ? dim + p.end : p.end;
          begin[axis] = s;
          size[axis] = t - s;
        }
      });
      const sliced = tf.slice(x, begin, size);
      return squeeze.length ? tf.squeeze(sliced, squeeze) : sliced;
    };
  }
}
