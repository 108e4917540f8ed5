// A 2-D transpose as a tiny WebAssembly SIMD function on the wasm backend's own memory: 4 x 4
// blocks, each read as four vectors and written as four, transposed with byte shuffles. tfjs'
// Transpose kernel walks the general N-D index arithmetic element by element (~1.5 ns an
// element here); this one moves a 400 x 784 matrix several times faster. Both dimensions must be
// multiples of 4; values are copied exactly.
//
//   transpose(src, dst, rows, cols)   src [rows, cols] -> dst [cols, rows], float32
import {
  BLOCK, I32, I32_ADD, I32_GE_U, I32_MUL, LOOP, V128,
  br, brIf, functionBody, get, i32const, instantiateOn, set, simd, singleFunctionModule, v128load, v128store,
} from './wasm-bytes.js';

export type WasmTranspose = (src: number, dst: number, rows: number, cols: number) => void;

const SRC = 0;
const DST = 1;
const ROWS = 2;
const COLS = 3;
const R = 4;
const C = 5;
const IN = 6; // address of src[r, c]
const OUT = 7; // address of dst[c, r]
const A = 8; // four input rows
const T = 12; // four half-transposed vectors

const lanes = (...floats: number[]): number[] => floats.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3]);
/** i8x16.shuffle of two vectors by float lanes (0-3 the first vector's, 4-7 the second's). */
const shuffle = (...floats: number[]): number[] => [...simd(0x0d), ...lanes(...floats)];

function body(): number[] {
  const code: number[] = [];
  const rowBytes = [...get(COLS), ...i32const(4), I32_MUL]; // bytes per source row
  const colBytes = [...get(ROWS), ...i32const(4), I32_MUL]; // bytes per destination row
  code.push(...i32const(0), ...set(R));
  code.push(...BLOCK, ...LOOP);
  code.push(...get(R), ...get(ROWS), I32_GE_U, ...brIf(1));
  code.push(...i32const(0), ...set(C));
  code.push(...BLOCK, ...LOOP);
  code.push(...get(C), ...get(COLS), I32_GE_U, ...brIf(1));
  // IN = src + (r cols + c) 4; OUT = dst + (c rows + r) 4
  code.push(...get(SRC), ...get(R), ...get(COLS), I32_MUL, ...get(C), I32_ADD, ...i32const(4), I32_MUL, I32_ADD, ...set(IN));
  code.push(...get(DST), ...get(C), ...get(ROWS), I32_MUL, ...get(R), I32_ADD, ...i32const(4), I32_MUL, I32_ADD, ...set(OUT));
  for (let i = 0; i < 4; i++) {
    code.push(...get(IN), ...v128load(), ...set(A + i));
    if (i < 3) code.push(...get(IN), ...rowBytes, I32_ADD, ...set(IN));
  }
  // t0 = a0[0] a1[0] a0[1] a1[1], t1 = a0[2] a1[2] a0[3] a1[3], t2, t3 likewise from a2, a3
  code.push(...get(A), ...get(A + 1), ...shuffle(0, 4, 1, 5), ...set(T));
  code.push(...get(A), ...get(A + 1), ...shuffle(2, 6, 3, 7), ...set(T + 1));
  code.push(...get(A + 2), ...get(A + 3), ...shuffle(0, 4, 1, 5), ...set(T + 2));
  code.push(...get(A + 2), ...get(A + 3), ...shuffle(2, 6, 3, 7), ...set(T + 3));
  // out row c + i = a0[i] a1[i] a2[i] a3[i]
  const outputs: Array<[number, number, number[]]> = [
    [T, T + 2, [0, 1, 4, 5]],
    [T, T + 2, [2, 3, 6, 7]],
    [T + 1, T + 3, [0, 1, 4, 5]],
    [T + 1, T + 3, [2, 3, 6, 7]],
  ];
  outputs.forEach(([a, b, sel], i) => {
    code.push(...get(OUT), ...get(a), ...get(b), ...shuffle(...sel), ...v128store());
    if (i < 3) code.push(...get(OUT), ...colBytes, I32_ADD, ...set(OUT));
  });
  code.push(...get(C), ...i32const(4), I32_ADD, ...set(C), ...br(0), 0x0b, 0x0b);
  code.push(...get(R), ...i32const(4), I32_ADD, ...set(R), ...br(0), 0x0b, 0x0b);
  return functionBody([[4, I32], [8, V128]], code);
}

export function wasmTransposeBytes(shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  return singleFunctionModule('transpose', [I32, I32, I32, I32], body(), shared, maxPages);
}

/** The function on `memory`, or null where this engine has no WebAssembly SIMD. */
export function wasmTransposeOn(memory: WebAssembly.Memory): WasmTranspose | null {
  return instantiateOn<WasmTranspose>(memory, 'transpose', wasmTransposeBytes);
}
