// The Adam update as a tiny WebAssembly SIMD function that runs on the wasm backend's own
// memory (imported from tfjs-backend-wasm's module): four lanes at a time, float32 IEEE
// arithmetic (no fused multiply-add), so each lane computes exactly what tfjs' element-wise
// kernels compute. The module is emitted here byte by byte: one function, a dozen opcodes.
//
//   adam(w, g, m, v, out, bytes: i32, beta1, 1-beta1, beta2, 1-beta2, 1-beta1^t, 1-beta2^t, eps, -lr: f32)
// updates m and v in place and writes the new parameter to out, for the first `bytes` bytes
// (a multiple of 16) of each array; the caller does the remaining 0-3 elements.

export type WasmAdam = (w: number, g: number, m: number, v: number, out: number, bytes: number, ...c: number[]) => void;

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// Opcodes (WebAssembly core and SIMD proposals).
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const tee = (i: number): number[] => [0x22, ...uleb(i)];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const MEMARG = [2, 0]; // align 4 bytes (a hint only), offset 0
const load = [...simd(0x00), ...MEMARG];
const store = [...simd(0x0b), ...MEMARG];
const splat = simd(0x13);
const sqrt = simd(0xe3);
const add = simd(0xe4);
const mul = simd(0xe6);
const div = simd(0xe7);
const I32_ADD = 0x6a;
const I32_LT_U = 0x49;
const I32_EQZ = 0x45;

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
  code.push(0x02, 0x40, ...get(5), I32_EQZ, 0x0d, 0); // block; br_if bytes == 0
  code.push(0x03, 0x40); // loop
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
  code.push(...get(I), 0x41, 16, I32_ADD, ...tee(I), ...get(5), I32_LT_U, 0x0d, 0);
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  const locals = [2, 1, I32, 11, V128];
  const fn = [...locals, ...code];
  return [1, ...uleb(fn.length), ...fn];
}

/** The module's bytes; `shared` for a threaded backend's shared memory (whose import needs a maximum). */
export function wasmAdamBytes(shared: boolean, maxPages = 65536): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32];
  const type = [1, 0x60, ...uleb(params.length), ...params, 0];
  const limits = shared ? [0x03, 1, ...uleb(maxPages)] : [0x00, 1];
  const imports = [1, ...str('env'), ...str('memory'), 0x02, ...limits];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, type),
    ...section(2, imports),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('adam'), 0x00, 0]),
    ...section(10, body()),
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, WasmAdam | null>();

/** The update function on `memory`, or null where this engine has no WebAssembly SIMD. */
export function wasmAdamOn(memory: WebAssembly.Memory): WasmAdam | null {
  if (instances.has(memory)) return instances.get(memory)!;
  let fn: WasmAdam | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(wasmAdamBytes(shared));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    fn = instance.exports['adam'] as WasmAdam;
  } catch {
    fn = null;
  }
  instances.set(memory, fn);
  return fn;
}
