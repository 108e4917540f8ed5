// ms per training step of models/vae.ppl (batch 100) on every tfjs backend headless Chromium has
// here, beside the Node wasm figures, in one run: rounds interleave the configurations (a fresh
// page each), and each figure is the median over rounds of the per-round medians.
//
//   npm run bench:web            (builds the page first)
//   node web/scripts/bench.mjs [--rounds 3] [--steps 20] [--warmup 3]
//
// Browser steps are timed through fit, as the playground trains (minibatch gathering and the
// yield to the page included); "Node, fit" times the same in Node, and "Node, bench/speed.js"
// is the compiled step alone as bench/ reports it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { DIST, serve } from './serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, d) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const ROUNDS = opt('rounds', 3);
const STEPS = opt('steps', 20);
const WARMUP = opt('warmup', 3);
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) throw new Error('no Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)');
if (!existsSync(path.join(DIST, 'bench.html'))) throw new Error('web/dist is not built: npm run build:web');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** The browser configurations: backend, and whether the page is cross-origin isolated. */
const configs = [
  { name: 'Chromium webgpu', backend: 'webgpu', isolated: true },
  { name: 'Chromium webgl', backend: 'webgl', isolated: true },
  { name: 'Chromium wasm (isolated: threaded build)', backend: 'wasm', isolated: true },
  { name: 'Chromium wasm (not isolated: 1 thread)', backend: 'wasm', isolated: false },
  { name: 'Chromium cpu (plain JS)', backend: 'cpu', isolated: true, steps: 4, warmup: 1 },
];

const servers = { true: await serve({ isolated: true }), false: await serve({ isolated: false }) };
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

async function browserRun(c) {
  const page = await browser.newPage();
  try {
    const steps = c.steps ?? STEPS;
    const warmup = c.warmup ?? WARMUP;
    await page.goto(`${servers[c.isolated].url}bench.html?backend=${c.backend}&steps=${steps}&warmup=${warmup}`);
    await page.waitForFunction(() => document.getElementById('result').dataset.done !== 'false', null, { timeout: 600_000, polling: 500 });
    return JSON.parse(await page.textContent('#result'));
  } finally {
    await page.close();
  }
}

async function nodeFit() {
  const { useBackend, loadModel, arrayData, fit, Rng } = await import(path.join(ROOT, 'dist', 'api', 'index.js'));
  await useBackend('wasm');
  const { readFileSync } = await import('node:fs');
  const model = loadModel(readFileSync(path.join(ROOT, 'models', 'vae.ppl'), 'utf8'), { file: 'vae.ppl' });
  const n = (STEPS + WARMUP) * 100;
  const rng = new Rng('bench/data');
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < 0.5 ? 1 : 0;
  const stamps = [];
  const { trained } = await fit(model, arrayData({ x }), { epochs: 1, batchSize: 100, seed: 'bench', evaluateTest: false, onStep: () => void stamps.push(performance.now()) });
  trained.dispose();
  const times = stamps.slice(WARMUP).map((t, i) => t - stamps[WARMUP + i - 1]);
  return { medianMs: median(times) };
}

async function nodeSpeed() {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'bench', 'speed.js'), '--backend', 'wasm', '--batch', '100', '--steps', String(STEPS), '--warmup', String(WARMUP), '--candidates', 'compiled'], { cwd: ROOT });
  // bench/speed.js's summary line, or the table row of its older output.
  const m = /median over rounds: compiled(?: vae\.ppl)? ([\d.]+) ms/.exec(stdout) ?? /^compiled(?: vae\.ppl)?\s+([\d.]+)/m.exec(stdout);
  return m ? { medianMs: Number(m[1]) } : { error: `could not read bench/speed.js's output: ${stdout.slice(0, 200)}` };
}

const results = new Map();
const labels = new Map();
const record = (name, r) => {
  if (!results.has(name)) results.set(name, []);
  if (r.error) labels.set(name, `unavailable: ${r.error}`);
  else {
    results.get(name).push(r.medianMs);
    if (r.label) labels.set(name, r.label);
  }
};

for (let round = 1; round <= ROUNDS; round++) {
  for (const c of configs) record(c.name, await browserRun(c));
  record('Node wasm, fit (as the page)', await nodeFit());
  record('Node wasm, bench/speed.js compiled step', await nodeSpeed());
  process.stderr.write(`round ${round}/${ROUNDS} done\n`);
}
await browser.close();
await servers.true.close();
await servers.false.close();

const reference = median(results.get('Node wasm, fit (as the page)'));
console.log(`models/vae.ppl, batch 100, ${STEPS} timed steps after ${WARMUP} warm-up per run, median of ${ROUNDS} rounds (cpu: 4 steps)`);
console.log(`${'where'.padEnd(44)}  ${'ms/step'.padStart(8)}  ${'/ Node fit'.padStart(10)}  backend as shown`);
for (const [name, xs] of results) {
  const m = median(xs);
  console.log(`${name.padEnd(44)}  ${(Number.isFinite(m) ? m.toFixed(1) : '-').padStart(8)}  ${(Number.isFinite(m) ? (m / reference).toFixed(2) : '-').padStart(10)}  ${labels.get(name) ?? ''}`);
}
