// The engine (everything under runtime/) must run in a browser: no file of it may import a node
// built-in, as `node:fs` or bare `fs`, statically, dynamically or through require. File access
// lives in io/.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Module names a file imports: `from '...'`, `import '...'`, `import('...')`, `require('...')`. */
function importedModules(source: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...source.matchAll(re)].map((m) => m[1]!);
}

const builtins = new Set(builtinModules);

function isNodeBuiltin(name: string): boolean {
  return name.startsWith('node:') || builtins.has(name) || builtins.has(name.split('/')[0]!);
}

describe('the engine imports no node module', () => {
  it('recognizes the forms it looks for', () => {
    const src = "import { a } from 'node:fs';\nimport path from \"path\";\nimport 'zlib';\nconst c = await import('node:crypto');\nconst m = require('module');\nimport { b } from 'fs/promises';\nimport x from './fs.js';\nimport s from 'seedrandom';\n";
    expect(importedModules(src).filter(isNodeBuiltin)).toEqual(['node:fs', 'path', 'zlib', 'node:crypto', 'module', 'fs/promises']);
  });

  it('no .ts file under runtime/ imports node:*, fs, path, zlib, crypto, module or another built-in', () => {
    const files = tsFiles(path.join(root, 'runtime'));
    expect(files.length).toBeGreaterThan(20);
    const offending = files
      .map((f) => ({ file: path.relative(root, f), modules: importedModules(readFileSync(f, 'utf8')).filter(isNodeBuiltin) }))
      .filter((x) => x.modules.length > 0)
      .map((x) => `${x.file}: ${x.modules.join(', ')}`);
    expect(offending, `runtime/ must not import node modules (move file access to io/):\n${offending.join('\n')}`).toEqual([]);
  });
});
