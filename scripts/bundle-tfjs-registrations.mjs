// Builds dist/vendor/tfjs-registrations.js: tfjs-core's gradient registrations and chained
// tensor methods as one ES module Node can load. tfjs-core ships them only as ES modules with
// extensionless relative imports, which Node's ESM loader refuses; its Node entry (CommonJS)
// registers neither. Bundlers read those files as they are, so a browser build imports them
// directly (the `browser` condition of `#tfjs-gradients` and `#tfjs-chained-ops` in
// package.json). The bundle carries its own copy of the ops the gradients call; tfjs keeps
// the engine and the registries global, so they act on the one engine the program uses (the
// umbrella package @tensorflow/tfjs does the same in its Node build).
import { build } from 'esbuild';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  absWorkingDir: root,
  stdin: {
    contents: "import '@tensorflow/tfjs-core/dist/register_all_gradients.js';\nimport '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';\n",
    resolveDir: root,
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The copy's platform code is never used (the main tfjs-core sets the platform); keep its
  // optional Node imports out of the bundle.
  external: ['node-fetch', 'util', 'crypto', 'worker_threads'],
  minify: true,
  legalComments: 'eof',
  outfile: 'dist/vendor/tfjs-registrations.js',
  logLevel: 'warning',
});
