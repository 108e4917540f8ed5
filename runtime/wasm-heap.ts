// The wasm backend's heap as the fused kernels see it: tensors' byte addresses, outputs
// allocated there, and the small WebAssembly modules instantiated on its memory, once per memory.
import type { tf } from './tf.js';

/** The parts of tfjs-backend-wasm's backend that the kernels on its heap use. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } };
  disposeData(id: tf.DataId): boolean;
}

/** The byte address of a tensor's data on the heap. */
export function heapAddress(backend: HeapBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** The wasm backend's heap (tfjs-backend-wasm's module memory), if `backend` is one. */
export function wasmBackendMemory(backend: object): WebAssembly.Memory | undefined {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/**
 * `make`'s result for the wasm backend's memory, made once per memory; null where `backend` is
 * not the wasm backend or `make` returns null (an engine without WebAssembly SIMD).
 */
export function onHeapOf<T>(make: (memory: WebAssembly.Memory) => T | null): (backend: object) => T | null {
  const made = new WeakMap<WebAssembly.Memory, T | null>();
  return (backend) => {
    const memory = wasmBackendMemory(backend);
    if (!memory) return null;
    if (!made.has(memory)) made.set(memory, make(memory));
    return made.get(memory)!;
  };
}
