// The programs in examples/ run as a user runs them (node examples/NAME.mjs, importing the
// package by its name) and print what their comments promise.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const BUILT = fs.existsSync(path.join(ROOT, 'dist', 'api', 'index.js'));

describe.skipIf(!BUILT)('examples (built by `npm run build`)', () => {
  it('coin.mjs: the posterior of the coin is Beta(16, 14), mean 0.5333 (within 0.01) and sd 0.0896 (within 10%)', () => {
    const started = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'examples', 'coin.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    const seconds = (performance.now() - started) / 1000;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { p } = JSON.parse(lines[0]!) as { p: { mean: number; sd: number } };
    const mean = 16 / 30;
    const sd = Math.sqrt((16 * 14) / (30 ** 2 * 31));
    expect(Math.abs(p.mean - mean)).toBeLessThan(0.01);
    expect(Math.abs(p.sd - sd) / sd).toBeLessThan(0.1);
    // Its time is reported, not tested: a loaded machine would fail a bound without any fault.
    console.log(`coin.mjs: mean ${p.mean.toFixed(4)}, sd ${p.sd.toFixed(4)} in ${seconds.toFixed(1)} s`);
  });
});
