// Paths the benchmarks share: the repository root and the reference data beside it.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, from either bench/*.ts (vitest, tsx) or dist/bench/*.js (built). */
export function repoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '..', '..') : path.resolve(here, '..');
}

/** ../shared/data/mnist beside the checkout (present on developers' machines and CI). */
export function sharedMnistDir(): string {
  return path.resolve(repoRoot(), '..', 'shared', 'data', 'mnist');
}
