// The layering rule of docs/architecture.md, checked on the sources' imports: a module imports
// only from its own layer or those below it, the engine imports no Node module, and no import
// circle exists. A failure names the file and the import that breaks the rule.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Layers from the bottom up; a path belongs to the layer of the longest prefix it starts with.
 * Keep in step with the table in docs/architecture.md.
 */
const LAYERS: readonly { name: string; prefixes: readonly string[]; engine: boolean }[] = [
  { name: 'errors', prefixes: ['runtime/errors.ts'], engine: true },
  { name: 'runtime', prefixes: ['runtime/'], engine: true },
  { name: 'lang', prefixes: ['lang/'], engine: true },
  { name: 'inference', prefixes: ['inference/'], engine: true },
  { name: 'trained', prefixes: ['trained/'], engine: true },
  { name: 'experiments', prefixes: ['experiments/'], engine: true },
  { name: 'api', prefixes: ['api/'], engine: true },
  { name: 'io', prefixes: ['io/'], engine: false },
  { name: 'api-node', prefixes: ['api/node/', 'api/index.ts'], engine: false },
  { name: 'cli', prefixes: ['cli/'], engine: false },
  { name: 'bench', prefixes: ['bench/'], engine: false },
];

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'url', 'zlib', 'crypto', 'module', 'child_process', 'stream', 'util', 'process', 'worker_threads', 'readline']);

function layerOf(rel: string): number {
  let best = -1;
  let length = 0;
  LAYERS.forEach((l, i) => {
    for (const p of l.prefixes) {
      if ((rel === p || rel.startsWith(p)) && p.length > length) {
        best = i;
        length = p.length;
      }
    }
  });
  return best;
}

function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const l of LAYERS) for (const p of l.prefixes) if (p.endsWith('/') && fs.existsSync(path.join(ROOT, p))) walk(p.slice(0, -1));
  return [...new Set(out)].sort();
}

/** Module specifiers of static imports and exports, and of import() with a string literal. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/^\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The repository-relative .ts path of a relative specifier. */
function resolve(from: string, spec: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return target.replace(/\.js$/, '.ts');
}

interface Edge {
  from: string;
  to: string;
  spec: string;
}

function graph(): { files: string[]; edges: Edge[]; external: { from: string; spec: string }[] } {
  const files = sources();
  const edges: Edge[] = [];
  const external: { from: string; spec: string }[] = [];
  for (const f of files) {
    for (const spec of specifiers(fs.readFileSync(path.join(ROOT, f), 'utf8'))) {
      if (spec.startsWith('.')) edges.push({ from: f, to: resolve(f, spec), spec });
      else external.push({ from: f, spec });
    }
  }
  return { files, edges, external };
}

describe('the layering rule (docs/architecture.md)', () => {
  const { files, edges, external } = graph();

  it('places every source file in a layer', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no import from a higher layer', () => {
    const upward = edges
      .filter((e) => layerOf(e.to) > layerOf(e.from))
      .map((e) => `${e.from} (${LAYERS[layerOf(e.from)]!.name}) imports ${e.spec} (${LAYERS[layerOf(e.to)]?.name ?? 'outside every layer'})`);
    expect(upward).toEqual([]);
  });

  it('keeps the engine free of Node modules, so that it bundles for a browser', () => {
    const bad = external
      .filter((x) => LAYERS[layerOf(x.from)]!.engine)
      .filter((x) => x.spec.startsWith('node:') || NODE_BUILTINS.has(x.spec.split('/')[0]!))
      .map((x) => `${x.from} imports ${x.spec}`);
    expect(bad).toEqual([]);
  });

  it('keeps the command line a shell over the library: cli/ imports only api/ and itself', () => {
    const reaching = edges.filter((e) => e.from.startsWith('cli/') && !e.to.startsWith('cli/') && !e.to.startsWith('api/')).map((e) => `${e.from} imports ${e.spec}`);
    expect(reaching).toEqual([]);
  });

  it('has no import circle', () => {
    // Tarjan's strongly connected components over the file graph.
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    const visit = (v: string): void => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      for (const w of next.get(v) ?? []) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const f of files) if (!index.has(f)) visit(f);
    expect(circles).toEqual([]);
  });

  it('detects a violation (the checker itself can fail)', () => {
    expect(layerOf('runtime/params.ts')).toBeLessThan(layerOf('lang/ast.ts'));
    expect(layerOf('runtime/errors.ts')).toBeLessThan(layerOf('runtime/params.ts'));
    expect(LAYERS[layerOf('api/node/entry.ts')]!.name).toBe('api-node');
    expect(LAYERS[layerOf('api/fit.ts')]!.engine).toBe(true);
    expect(specifiers("import { a } from '../x.js';\nexport { b } from './y.js';\nconst m = await import('node:fs');")).toEqual(['../x.js', './y.js', 'node:fs']);
  });
});
