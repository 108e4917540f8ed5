// `ppl --help`, `ppl --version`, `ppl check` and an editor's language service load no tensor
// library: following only static imports from their entry modules reaches no @tensorflow
// package (commands import TensorFlow.js when they run, by dynamic import).
import { build } from 'esbuild';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The packages reachable from `entry` through static imports, each with the chain of modules that reaches it. */
async function staticPackages(entry: string): Promise<Map<string, string>> {
  const r = await build({ entryPoints: [entry], absWorkingDir: ROOT, bundle: true, write: false, platform: 'node', format: 'esm', metafile: true, packages: 'external', logLevel: 'silent' });
  const inputs = r.metafile.inputs;
  const from = new Map<string, string | undefined>([[entry, undefined]]);
  const found = new Map<string, string>();
  const chain = (f: string | undefined): string => (f ? [chain(from.get(f)), f].filter(Boolean).join(' -> ') : '');
  const queue = [entry];
  while (queue.length) {
    const f = queue.shift()!;
    for (const i of inputs[f]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) {
        if (!found.has(i.path)) found.set(i.path, chain(f));
      } else if (!from.has(i.path)) {
        from.set(i.path, f);
        queue.push(i.path);
      }
    }
  }
  return found;
}

const tensorPackages = (m: Map<string, string>): string[] => [...m].filter(([p]) => p.startsWith('@tensorflow/') || p.startsWith('#tfjs')).map(([p, c]) => `${p} <- ${c}`);

describe('what starts fast', () => {
  for (const entry of ['cli/main.ts', 'cli/commands/check.ts', 'api/front.ts', 'api/node/front.ts', 'api/language-service.ts']) {
    it(`${entry} reaches no TensorFlow.js through static imports`, async () => {
      expect(tensorPackages(await staticPackages(entry))).toEqual([]);
    });
  }

  it('the check can fail: a computing command reaches tfjs-core', async () => {
    expect(tensorPackages(await staticPackages('cli/commands/train.ts')).join('\n')).toContain('@tensorflow/tfjs-core');
  });

  it('npx in a built clone does not rebuild it: prepare skips the build when npm runs it for `npx ppl` (npm_command=exec)', () => {
    const script = path.join(ROOT, 'scripts', 'prepare.mjs');
    const built = existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'));
    const r = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_command: 'exec', PATH: '' } });
    // with no PATH, a build would fail to find npm: a clean exit with no output means no build ran
    if (built) {
      expect(r.status).toBe(0);
      expect(r.stdout + r.stderr).toBe('');
    } else expect(r.status).not.toBe(0);
  });
});
