// Sums of selected rows as a tiny WebAssembly SIMD function on the wasm backend's own memory:
//
//   out[r, :] = bias + sum over entries e of row r: value[e] * src[index[e], :]    (then relu)
//
// for r < rows, entries e in [start[r], start[r + 1]). This is a sparse-times-dense product in
// compressed-row form: with x sparse, x w is the sum of the rows of w that x's non-zeros select,
// and x^T dz the sum of the rows of dz, so a dense layer whose input is mostly zeros (binary
// pixels) skips the zeros' multiply-adds, and w is read where it lies (no transposed or packed
// copy). Rows are written eight vectors (32 floats) at a time, then one vector at a time; the
// row width must be a multiple of four floats. Float32 IEEE adds in entry order, no fused
// multiply-add.
//
//   gather(out, rows, start, index, value, src, rowBytes, bias, relu)
// start: int32 [rows + 1] entry offsets; index: int32 [entries], each a byte offset of a row of
// src; value: float32 [entries] (the unit variant reads none: every value is 1); bias: a byte
// address of float32 [width], or 0 for none; relu: 0 or 1.
import {
  BLOCK, END, F32X4_ADD, F32X4_MUL, F32X4_PMAX, F32X4_SPLAT, I32, I32_ADD, I32_EQZ, I32_GE_U, I32_GT_U, I32_MUL, IF, ELSE, LOOP, V128,
  br, brIf, f32load, functionBody, get, i32const, i32load, instantiateOn, set, singleFunctionModule, v128load, v128store, v128zero,
} from './wasm-bytes.js';

export type WasmGather = (out: number, rows: number, start: number, index: number, value: number, src: number, rowBytes: number, bias: number, relu: number) => void;

// Parameters.
const OUT = 0;
const ROWS = 1;
const START = 2;
const INDEX = 3;
const VALUE = 4;
const SRC = 5;
const ROW_BYTES = 6;
const BIAS = 7;
const RELU = 8;
// Locals.
const R = 9;
const OUT_ROW = 10;
const E_BEGIN = 11;
const E_END = 12;
const C = 13;
const E = 14;
const BASE = 15;
const ACC = 16; // 8 accumulators
const S = 24;
const ZERO = 25;

const TILE = 8;

/** One column block of `vectors` vectors (16 bytes each) at byte column C of the current row. */
function columnBlock(vectors: number, scaled: boolean): number[] {
  const code: number[] = [];
  // Start from the bias or from zero.
  code.push(...get(BIAS), I32_EQZ, ...IF);
  for (let q = 0; q < vectors; q++) code.push(...get(ZERO), ...set(ACC + q));
  code.push(...ELSE);
  for (let q = 0; q < vectors; q++) code.push(...get(BIAS), ...get(C), I32_ADD, ...v128load(16 * q), ...set(ACC + q));
  code.push(...END);
  // The row's entries, in order.
  code.push(...get(E_BEGIN), ...set(E));
  code.push(...BLOCK, ...LOOP);
  code.push(...get(E), ...get(E_END), I32_GE_U, ...brIf(1));
  code.push(...get(SRC), ...get(INDEX), ...get(E), I32_ADD, ...i32load(), I32_ADD, ...get(C), I32_ADD, ...set(BASE));
  if (scaled) code.push(...get(VALUE), ...get(E), I32_ADD, ...f32load(), ...F32X4_SPLAT, ...set(S));
  for (let q = 0; q < vectors; q++) {
    code.push(...get(ACC + q), ...get(BASE), ...v128load(16 * q));
    if (scaled) code.push(...get(S), ...F32X4_MUL);
    code.push(...F32X4_ADD, ...set(ACC + q));
  }
  code.push(...get(E), ...i32const(4), I32_ADD, ...set(E));
  code.push(...br(0), ...END, ...END);
  // relu as pmax(acc, 0): NaN stays NaN, so a diverging step is still seen.
  code.push(...get(RELU), ...IF);
  for (let q = 0; q < vectors; q++) code.push(...get(ACC + q), ...get(ZERO), ...F32X4_PMAX, ...set(ACC + q));
  code.push(...END);
  for (let q = 0; q < vectors; q++) code.push(...get(OUT_ROW), ...get(C), I32_ADD, ...get(ACC + q), ...v128store(16 * q));
  return code;
}

/** Every row's block at byte column C. */
function rowsOfBlock(vectors: number, scaled: boolean): number[] {
  const code: number[] = [...i32const(0), ...set(R)];
  code.push(...BLOCK, ...LOOP);
  code.push(...get(R), ...get(ROWS), I32_GE_U, ...brIf(1));
  code.push(...get(OUT), ...get(R), ...get(ROW_BYTES), I32_MUL, I32_ADD, ...set(OUT_ROW));
  code.push(...get(START), ...get(R), ...i32const(4), I32_MUL, I32_ADD, ...i32load(), ...i32const(4), I32_MUL, ...set(E_BEGIN));
  code.push(...get(START), ...get(R), ...i32const(4), I32_MUL, I32_ADD, ...i32load(4), ...i32const(4), I32_MUL, ...set(E_END));
  code.push(...columnBlock(vectors, scaled));
  code.push(...get(R), ...i32const(1), I32_ADD, ...set(R));
  code.push(...br(0), ...END, ...END);
  return code;
}

// Column blocks outside, rows inside: a block of src's columns (32 floats of every row) stays in
// cache while every row of out sums its selected rows there.
function body(scaled: boolean): number[] {
  const code: number[] = [...v128zero(), ...set(ZERO), ...i32const(0), ...set(C)];
  // Blocks of eight vectors while they fit, then single vectors.
  for (const vectors of [TILE, 1]) {
    code.push(...BLOCK, ...LOOP);
    code.push(...get(C), ...i32const(16 * vectors), I32_ADD, ...get(ROW_BYTES), I32_GT_U, ...brIf(1));
    code.push(...rowsOfBlock(vectors, scaled));
    code.push(...get(C), ...i32const(16 * vectors), I32_ADD, ...set(C));
    code.push(...br(0), ...END, ...END);
  }
  return functionBody([[7, I32], [TILE + 2, V128]], code);
}

/** The module's bytes: `scaled` reads each entry's value, the unit variant takes every value as 1. */
export function wasmGatherBytes(scaled: boolean, shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  return singleFunctionModule('gather', [I32, I32, I32, I32, I32, I32, I32, I32, I32], body(scaled), shared, maxPages);
}

/** The unit and scaled variants on `memory` (null where this engine has no WebAssembly SIMD). */
export function wasmGatherOn(memory: WebAssembly.Memory): { unit: WasmGather; scaled: WasmGather } | null {
  const unit = instantiateOn<WasmGather>(memory, 'gather', (shared) => wasmGatherBytes(false, shared));
  const scaled = instantiateOn<WasmGather>(memory, 'gather', (shared) => wasmGatherBytes(true, shared));
  return unit && scaled ? { unit, scaled } : null;
}
