// The Bernoulli log-density in logits and its gradient as WebAssembly SIMD functions on the
// wasm backend's heap, four values at a time, exp and log1p from runtime/wasm-math.ts:
//
//   logProb(l, x, out, bytes)     out = log sigmoid(s), s = max(l (2x - 1), -80)
//                                     = min(s, 0) - log1p(exp(-|s|))
//   grad(l, x, dy, out, bytes)    out = (x - sigmoid(l)) dy
//
// over the first `bytes` bytes (a multiple of 16) of each array: the formulas of
// runtime/distributions/bernoulli.ts, in one pass instead of seven tfjs kernels.
import { BLOCK, END, I32, I32_ADD, I32_GE_U, LOOP, V128, br, brIf, functionBody, get, i32const, instantiateAllOn, set, v128load, v128store, wasmModule } from './wasm-bytes.js';
import { ConstantLocals, abs, add, div, exp, ge, log1p, lt, max, min, mul, neg, select, sub, type Expr } from './wasm-math.js';

const TINY = 1e-7;

export interface WasmBernoulli {
  logProb(l: number, x: number, out: number, bytes: number): void;
  grad(l: number, x: number, dy: number, out: number, bytes: number): void;
}

/** A v128 local as an expression (get) and an assignment (set). */
const local = (i: number) => ({ get: get(i), set: set(i) });

/** for (i = 0; i < bytes; i += 16) body, with `i` and `bytes` the given locals. */
function loop16(i: number, bytes: number, body: Expr): Expr {
  return [
    ...i32const(0), ...set(i),
    ...BLOCK, ...LOOP,
    ...get(i), ...get(bytes), I32_GE_U, ...brIf(1),
    ...body,
    ...get(i), ...i32const(16), I32_ADD, ...set(i),
    ...br(0), ...END, ...END,
  ];
}

const at = (base: number, i: number): Expr => [...get(base), ...get(i), I32_ADD];
const loadAt = (base: number, i: number): Expr => [...at(base, i), ...v128load()];

function logProbBody(): number[] {
  // params 0 l, 1 x, 2 out, 3 bytes; locals 4 i, then v128: 5 s, 6 e, 7 r, 8 n, 9 x', 10 big, 11 max(e, TINY)
  const [I, S, E, R, N, X, BIG, C] = [4, 5, 6, 7, 8, 9, 10, 11];
  const s = local(S);
  const e = local(E);
  const c = local(C);
  const K = new ConstantLocals(12);
  const k = K.f;
  const body: Expr = [
    ...max(mul(loadAt(0, I), sub(mul(loadAt(1, I), k(2)), k(1))), k(-80)), ...s.set,
    ...exp(max(neg(abs(s.get)), k(-80)), { r: local(R), n: local(N) }, K), ...e.set,
    // Below 1e-7, log1p(e) is e to float32 precision; the polynomial gets no smaller input,
    // whose cube would be a subnormal (~100x slower on x86).
    ...max(e.get, k(TINY)), ...c.set,
    ...at(2, I), ...sub(min(s.get, k(0)), select(e.get, log1p(c.get, { x: local(X), big: local(BIG) }, K), lt(e.get, k(TINY)))), ...v128store(),
  ];
  return functionBody([[1, I32], [7 + K.count, V128]], [...K.prologue(), ...loop16(I, 3, body)]);
}

function gradBody(): number[] {
  // params 0 l, 1 x, 2 dy, 3 out, 4 bytes; locals 5 i, then v128: 6 l, 7 e, 8 r, 9 n
  const [I, L, E, R, N] = [5, 6, 7, 8, 9];
  const l = local(L);
  const e = local(E);
  const K = new ConstantLocals(10);
  const k = K.f;
  const sigmoid = select(div(k(1), add(k(1), e.get)), div(e.get, add(k(1), e.get)), ge(l.get, k(0)));
  const body: Expr = [
    ...loadAt(0, I), ...l.set,
    ...exp(max(neg(abs(l.get)), k(-80)), { r: local(R), n: local(N) }, K), ...e.set,
    ...at(3, I), ...mul(sub(loadAt(1, I), sigmoid), loadAt(2, I)), ...v128store(),
  ];
  return functionBody([[1, I32], [4 + K.count, V128]], [...K.prologue(), ...loop16(I, 4, body)]);
}

export function wasmBernoulliBytes(shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  return wasmModule(
    [
      { name: 'logProb', params: [I32, I32, I32, I32], body: logProbBody() },
      { name: 'grad', params: [I32, I32, I32, I32, I32], body: gradBody() },
    ],
    shared,
    maxPages,
  );
}

/** The functions on `memory` (null where this engine has no WebAssembly SIMD). */
export function wasmBernoulliOn(memory: WebAssembly.Memory): WasmBernoulli | null {
  return instantiateAllOn(memory, wasmBernoulliBytes) as unknown as WasmBernoulli | null;
}
