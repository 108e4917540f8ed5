// The playground's build: web/ is the root, the engine comes from the built package (dist/,
// `npm run build`), and both the dev server and the preview send the cross-origin isolation
// headers so that tfjs' wasm backend can run multi-threaded (SharedArrayBuffer).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The engine imports tfjs-node by name only when asked for the Node backend, which a page never
 * is: a module that says so stands in for it.
 */
const noNodeBackend: Plugin = {
  name: 'ppl-no-tfjs-node',
  enforce: 'pre',
  resolveId: (id) => (id === '@tensorflow/tfjs-node' ? '\0ppl-no-tfjs-node' : undefined),
  load: (id) => (id === '\0ppl-no-tfjs-node' ? "throw new Error('tfjs-node runs in Node only');" : undefined),
};

export default defineConfig({
  root: here('.'),
  plugins: [noNodeBackend],
  base: './',
  resolve: {
    alias: [
      { find: /^ppl-vi\/engine$/, replacement: here('../dist/api/engine.js') },
      // csv-parse's Node build uses Buffer; its browser build carries its own.
      { find: /^csv-parse\/sync$/, replacement: 'csv-parse/browser/esm/sync' },
    ],
  },
  server: { headers: isolation, host: '127.0.0.1', fs: { allow: [here('..')] } },
  preview: { headers: isolation, host: '127.0.0.1' },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    // Not minified: tfjs' threaded wasm hands its factory's source text to its workers, which
    // breaks when the bundler renames the names it refers to.
    minify: false,
    rolldownOptions: {
      input: { main: here('index.html'), bench: here('bench.html') },
    },
  },
  worker: { format: 'es' },
});
