// Lowered expressions compile once, at load time, to closures over tfjs ops; running a block
// only calls closures. No user text ever becomes JavaScript source.
import { tf, type Tensor } from '../../runtime/tf.js';
import type { ParamStore } from '../../runtime/params.js';
import type { NetModule, NetOutput } from '../../runtime/nets.js';
import { send, type Stack } from '../../runtime/effects/messages.js';
import { alignEvents, constant, EVENT_AXIS, fromGlobal } from '../../runtime/layout.js';
import type { IndexPart, LExpr } from '../lower/program.js';
import { COMPARISON_OPS } from '../ast.js';
import { ELEMENTWISE, KERNELS, compareKernel, concatEvent, gatherEvent, stackEvent, joinedDataInput, matmulEvent, oneHotEvent, reduceEvent } from '../../runtime/functions.js';

export type RtValue = Tensor | Readonly<Record<string, Tensor>>;

/** What a running block sees: data, draws and lets by name, the learnables, and its handlers. */
export interface Env {
  readonly values: Map<string, RtValue>;
  readonly params: ParamStore;
  readonly nets: ReadonlyMap<string, NetModule>;
  readonly stack: Stack;
  /** The current value of each running loop's variable. */
  readonly loops: Map<string, number>;
  /** The elements drawn so far of values drawn element by element (`z[t] ~ ...`), by name. */
  readonly elements: Map<string, (Tensor | undefined)[]>;
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
  ...Object.fromEntries(COMPARISON_OPS.map((op) => [op, compareKernel(op)])),
};

export function compileExpr(e: LExpr): Compiled {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => constant(v);
    }
    case 'tensor': {
      const { shape, values } = e;
      return () => tf.tensor(values as number[], [1, 1, ...shape], 'float32');
    }
    case 'observed': {
      const name = e.name;
      return (env) => send(env.stack, { type: 'observed', name, stop: false }).value;
    }
    case 'stack': {
      const parts = e.parts.map(compileTensor);
      return (env) => stackEvent(parts.map((p) => p(env)));
    }
    case 'loopVar': {
      const name = e.name;
      return (env) => constant(loopValue(env, name));
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
    case 'linear': {
      const x = compileTensor(e.input);
      const w = compileTensor(e.weight);
      return (env) => {
        const v = x(env);
        const m = w(env);
        const [rows, cols] = m.shape.slice(-2) as [number, number];
        const lead = v.shape.slice(0, -1);
        return tf.reshape(tf.matMul(tf.reshape(v, [-1, rows]), tf.reshape(m, [rows, cols])), [...lead, cols]);
      };
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
    case 'kernel': {
      const kernel = KERNELS.get(e.fn);
      if (!kernel) throw new Error(`internal: no kernel for function '${e.fn}'`);
      const args = e.args.map(compileTensor);
      const call = e.call;
      return (env) => kernel(args.map((a) => a(env)), call);
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
      return compileIndex(e.object, e.parts);
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

function loopValue(env: Env, name: string): number {
  const t = env.loops.get(name);
  if (t === undefined) throw new Error(`internal: loop variable '${name}' read outside its loop`);
  return t;
}

/** The position a constant or loop index picks on an axis of size `dim` (negative counts from the end). */
function position(env: Env, p: IndexPart, dim: number): number {
  const at = p.kind === 'at' ? p.at : p.kind === 'loop' ? loopValue(env, p.variable) + p.offset : 0;
  return at < 0 ? dim + at : at;
}

/**
 * Indexing. An element of a value drawn element by element is read where it was stored (the
 * whole value may not exist yet); constant, loop and slice parts become one slice; a gather by
 * integer values (at most one) comes last, on its axis among those left.
 */
function compileIndex(objectExpr: LExpr, parts: readonly IndexPart[]): Compiled {
  const object = compileTensor(objectExpr);
  const gatherAt = parts.findIndex((p) => p.kind === 'gather');
  const gatherPart = gatherAt >= 0 ? parts[gatherAt]! : undefined;
  const gatherIndex = gatherPart?.kind === 'gather' ? compileTensor(gatherPart.index) : undefined;
  const stored = objectExpr.kind === 'ref' && (parts[0]?.kind === 'at' || parts[0]?.kind === 'loop') ? objectExpr.name : undefined;
  const rest = compileSlices(parts.slice(1));
  const all = compileSlices(parts);
  return (env) => {
    let x: Tensor;
    if (stored !== undefined && env.elements.has(stored)) {
      const elements = env.elements.get(stored)!;
      const v = elements[position(env, parts[0]!, elements.length)];
      if (!v) throw new Error(`internal: element ${position(env, parts[0]!, elements.length)} of '${stored}' is read before it is drawn`);
      x = rest(env, v);
    } else x = all(env, object(env));
    if (!gatherIndex) return x;
    // The gather's axis among the axes left after the slices dropped theirs.
    const dropped = parts.slice(0, gatherAt).filter((p) => p.kind !== 'slice').length;
    return gatherEvent(x, gatherIndex(env), gatherAt - dropped);
  };
}

/** Constant, loop and slice parts on the event axes from the first (gathers keep their axis whole). */
function compileSlices(parts: readonly IndexPart[]): (env: Env, x: Tensor) => Tensor {
  if (parts.length === 0) return (_env, x) => x;
  return (env, x) => {
    const begin = x.shape.map(() => 0);
    const size = x.shape.map(() => -1);
    const squeeze: number[] = [];
    parts.forEach((p, k) => {
      const axis = EVENT_AXIS + k;
      const dim = x.shape[axis]!;
      if (p.kind === 'at' || p.kind === 'loop') {
        begin[axis] = position(env, p, dim);
        size[axis] = 1;
        squeeze.push(axis);
      } else if (p.kind === 'slice') {
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
