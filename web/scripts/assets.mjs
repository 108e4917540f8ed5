// Static assets the page fetches at run time (never bundled into its script), written to
// web/public/ before the dev server or a build starts:
// - data/mnist-subset.bin + .json: the first TRAIN training and TEST test images of the embedded
//   MNIST digits, in the order Node's `mnist` spec gives them (digit-interleaved), so a page run
//   on N of them trains on what `ppl train --data mnist --train-size N` does;
// - tfjs-wasm/: tfjs' three WebAssembly binaries (plain, SIMD, threaded SIMD).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEmbeddedMnist } from '../../dist/io/embedded-mnist.js';

const TRAIN = 4000;
const TEST = 1000;
const PIXELS = 784;

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
mkdirSync(join(publicDir, 'data'), { recursive: true });
const raw = await loadEmbeddedMnist();
const parts = [raw.train.pixels.subarray(0, TRAIN * PIXELS), raw.test.pixels.subarray(0, TEST * PIXELS), raw.train.labels.subarray(0, TRAIN), raw.test.labels.subarray(0, TEST)];
const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
let at = 0;
for (const p of parts) {
  bytes.set(p, at);
  at += p.length;
}
writeFileSync(join(publicDir, 'data', 'mnist-subset.bin'), bytes);
writeFileSync(
  join(publicDir, 'data', 'mnist-subset.json'),
  JSON.stringify({ train: TRAIN, test: TEST, pixels: PIXELS, layout: 'train pixels, test pixels, train labels, test labels (uint8)', of: { train: raw.train.labels.length, test: raw.test.labels.length } }, null, 1),
);

const require = createRequire(import.meta.url);
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
mkdirSync(join(publicDir, 'tfjs-wasm'), { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(publicDir, 'tfjs-wasm', f));
console.log(`web/public: ${TRAIN} + ${TEST} MNIST digits (${(bytes.length / 1e6).toFixed(1)} MB), tfjs wasm binaries`);
