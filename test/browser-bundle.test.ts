// The engine entry (`ppl-vi/engine`: parse, check, lower, compile, train, use a trained model)
// bundles for a browser: esbuild with platform 'browser' resolves every import, and a Node
// module anywhere in the engine or its dependencies is an error that names it.
import { build, type BuildFailure } from 'esbuild';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

async function bundleErrors(options: Parameters<typeof build>[0]): Promise<string[]> {
  try {
    await build({ bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', absWorkingDir: ROOT, ...options });
    return [];
  } catch (e) {
    return (e as BuildFailure).errors.map((x) => `${x.location?.file ?? '?'}: ${x.text}`);
  }
}

describe('the engine entry in a browser bundle', () => {
  it('bundles api/engine.ts for the browser platform with no Node module', async () => {
    expect(await bundleErrors({ entryPoints: ['api/engine.ts'] })).toEqual([]);
  });

  it('fails, naming the module, when the engine imports a Node module (the check can fail)', async () => {
    const errors = await bundleErrors({ stdin: { contents: "import './api/engine.ts';\nimport { readFileSync } from 'node:fs';\nconsole.log(readFileSync);", resolveDir: ROOT, loader: 'ts' } });
    expect(errors.join('\n')).toContain('node:fs');
  });
});
