// The tfjs backend of the page: WebGPU or WebGL where the browser has them, WebAssembly with
// threads when the page is cross-origin isolated (SharedArrayBuffer), single-threaded wasm
// otherwise, plain JavaScript last. Chosen once per page load (tensors live on one backend);
// the choice is a URL parameter, so changing it reloads the page.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { useBackend } from 'ppl-vi/engine';

export const PAGE_BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type PageBackend = (typeof PAGE_BACKENDS)[number];

export interface PageBackendInfo {
  name: Exclude<PageBackend, 'auto'>;
  /** What the page shows: the backend, threads, why faster ones were passed over. */
  label: string;
  skipped: string[];
}

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** The WebGL renderer's name when the browser tells it (SwiftShader and llvmpipe draw in software). */
function webglRenderer(): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function tryTf(name: 'webgpu' | 'webgl' | 'cpu', auto: boolean): Promise<void> {
  if (name === 'webgpu' && !('gpu' in navigator)) throw new Error('the browser has no WebGPU');
  if (name === 'webgl' && auto) {
    // A GPU emulated on the CPU is several times slower than wasm: auto passes it over.
    const renderer = webglRenderer();
    if (renderer && /swiftshader|llvmpipe|software/i.test(renderer)) throw new Error(`software renderer (${renderer})`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs could not initialise ${name}`);
  await tf.ready();
  // A backend that initialises may still fail at its first kernel (a blocklisted GPU).
  tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).dataSync());
}

async function tryWasm(): Promise<string> {
  setWasmPaths(new URL('tfjs-wasm/', document.baseURI).href);
  if (globalThis.crossOriginIsolated) setThreadsCount(Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)));
  await useBackend('wasm');
  const threads = getThreadsCount();
  const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  // tfjs sizes its worker pool at half the cores (at most 4): a 2-core machine gets 1 thread.
  if (threaded) return `wasm, multi-threaded build, ${threads} thread${threads === 1 ? '' : 's'} on ${navigator.hardwareConcurrency} cores`;
  return `wasm, single-threaded${globalThis.crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)'}`;
}

export async function chooseBackend(choice: PageBackend): Promise<PageBackendInfo> {
  tf.enableProdMode();
  const order: Exclude<PageBackend, 'auto'>[] = choice === 'auto' ? ['webgpu', 'webgl', 'wasm', 'cpu'] : [choice];
  const skipped: string[] = [];
  for (const name of order) {
    try {
      if (name === 'wasm') return { name, label: await tryWasm(), skipped };
      await tryTf(name, choice === 'auto');
      return { name, label: name === 'cpu' ? 'cpu (plain JavaScript, slow)' : name, skipped };
    } catch (e) {
      skipped.push(`${name}: ${why(e)}`);
    }
  }
  throw new Error(`no tfjs backend could be loaded (${skipped.join('; ')})`);
}
