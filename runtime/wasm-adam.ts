// The Adam update as a tiny WebAssembly SIMD function that runs on the wasm backend's own
// memory (imported from tfjs-backend-wasm's module): four lanes at a time, float32 IEEE
// arithmetic (no fused multiply-add), so each lane computes exactly what tfjs' element-wise
// kernels compute. The module is emitted here byte by byte: one function, a dozen opcodes.
//
//   adam(w, g, m, v, out, bytes: i32, beta1, 1-beta1, beta2, 1-beta2, 1-beta1^t, 1-beta2^t, eps, -lr: f32)
// updates m and v in place and writes the new parameter to out, for the first `bytes` bytes
// (a multiple of 16) of each array; the caller does the remaining 0-3 elements.

import {
  BLOCK, END, F32, F32X4_ADD, F32X4_DIV, F32X4_MUL, F32X4_SPLAT, F32X4_SQRT, I32, I32_ADD, I32_EQZ, I32_LT_U, V128,
  LOOP, brIf, functionBody, get, i32const, instantiateOn, set, singleFunctionModule, tee, v128load, v128store,
} from './wasm-bytes.js';

export type WasmAdam = (w: number, g: number, m: number, v: number, out: number, bytes: number, ...c: number[]) => void;

const load = v128load();
const store = v128store();
const splat = F32X4_SPLAT;
const sqrt = F32X4_SQRT;
const add = F32X4_ADD;
const mul = F32X4_MUL;
const div = F32X4_DIV;

// Parameters 0-4 addresses, 5 bytes, 6-13 the constants; locals 14 i, 15-22 the splatted
// constants, 23 g, 24 m, 25 v.
const I = 14;
const C = 15;
const G = 23;
const M = 24;
const V = 25;
const at = (base: number): number[] => [...get(base), ...get(I), I32_ADD];

function body(): number[] {
  const code: number[] = [];
  for (let k = 0; k < 8; k++) code.push(...get(6 + k), ...splat, ...set(C + k));
  code.push(...BLOCK, ...get(5), I32_EQZ, ...brIf(0)); // nothing to do when bytes == 0
  code.push(...LOOP);
  code.push(...at(1), ...load, ...set(G));
  // m = m beta1 + g (1 - beta1)
  code.push(...at(2), ...load, ...get(C + 0), ...mul, ...get(G), ...get(C + 1), ...mul, ...add, ...set(M));
  code.push(...at(2), ...get(M), ...store);
  // v = v beta2 + (g g) (1 - beta2)
  code.push(...at(3), ...load, ...get(C + 2), ...mul, ...get(G), ...get(G), ...mul, ...get(C + 3), ...mul, ...add, ...set(V));
  code.push(...at(3), ...get(V), ...store);
  // out = ((m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)) (-lr) + w
  code.push(...at(4));
  code.push(...get(M), ...get(C + 4), ...div);
  code.push(...get(V), ...get(C + 5), ...div, ...sqrt, ...get(C + 6), ...add);
  code.push(...div, ...get(C + 7), ...mul, ...at(0), ...load, ...add, ...store);
  // i += 16 while i < bytes
  code.push(...get(I), ...i32const(16), I32_ADD, ...tee(I), ...get(5), I32_LT_U, ...brIf(0));
  code.push(...END, ...END); // loop, block
  return functionBody([[1, I32], [11, V128]], code);
}

/** The module's bytes; `shared` for a threaded backend's shared memory (whose import needs a maximum). */
export function wasmAdamBytes(shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32];
  return singleFunctionModule('adam', params, body(), shared, maxPages);
}

/** The function on `memory`, or null where this engine has no WebAssembly SIMD. */
export function wasmAdamOn(memory: WebAssembly.Memory): WasmAdam | null {
  return instantiateOn<WasmAdam>(memory, 'adam', wasmAdamBytes);
}
