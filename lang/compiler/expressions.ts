// Lowered expressions compile once, at load time, to closures over tfjs ops; running a block
// only calls closures. No user text ever becomes JavaScript source.
import { tf, type Tensor } from '../../runtime/tf.js';
import type { ParamStore } from '../../runtime/params.js';
import type { Mlp, NetOutput } from '../../runtime/nets.js';
import { send, type Stack } from '../../runtime/effects/messages.js';
import { alignEvents, constant, EVENT_AXIS, fromGlobal } from '../../runtime/layout.js';
import type { IndexPart, LExpr } from '../lower/program.js';
import { ELEMENTWISE, concatEvent, joinedDataInput, matmulEvent, oneHotEvent, reduceEvent } from '../../runtime/functions.js';

export type RtValue = Tensor | Readonly<Record<string, Tensor>>;

/** What a running block sees: data, draws and lets by name, the learnables, and its handlers. */
export interface Env {
  readonly values: Map<string, RtValue>;
  readonly params: ParamStore;
  readonly nets: ReadonlyMap<string, Mlp>;
  readonly stack: Stack;
}

export type Compiled = (env: Env) => RtValue;
export type CompiledTensor = (env: Env) => Tensor;

export function isTensor(v: RtValue): v is Tensor {
  return v instanceof tf.Tensor;
}

function asTensor(v: RtValue): Tensor {
  if (isTensor(v)) return v;
  throw new Error('internal: a net output with heads is used as a tensor (the checker should have caught this)');
}

const BINARY: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  '+': (a, b) => tf.add(a, b),
  '-': (a, b) => tf.sub(a, b),
  '*': (a, b) => tf.mul(a, b),
  '/': (a, b) => tf.div(a, b),
  '^': (a, b) => tf.pow(a, b),
};

export function compileExpr(e: LExpr): Compiled {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => constant(v);
    }
    case 'ref': {
      const name = e.name;
      return (env) => {
        const v = env.values.get(name);
        if (!v) throw new Error(`internal: '${name}' has no value here`);
        return v;
      };
    }
    case 'param': {
      const name = e.name;
      return (env) => fromGlobal(send(env.stack, { type: 'param', name, read: () => env.params.value(name), stop: false }).value);
    }
    case 'neg': {
      const inner = compileTensor(e.operand);
      return (env) => tf.neg(inner(env));
    }
    case 'binary': {
      const left = compileTensor(e.left);
      const right = compileTensor(e.right);
      const op = BINARY[e.op]!;
      return (env) => {
        const [a, b] = alignEvents(left(env), right(env));
        return op(a, b);
      };
    }
    case 'apply': {
      const f = ELEMENTWISE.get(e.fn);
      if (!f) throw new Error(`internal: no runtime implementation of function '${e.fn}'`);
      const x = compileTensor(e.operand);
      return (env) => f(x(env));
    }
    case 'reduce': {
      const x = compileTensor(e.operand);
      const { op, axis } = e;
      return (env) => reduceEvent(op, x(env), axis);
    }
    case 'matmul': {
      const a = compileTensor(e.left);
      const b = compileTensor(e.right);
      return (env) => matmulEvent(a(env), b(env));
    }
    case 'oneHot': {
      const x = compileTensor(e.operand);
      const classes = e.classes;
      return (env) => oneHotEvent(x(env), classes);
    }
    case 'concat': {
      const parts = e.parts.map(compileTensor);
      const axis = e.axis;
      return (env) => concatEvent(parts.map((p) => p(env)), axis);
    }
    case 'net': {
      const input = compileTensor(e.input);
      const name = e.net;
      return (env): NetOutput => {
        const net = env.nets.get(name);
        if (!net) throw new Error(`internal: net '${name}' was not built`);
        return net.apply(input(env));
      };
    }
    case 'field': {
      const object = compileExpr(e.object);
      const field = e.field;
      return (env) => {
        const v = object(env);
        if (isTensor(v) || !v[field]) throw new Error(`internal: no head '${field}'`);
        return v[field];
      };
    }
    case 'index':
      return compileIndex(compileTensor(e.object), e.parts);
    case 'joinData': {
      const names = e.names;
      return (env) =>
        joinedDataInput(
          names.map((d) => {
            const v = env.values.get(d);
            if (!v || !isTensor(v)) throw new Error(`a generated net reads data ${d}, which this run does not provide`);
            return v;
          }),
        );
    }
    case 'reshapeEvent': {
      const x = compileTensor(e.operand);
      const shape = e.shape;
      return (env) => {
        const t = x(env);
        return tf.reshape(t, [t.shape[0]!, t.shape[1]!, ...shape]);
      };
    }
  }
}

export function compileTensor(e: LExpr): CompiledTensor {
  const c = compileExpr(e);
  return (env) => asTensor(c(env));
}

function compileIndex(object: CompiledTensor, parts: readonly IndexPart[]): Compiled {
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
