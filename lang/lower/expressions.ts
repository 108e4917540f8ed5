// Checked expressions to the lowered expression tree: constants folded, names sorted into data
// or draws (ref), params and nets, built-in calls resolved to their operation.
import type { Expr, IndexItem } from '../ast.js';
import type { CheckedProgram } from '../checked.js';
import { applyBinary } from '../arithmetic.js';
import type { IndexPart, LExpr } from './program.js';
import { FUNCTIONS } from '../builtins.js';


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

export class ExpressionLowering {
  private readonly params: ReadonlySet<string>;
  private readonly nets: ReadonlySet<string>;

  constructor(private readonly program: CheckedProgram) {
    this.params = new Set(program.params.map((p) => p.name));
    this.nets = new Set(program.nets.map((n) => n.name));
  }

  lower(e: Expr): LExpr {
    switch (e.kind) {
      case 'num':
        return { kind: 'const', value: e.value };
      case 'ident': {
        const c = this.program.consts.get(e.name);
        if (c !== undefined) return { kind: 'const', value: c };
        const array = this.program.constArrays.get(e.name);
        if (array) return { kind: 'tensor', shape: array.shape, values: array.values };
        if (this.program.loopVarRefs.has(e)) return { kind: 'loopVar', name: e.name };
        return this.params.has(e.name) ? { kind: 'param', name: e.name } : { kind: 'ref', name: e.name };
      }
      case 'array': {
        const array = this.program.arrays.get(e);
        if (array) return { kind: 'tensor', shape: array.shape, values: array.values };
        return { kind: 'stack', parts: e.elements.map((x) => this.lower(x)) };
      }
      case 'unary':
        return { kind: 'neg', operand: this.lower(e.operand) };
      case 'binary':
        return { kind: 'binary', op: e.op, left: this.lower(e.left), right: this.lower(e.right) };
      case 'call':
        return this.call(e);
      case 'field':
        return { kind: 'field', object: this.lower(e.object), field: e.field.name };
      case 'index':
        return { kind: 'index', object: this.lower(e.object), parts: e.indices.map((it) => this.indexPart(it)) };
    }
  }

  private fold(e: Expr): number {
    return foldNumber(e, this.program.consts);
  }

  private indexPart(it: IndexItem): IndexPart {
    const dynamic = this.program.indexKinds.get(it);
    if (dynamic && it.kind === 'at') {
      if (dynamic.kind === 'loop') return { kind: 'loop', variable: dynamic.loop.variable.name, offset: dynamic.offset };
      return { kind: 'gather', index: this.lower(it.value) };
    }
    if (it.kind === 'at') return { kind: 'at', at: this.fold(it.value) };
    return { kind: 'slice', start: it.start ? this.fold(it.start) : undefined, end: it.end ? this.fold(it.end) : undefined };
  }

  private call(e: Extract<Expr, { kind: 'call' }>): LExpr {
    const name = e.callee.name;
    const positional = e.args.filter((a) => !a.name).map((a) => this.lower(a.value));
    const axisArg = e.args.find((a) => a.name?.name === 'axis');
    const where = `${name} at ${e.span.line}:${e.span.column}`;
    if (this.nets.has(name)) return { kind: 'net', net: name, input: positional[0]! };
    const fn = FUNCTIONS.get(name);
    if (fn?.kind === 'elementwise') return { kind: 'apply', fn: name, operand: positional[0]! };
    if (fn?.kind === 'kernel') return this.kernelCall(e, fn.constantArgs ?? []);
    if (name === 'sum' || name === 'mean') {
      return { kind: 'reduce', op: name, operand: positional[0]!, axis: axisArg ? this.fold(axisArg.value) : undefined };
    }
    if (name === 'matmul') return { kind: 'matmul', left: positional[0]!, right: positional[1]! };
    if (name === 'observed') {
      const arg = e.args[0]!.value;
      if (arg.kind !== 'ident') throw new Error(`internal: ${where} does not name data`);
      return { kind: 'observed', name: arg.name };
    }
    const shape = this.program.shapes.get(e);
    if (name === 'one_hot') {
      if (!shape) throw new Error(`internal: no shape for ${where}`);
      return { kind: 'oneHot', operand: positional[0]!, classes: shape[shape.length - 1]! };
    }
    if (name === 'concat') {
      if (!shape) throw new Error(`internal: no shape for ${where}`);
      return { kind: 'concat', parts: positional, axis: axisArg ? this.fold(axisArg.value) : shape.length - 1 };
    }
    throw new Error(`internal: no lowering of function '${name}'`);
  }

  /** A `kernel` function: its tensor arguments lowered, its constant ones folded, the checked shapes passed on. */
  private kernelCall(e: Extract<Expr, { kind: 'call' }>, constantArgs: readonly number[]): LExpr {
    const where = `${e.callee.name} at ${e.span.line}:${e.span.column}`;
    const shapeOf = (x: Expr): readonly number[] => {
      const s = this.program.shapes.get(x);
      if (!s) throw new Error(`internal: no shape for ${where}`);
      return s;
    };
    const positional = e.args.filter((a) => !a.name).map((a) => a.value);
    const tensors = positional.filter((_, i) => !constantArgs.includes(i));
    const named = new Map(e.args.filter((a) => a.name).map((a) => [a.name!.name, this.fold(a.value)]));
    const constants = positional.filter((_, i) => constantArgs.includes(i)).map((x) => this.constantValues(x));
    return {
      kind: 'kernel',
      fn: e.callee.name,
      args: tensors.map((x) => this.lower(x)),
      call: { argShapes: tensors.map(shapeOf), shape: shapeOf(e), named, constants },
    };
  }

  /** The entries of a constant number or vector argument (reshape's shape). */
  private constantValues(x: Expr): readonly number[] {
    if (x.kind === 'array') {
      const a = this.program.arrays.get(x);
      if (a) return a.values;
    }
    if (x.kind === 'ident') {
      const a = this.program.constArrays.get(x.name);
      if (a) return a.values;
    }
    return [this.fold(x)];
  }
}
