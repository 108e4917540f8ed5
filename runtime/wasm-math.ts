// Vectorized float32 exp and log1p as WebAssembly SIMD code (expressions over f32x4 values),
// for the fused kernels that run on the wasm backend's heap. WebAssembly has no transcendental
// instructions; these are the Cephes single-precision algorithms (S. L. Moshier): Cody-Waite
// range reduction and minimax polynomials, accurate to about one unit in the last place on the
// ranges stated. An expression is the code that leaves its f32x4 value on the stack.
import { get, set, simd } from './wasm-bytes.js';

export type Expr = number[];

const op = (code: number) => simd(code);
const bin = (code: number) => (a: Expr, b: Expr): Expr => [...a, ...b, ...op(code)];

/** f32x4 constant, all four lanes `c`. */
export const k = (c: number): Expr => [...simd(0x0c), ...new Uint8Array(new Float32Array([c, c, c, c]).buffer)];
/** i32x4 constant, all four lanes `c`. */
export const ki = (c: number): Expr => [...simd(0x0c), ...new Uint8Array(new Int32Array([c, c, c, c]).buffer)];

/**
 * Constants held in v128 locals, set once before a loop: V8 materializes a v128.const with
 * several instructions at every use, which in a polynomial costs more than its arithmetic.
 */
export class ConstantLocals {
  private readonly slots = new Map<string, { local: number; init: Expr }>();

  constructor(private readonly firstLocal: number) {}

  private slot(key: string, init: Expr): Expr {
    let s = this.slots.get(key);
    if (!s) {
      s = { local: this.firstLocal + this.slots.size, init };
      this.slots.set(key, s);
    }
    return get(s.local);
  }

  /** f32x4 constant `c` in all lanes. */
  readonly f = (c: number): Expr => this.slot(`f${Math.fround(c)}`, k(c));
  /** i32x4 constant `c` in all lanes. */
  readonly i = (c: number): Expr => this.slot(`i${c}`, ki(c));

  get count(): number {
    return this.slots.size;
  }

  /** The code that sets every local used so far: emit it before the loop. */
  prologue(): Expr {
    return [...this.slots.values()].flatMap((s) => [...s.init, ...set(s.local)]);
  }
}
export const add = bin(0xe4);
export const sub = bin(0xe5);
export const mul = bin(0xe6);
export const div = bin(0xe7);
/**
 * min and max as x86's minps/maxps (WebAssembly's pmin/pmax, one instruction each; f32x4.min and
 * max are several, for their NaN and signed-zero rules). NaN in `a` is kept, so a diverging
 * value stays NaN.
 */
export const min = (a: Expr, b: Expr): Expr => [...a, ...b, ...op(0xea)];
export const max = (a: Expr, b: Expr): Expr => [...a, ...b, ...op(0xeb)];
export const lt = bin(0x43);
export const gt = bin(0x44);
export const ge = bin(0x46);
export const iadd = bin(0xae);
export const ishl = (a: Expr, bits: Expr): Expr => [...a, ...bits, ...op(0xab)];
export const abs = (a: Expr): Expr => [...a, ...op(0xe0)];
export const neg = (a: Expr): Expr => [...a, ...op(0xe1)];
/** Lanes of `a` where `mask` is set, of `b` elsewhere. */
export const select = (a: Expr, b: Expr, mask: Expr): Expr => [...a, ...b, ...mask, ...op(0x52)];

/** Horner's rule: c[0] x^(n-1) + ... + c[n-1]. */
function poly(x: Expr, c: readonly number[], K: ConstantLocals): Expr {
  let acc = K.f(c[0]!);
  for (let i = 1; i < c.length; i++) acc = add(mul(acc, x), K.f(c[i]!));
  return acc;
}

const LOG2E = 1.44269504088896341;
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const ROUNDING_MAGIC = 12582912; // 1.5 * 2^23

/**
 * exp(y) for y in [-80, 88] (y read twice: pass a local's get). Lanes below -80 must be clamped
 * by the caller (the result stays a normal number: subnormals are ~100x slower on x86).
 * `scratch` are two v128 locals (r, and n as y / ln 2 + 1.5 * 2^23), `K` the function's constants.
 */
export function exp(y: Expr, scratch: { r: { get: Expr; set: Expr }; n: { get: Expr; set: Expr } }, K: ConstantLocals): Expr {
  const { r, n } = scratch;
  const k = K.f;
  // n = round(y / ln 2) by the float trick: adding 1.5 * 2^23 rounds to an integer held in the
  // low mantissa bits, which then shift straight into 2^n's exponent field (the rest of the
  // word shifts out); no float-to-int conversion (several instructions on x86).
  const nf = sub(n.get, k(ROUNDING_MAGIC));
  return [
    ...add(mul(y, k(LOG2E)), k(ROUNDING_MAGIC)), ...n.set,
    ...sub(sub(y, mul(nf, k(LN2_HI))), mul(nf, k(LN2_LO))), ...r.set,
    // e^r = 1 + r + r^2 P(r), |r| <= ln 2 / 2; then times 2^n
    ...mul(
      add(add(mul(mul(r.get, r.get), poly(r.get, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1], K)), r.get), k(1)),
      ishl(iadd(n.get, K.i(127)), [0x41, 23]),
    ),
  ];
}

const SQRT2_MINUS_1 = 0.41421356237;

/**
 * log1p(e) for e in [0, 1] (e read several times: pass a local's get). `scratch` are two f32x4
 * locals (x, big), `K` the function's constants. For e <= sqrt(2) - 1 the polynomial takes e itself (no rounding of 1 + e);
 * above, (1 + e) / 2 - 1 plus ln 2.
 */
export function log1p(e: Expr, scratch: { x: { get: Expr; set: Expr }; big: { get: Expr; set: Expr } }, K: ConstantLocals): Expr {
  const { x, big } = scratch;
  const k = K.f;
  const one = k(1);
  const zero = k(0);
  const kf = select(one, zero, big.get); // 1 where big, else 0
  const z = mul(x.get, x.get);
  const p = poly(x.get, [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1], K);
  return [
    ...gt(e, k(SQRT2_MINUS_1)), ...big.set,
    ...select(sub(mul(add(e, one), k(0.5)), one), e, big.get), ...x.set,
    // x + (x z P(x) + k LN2_LO - z / 2) + k LN2_HI
    ...add(add(x.get, sub(add(mul(mul(x.get, z), p), mul(kf, k(LN2_LO))), mul(z, k(0.5)))), mul(kf, k(LN2_HI))),
  ];
}
