// The backend choice falls back to wasm, saying why, when tfjs-node is missing, fails to load,
// or loads but fails to compute (it cannot be installed on the machines the tests run on, so
// its failures are simulated here). The first successful choice is kept for the process, so
// the one 'auto' choice comes last.
import { describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { describeBackend, initBackendWith, type BackendImporter, type BackendName } from '../runtime/backend.js';

/** A 'tensorflow' backend with no kernels: setBackend succeeds, the first op throws. */
class NoKernels extends tf.KernelBackend {
  override dispose(): void {}
}

const real = async (name: BackendName): Promise<unknown> => (name === 'wasm' ? import('@tensorflow/tfjs-backend-wasm') : undefined);

function failingNode(fail: () => void): BackendImporter {
  return async (name) => {
    if (name === 'node') fail();
    return real(name);
  };
}

const cannotCompute = failingNode(() => tf.registerBackend('tensorflow', () => new NoKernels()));

describe('backend fallback', () => {
  it('names the reason when tfjs-node is not installed', async () => {
    const importer = failingNode(() => {
      throw new Error("Cannot find package '@tensorflow/tfjs-node' imported from /x/runtime/backend.js");
    });
    const err = await initBackendWith('node', importer).catch((e: unknown) => e);
    expect((err as Error).message).toBe("backend 'node' could not be loaded (node: not installed)");
  });

  it('names the reason when its native library fails to load (first line only)', async () => {
    const importer = failingNode(() => {
      throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions');
    });
    const err = await initBackendWith('node', importer).catch((e: unknown) => e);
    expect((err as Error).message).toBe("backend 'node' could not be loaded (node: libtensorflow.so.2: cannot open shared object file: No such file or directory)");
  });

  it('refuses a backend that loads but cannot compute, and leaves none broken behind', async () => {
    const err = await initBackendWith('node', cannotCompute).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^backend 'node' could not be loaded \(node: loads but fails to compute: 'write' not yet implemented or not found in the registry.[^)]*\)$/);
    expect(tf.findBackend('tensorflow')).toBeNull();
  });

  it("'auto' falls back to wasm, which then computes, and says what it passed over", async () => {
    const info = await initBackendWith('auto', cannotCompute);
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped).toHaveLength(1);
    expect(describeBackend(info)).toMatch(/^backend: wasm \(WebAssembly \+ XNNPACK\) \[skipped node: loads but fails to compute: 'write' not yet implemented[^\]]*\]$/);
    expect(tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0])).toBe(11);
  });
});
