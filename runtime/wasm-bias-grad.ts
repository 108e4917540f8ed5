// The backward pass of a dense layer's bias and relu as one WebAssembly SIMD pass on the wasm
// heap: dz = dy where y > 0, else 0 (relu; dz = dy without), and db = the column sums of dz.
// tfjs takes three kernels and a tensor for each (Step, Multiply, Sum).
//
//   biasGrad(dy, y, dz, db, rows, rowBytes, relu)
// dz may be 0 (not written: without relu it is dy itself); rowBytes a multiple of 16; db is
// overwritten.
import {
  BLOCK, END, F32X4_GT, I32, I32_ADD, I32_GE_U, I32_MUL, IF, LOOP, V128, V128_AND,
  br, brIf, functionBody, get, i32const, instantiateOn, set, singleFunctionModule, v128load, v128store, v128zero,
} from './wasm-bytes.js';
import { add } from './wasm-math.js';

export type WasmBiasGrad = (dy: number, y: number, dz: number, db: number, rows: number, rowBytes: number, relu: number) => void;

const [DY, Y, DZ, DB, ROWS, ROW_BYTES, RELU] = [0, 1, 2, 3, 4, 5, 6];
const [R, C, ROW_START, AT, V] = [7, 8, 9, 10, 11];

/** for (local = 0; local < bound; local += step) body */
function forUp(local: number, bound: number[], step: number, body: number[]): number[] {
  return [
    ...i32const(0), ...set(local),
    ...BLOCK, ...LOOP,
    ...get(local), ...bound, I32_GE_U, ...brIf(1),
    ...body,
    ...get(local), ...i32const(step), I32_ADD, ...set(local),
    ...br(0), ...END, ...END,
  ];
}

function body(): number[] {
  const zeroDb = forUp(C, get(ROW_BYTES), 16, [...get(DB), ...get(C), I32_ADD, ...v128zero(), ...v128store()]);
  const element: number[] = [
    ...get(ROW_START), ...get(C), I32_ADD, ...set(AT),
    ...get(DY), ...get(AT), I32_ADD, ...v128load(), ...set(V),
    ...get(RELU), ...IF,
    // v & (y > 0): the mask is all ones or all zeros per lane
    ...get(V), ...get(Y), ...get(AT), I32_ADD, ...v128load(), ...v128zero(), ...F32X4_GT, ...V128_AND, ...set(V),
    ...get(DZ), ...get(AT), I32_ADD, ...get(V), ...v128store(),
    ...END,
    ...get(DB), ...get(C), I32_ADD, ...add([...get(DB), ...get(C), I32_ADD, ...v128load()], get(V)), ...v128store(),
  ];
  const rows = forUp(R, get(ROWS), 1, [
    ...get(R), ...get(ROW_BYTES), I32_MUL, ...set(ROW_START),
    ...forUp(C, get(ROW_BYTES), 16, element),
  ]);
  return functionBody([[4, I32], [1, V128]], [...zeroDb, ...rows]);
}

export function wasmBiasGradBytes(shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  return singleFunctionModule('biasGrad', [I32, I32, I32, I32, I32, I32, I32], body(), shared, maxPages);
}

/** The function on `memory` (null where this engine has no WebAssembly SIMD). */
export function wasmBiasGradOn(memory: WebAssembly.Memory): WasmBiasGrad | null {
  return instantiateOn<WasmBiasGrad>(memory, 'biasGrad', wasmBiasGradBytes);
}
