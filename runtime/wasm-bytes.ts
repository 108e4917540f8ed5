// Helpers for emitting the small WebAssembly SIMD modules that run on the wasm backend's own
// memory (runtime/wasm-adam.ts, runtime/wasm-gather.ts): encodings, sections, opcodes, and
// instantiation against that memory, once per memory.

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// Locals, control and memory.
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const tee = (i: number): number[] => [0x22, ...uleb(i)];
export const i32const = (v: number): number[] => [0x41, ...sleb(v)];
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const IF = [0x04, 0x40];
export const ELSE = [0x05];
export const END = [0x0b];
export const br = (depth: number): number[] => [0x0c, ...uleb(depth)];
export const brIf = (depth: number): number[] => [0x0d, ...uleb(depth)];
export const I32_EQZ = 0x45;
export const I32_LT_U = 0x49;
export const I32_GE_U = 0x4f;
export const I32_GT_U = 0x4b;
export const I32_ADD = 0x6a;
export const I32_MUL = 0x6c;
/** i32.load with a 4-byte alignment hint and a constant offset. */
export const i32load = (offset = 0): number[] => [0x28, 2, ...uleb(offset)];
export const i32store = (offset = 0): number[] => [0x36, 2, ...uleb(offset)];
export const f32store = (offset = 0): number[] => [0x38, 2, ...uleb(offset)];
export const f32const = (v: number): number[] => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
export const F32_NE = 0x5c;
export const I32_AND = 0x71;
export const I32_OR = 0x72;
export const I32_SHL = 0x74;
export const f32load = (offset = 0): number[] => [0x2a, 2, ...uleb(offset)];
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** v128.load / v128.store, alignment hint 4 bytes (a hint only), constant offset. */
export const v128load = (offset = 0): number[] => [...simd(0x00), 2, ...uleb(offset)];
export const v128store = (offset = 0): number[] => [...simd(0x0b), 2, ...uleb(offset)];
export const v128zero = (): number[] => [...simd(0x0c), ...new Array<number>(16).fill(0)];
export const F32X4_SPLAT = simd(0x13);
export const F32X4_SQRT = simd(0xe3);
export const F32X4_ADD = simd(0xe4);
export const F32X4_MUL = simd(0xe6);
export const F32X4_DIV = simd(0xe7);
export const F32X4_PMAX = simd(0xeb);
export const F32X4_NE = simd(0x42);
export const F32X4_GT = simd(0x44);
export const V128_AND = simd(0x4e);
export const I32X4_SUB = simd(0xb1);
export const i32x4ExtractLane = (lane: number): number[] => [...simd(0x1b), lane];

/** A function body: local declarations as [count, type] groups, then the code and `end`. */
export function functionBody(locals: ReadonlyArray<readonly [number, number]>, code: number[]): number[] {
  const decl = [...uleb(locals.length), ...locals.flatMap(([count, type]) => [...uleb(count), type])];
  const fn = [...decl, ...code, ...END];
  return [...uleb(fn.length), ...fn];
}

/** A function of a module: its exported name, parameter and result types, and its body (functionBody). */
export interface WasmFunction {
  name: string;
  params: readonly number[];
  results?: readonly number[];
  body: number[];
}

/**
 * A module exporting `functions` and importing `env.memory`; `shared` for a threaded backend's
 * shared memory (whose import needs a maximum).
 */
export function wasmModule(functions: readonly WasmFunction[], shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  const types = functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results?.length ?? 0), ...(f.results ?? [])]);
  const limits = shared ? [0x03, 1, ...uleb(maxPages)] : [0x00, 1];
  const imports = [1, ...str('env'), ...str('memory'), 0x02, ...limits];
  const n = uleb(functions.length);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...n, ...types]),
    ...section(2, imports),
    ...section(3, [...n, ...functions.map((_, i) => i)]),
    ...section(7, [...n, ...functions.flatMap((f, i) => [...str(f.name), 0x00, ...uleb(i)])]),
    ...section(10, [...n, ...functions.flatMap((f) => f.body)]),
  ]);
}

/** A module of one exported function with no result (see wasmModule). */
export function singleFunctionModule(name: string, params: readonly number[], body: number[], shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  return wasmModule([{ name, params, body }], shared, maxPages);
}

/** The exports of `bytes` instantiated on `memory`, or null where the engine refuses them (no SIMD). */
export function instantiateAllOn(memory: WebAssembly.Memory, bytes: (shared: boolean) => Uint8Array<ArrayBuffer>): WebAssembly.Exports | null {
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes(shared)), { env: { memory } }).exports;
  } catch {
    return null;
  }
}

/** The function `name` of `bytes` instantiated on `memory`, or null where the engine refuses it (no SIMD). */
export function instantiateOn<F>(memory: WebAssembly.Memory, name: string, bytes: (shared: boolean) => Uint8Array<ArrayBuffer>): F | null {
  const exports = instantiateAllOn(memory, bytes);
  return exports ? (exports[name] as F) : null;
}
