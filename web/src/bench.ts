// The step-speed page (bench.html): one backend per load, the VAE's ms per step.
import { loadModel } from 'ppl-vi/engine';
import vaeSource from '../../models/vae.ppl?raw';
import { chooseBackend, PAGE_BACKENDS, type PageBackend } from './backend.js';
import { timeSteps } from './bench-steps.js';

const params = new URLSearchParams(location.search);
const wanted = params.get('backend') ?? 'wasm';
const out = document.getElementById('result')!;
const int = (name: string, d: number): number => Number(params.get(name) ?? d);

try {
  if (!(PAGE_BACKENDS as readonly string[]).includes(wanted)) throw new Error(`unknown backend '${wanted}'`);
  const backend = await chooseBackend(wanted as PageBackend);
  document.getElementById('backend')!.textContent = backend.label;
  const timing = await timeSteps(loadModel(vaeSource, { file: 'vae.ppl' }), { steps: int('steps', 30), warmup: int('warmup', 5), batch: int('batch', 100), inputSize: 784 });
  const result = { backend: backend.name, label: backend.label, skipped: backend.skipped, crossOriginIsolated: globalThis.crossOriginIsolated, userAgent: navigator.userAgent, ...timing };
  out.textContent = JSON.stringify(result, null, 1);
  out.dataset.done = 'true';
} catch (e) {
  out.textContent = JSON.stringify({ backend: wanted, error: e instanceof Error ? e.message : String(e) });
  out.dataset.done = 'error';
}
