// Compressed-row copies of a matrix's non-zeros on the wasm backend's heap, for the sparse
// products of runtime/wasm-gather.ts: two small WebAssembly functions.
//
//   nonZeros(x, bytes) -> count        non-zero float32 values in the first `bytes` bytes
//                                      (a multiple of 16), four at a time
//   compressRows(x, rows, cols, rowBytes, start, index, value) -> entries * 2 + (any value != 1)
//       start[r] = the first entry of row r (start[rows] = entries); for each non-zero x[r, j]
//       in order, index = j * rowBytes (the byte offset of the row that x[r, j] selects) and
//       value = x[r, j]. index and value need room for rows * cols + 1 entries.
import {
  BLOCK, END, F32, F32_NE, F32X4_NE, I32, I32_ADD, I32_AND, I32_GE_U, I32_MUL, I32_OR, I32_SHL, I32X4_SUB, LOOP, V128,
  br, brIf, f32const, f32load, f32store, functionBody, get, i32const, i32store, i32x4ExtractLane, instantiateAllOn, set, v128load, v128zero, wasmModule,
} from './wasm-bytes.js';

export interface WasmCompress {
  nonZeros(x: number, bytes: number): number;
  compressRows(x: number, rows: number, cols: number, rowBytes: number, start: number, index: number, value: number): number;
}

function nonZerosBody(): number[] {
  // params 0 x, 1 bytes; locals 2 i, 3 counts (i32x4, each lane minus the number of hits)
  const code: number[] = [...v128zero(), ...set(3), ...i32const(0), ...set(2)];
  code.push(...BLOCK, ...LOOP);
  code.push(...get(2), ...get(1), I32_GE_U, ...brIf(1));
  code.push(...get(3), ...get(0), ...get(2), I32_ADD, ...v128load(), ...v128zero(), ...F32X4_NE, ...I32X4_SUB, ...set(3));
  code.push(...get(2), ...i32const(16), I32_ADD, ...set(2), ...br(0), ...END, ...END);
  for (let lane = 0; lane < 4; lane++) code.push(...get(3), ...i32x4ExtractLane(lane));
  code.push(I32_ADD, I32_ADD, I32_ADD);
  return functionBody([[1, I32], [1, V128]], code);
}

function compressRowsBody(): number[] {
  // params 0 x, 1 rows, 2 cols, 3 rowBytes, 4 start, 5 index, 6 value;
  // locals 7 r, 8 j, 9 entries, 10 p (address of x[r, j]), 11 notUnit, 12 j * rowBytes, 13 v, 14 v != 0
  const code: number[] = [...get(0), ...set(10), ...i32const(0), ...set(9), ...i32const(0), ...set(11), ...i32const(0), ...set(7)];
  code.push(...BLOCK, ...LOOP);
  code.push(...get(7), ...get(1), I32_GE_U, ...brIf(1));
  code.push(...get(4), ...get(7), ...i32const(4), I32_MUL, I32_ADD, ...get(9), ...i32store());
  code.push(...i32const(0), ...set(8), ...i32const(0), ...set(12));
  code.push(...BLOCK, ...LOOP);
  code.push(...get(8), ...get(2), I32_GE_U, ...brIf(1));
  code.push(...get(10), ...f32load(), ...set(13));
  // Branch-free (zeros and non-zeros interleave unpredictably): write the entry at the next
  // slot every time, and move past it only for a non-zero.
  code.push(...get(5), ...get(9), ...i32const(4), I32_MUL, I32_ADD, ...get(12), ...i32store());
  code.push(...get(6), ...get(9), ...i32const(4), I32_MUL, I32_ADD, ...get(13), ...f32store());
  code.push(...get(13), ...f32const(0), F32_NE, ...set(14));
  code.push(...get(11), ...get(14), ...get(13), ...f32const(1), F32_NE, I32_AND, I32_OR, ...set(11));
  code.push(...get(9), ...get(14), I32_ADD, ...set(9));
  code.push(...get(10), ...i32const(4), I32_ADD, ...set(10));
  code.push(...get(12), ...get(3), I32_ADD, ...set(12));
  code.push(...get(8), ...i32const(1), I32_ADD, ...set(8));
  code.push(...br(0), ...END, ...END);
  code.push(...get(7), ...i32const(1), I32_ADD, ...set(7), ...br(0), ...END, ...END);
  code.push(...get(4), ...get(1), ...i32const(4), I32_MUL, I32_ADD, ...get(9), ...i32store());
  code.push(...get(9), ...i32const(1), I32_SHL, ...get(11), I32_OR);
  return functionBody([[6, I32], [1, F32], [1, I32]], code);
}

export function wasmCompressBytes(shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  return wasmModule(
    [
      { name: 'nonZeros', params: [I32, I32], results: [I32], body: nonZerosBody() },
      { name: 'compressRows', params: [I32, I32, I32, I32, I32, I32, I32], results: [I32], body: compressRowsBody() },
    ],
    shared,
    maxPages,
  );
}

/** The functions on `memory` (null where this engine has no WebAssembly SIMD). */
export function wasmCompressOn(memory: WebAssembly.Memory): WasmCompress | null {
  return instantiateAllOn(memory, wasmCompressBytes) as unknown as WasmCompress | null;
}
