import * as esbuild from 'esbuild';
const entry = process.argv[2];
const r = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, platform: 'node', format: 'esm', metafile: true, packages: 'external', logLevel: 'silent' });
const inputs = r.metafile.inputs;
// BFS over static imports only
const start = entry.replace(/^\.\//, '');
const prev = { [start]: null }; const q = [start]; const pk = {};
while (q.length) { const f = q.shift(); for (const i of (inputs[f]?.imports ?? [])) { if (i.kind !== 'import-statement') continue; if (i.external) { (pk[i.path] ??= f); continue; } if (!(i.path in prev)) { prev[i.path] = f; q.push(i.path); } } }
const chain = (f) => { const c = []; while (f) { c.unshift(f); f = prev[f]; } return c.join(' -> '); };
for (const [p, f] of Object.entries(pk)) if (!p.startsWith('node:')) console.log(p.padEnd(40), chain(f));
