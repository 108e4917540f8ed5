// Training-step speed: the hand-written baseline VAE (bench/vae-baseline.ts) and other
// candidates, timed side by side in one process, interleaved round by round so that machine
// drift (other processes, thermal, GC) hits every candidate alike.
//
//   npm run build && node dist/bench/speed.js [--backend auto|wasm|cpu|node] [--batch 32,100,128]
//       [--rounds 3] [--steps 20] [--warmup 5] [--seed bench] [--candidates baseline,compiled]
//       [--wasm-threads N]
//
// Each batch size runs `rounds` rounds; a round times every candidate `steps` times, step by
// step interleaved. The run ends with one line per batch size and candidate after the first,
// `ratio NAME/FIRST batch=B R`, R the median over rounds of the ratio of the round medians.
// Candidates: the hand-written ones (baseline, ...), and compiled, compiled-nvil (score
// function + NVIL) and compiled-iwae5 (IWAE, K = 5), each also as NAME-at:DIR for the build of
// another checkout in DIR, to compare two versions of the engine in one run, e.g.
//   --candidates compiled-at:../before,compiled
//
// Batches are seeded random binary images, so no data files are needed.
import type { SpeedCandidate } from './candidate.js';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import workerThreads from 'node:worker_threads';
import { tf } from '../runtime/tf.js';
import { initBackend, parseBackendChoice, describeBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { createBaselineVae, VAE_SIZES, type BaselineVaeOptions } from './vae-baseline.js';
import { compiledCandidateAt, ownDist, type CompiledVariant } from './compiled-candidate.js';

export type { SpeedCandidate } from './candidate.js';

export interface SideBySideOptions {
  /** Untimed steps per candidate first (kernel setup, XNNPACK operator caches, JIT). */
  warmup?: number;
  /** Timed steps per candidate. */
  steps: number;
  /** Datapoints per step, for samples/s (default: none reported). */
  batchSize?: number;
  /** Called after each round (progress). */
  onRound?: (round: number) => void;
}

export interface CandidateStats {
  name: string;
  /** Per-step wall times in ms, in run order. */
  times: number[];
  medianMs: number;
  meanMs: number;
  minMs: number;
  p90Ms: number;
  /** Datapoints per second at the median step time (NaN without batchSize). */
  samplesPerSec: number;
  /** The last step's return value, when it returned a number (e.g. the ELBO). */
  lastValue: number | undefined;
  /** Change of tf.memory().numTensors over the timed steps (0 when nothing leaks). */
  tensorDelta: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Times candidates' steps interleaved: round r runs every candidate once, in forward order on
 * even rounds and reverse order on odd ones (A B, B A, ...), so neither always runs right after
 * the other. Candidates are not disposed here.
 */
export function timeSideBySide(candidates: readonly SpeedCandidate[], opts: SideBySideOptions): CandidateStats[] {
  const warmup = opts.warmup ?? 5;
  const times: number[][] = candidates.map(() => []);
  const last: (number | undefined)[] = candidates.map(() => undefined);
  const tensorDelta = candidates.map(() => 0);
  for (let r = 0; r < warmup; r++) for (const c of candidates) c.step();
  for (let r = 0; r < opts.steps; r++) {
    const order = candidates.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      const v = candidates[i]!.step();
      const t = performance.now() - t0;
      tensorDelta[i]! += tf.memory().numTensors - before;
      times[i]!.push(t);
      if (typeof v === 'number') last[i] = v;
    }
    opts.onRound?.(r);
  }
  return candidates.map((c, i) => {
    const ts = times[i]!;
    const sorted = [...ts].sort((a, b) => a - b);
    const medianMs = quantile(sorted, 0.5);
    return {
      name: c.name,
      times: ts,
      medianMs,
      meanMs: ts.reduce((a, b) => a + b, 0) / ts.length,
      minMs: sorted[0] ?? NaN,
      p90Ms: quantile(sorted, 0.9),
      samplesPerSec: opts.batchSize ? (opts.batchSize * 1000) / medianMs : NaN,
      lastValue: last[i],
      tensorDelta: tensorDelta[i]!,
    };
  });
}

/** A table of the stats; the ratio column is each candidate's median over the first one's. */
export function formatStats(stats: readonly CandidateStats[]): string {
  const ref = stats[0]?.medianMs ?? NaN;
  const header = ['candidate', 'median ms', 'mean ms', 'min ms', 'p90 ms', 'samples/s', `/ ${stats[0]?.name ?? ''}`, 'ELBO', 'leak'];
  const rows = stats.map((s) => [
    s.name,
    s.medianMs.toFixed(2),
    s.meanMs.toFixed(2),
    s.minMs.toFixed(2),
    s.p90Ms.toFixed(2),
    Number.isNaN(s.samplesPerSec) ? '-' : s.samplesPerSec.toFixed(0),
    (s.medianMs / ref).toFixed(3),
    s.lastValue === undefined ? '-' : s.lastValue.toFixed(2),
    String(s.tensorDelta),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]): string => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `count` seeded random binary batches [batch, dim] (pixels on with probability 0.2). */
export function randomBinaryBatches(seed: string, count: number, batch: number, dim: number): tf.Tensor2D[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const v = new Float32Array(batch * dim);
    for (let i = 0; i < v.length; i++) v[i] = rng.uniform() < 0.2 ? 1 : 0;
    return tf.tensor2d(v, [batch, dim]);
  });
}

/** A candidate that cycles through `batches` (shared, not disposed by the candidate). */
export function baselineCandidate(name: string, batches: readonly tf.Tensor2D[], opts: BaselineVaeOptions & { sync?: boolean }): SpeedCandidate {
  const vae = createBaselineVae(opts);
  let i = 0;
  const next = (): tf.Tensor2D => batches[i++ % batches.length]!;
  if (opts.sync === false) {
    let pending: tf.Scalar | undefined;
    return {
      name,
      step: () => {
        // Keep only the latest ELBO tensor, as a training loop reading it lazily would.
        pending?.dispose();
        pending = vae.stepNoSync(next());
      },
      dispose: () => {
        pending?.dispose();
        vae.dispose();
      },
    };
  }
  return { name, step: () => vae.step(next()), dispose: () => vae.dispose() };
}

const BUILTIN: Record<string, (batches: readonly tf.Tensor2D[], seed: string) => SpeedCandidate> = {
  baseline: (b, seed) => baselineCandidate('baseline', b, { seed }),
  'baseline-nosync': (b, seed) => baselineCandidate('baseline-nosync', b, { seed, sync: false }),
  'naive-dense': (b, seed) => baselineCandidate('naive-dense', b, { seed, dense: 'naive' }),
  'fused-dense': (b, seed) => baselineCandidate('fused-dense', b, { seed, dense: 'fused' }),
  'plain-likelihood': (b, seed) => baselineCandidate('plain-likelihood', b, { seed, plainLikelihood: true }),
};

/**
 * Compiled candidates: `compiled` (the ELBO step of vae.ppl), `compiled-nvil`, `compiled-iwae5`,
 * each optionally `...-at:DIR` for the build of another checkout in DIR (e.g. the commit before
 * a change, built in a second worktree), timed in the same process.
 */
const COMPILED = /^compiled(?:-(nvil|iwae5))?(?:-at:(.+))?$/;

/**
 * Makes tfjs-backend-wasm run XNNPACK on `threads` threads in Node. Call before the wasm backend
 * initialises; returns the thread count the backend actually got.
 *
 * tfjs disables wasm threads in Node (flag WASM_HAS_MULTITHREAD_SUPPORT is false under IS_NODE,
 * tensorflow/tfjs#3830), although its threaded SIMD binary is Emscripten-built with Node
 * support. Three things stand in the way, worked around here: the flag; the pthread workers are
 * started from blob: URLs, which Node's Worker cannot load (so such workers get the bundled
 * worker script as eval code, loading the threaded module from disk); and the thread count is
 * capped at os.cpus().length / 2 (hyper-threading guess), i.e. 1 on a 2-core machine (so
 * os.cpus is doubled while the module instantiates). The workers hold the process open: remove
 * the backend (tf.removeBackend('wasm')) or exit explicitly when done.
 */
export async function enableWasmThreadsInNode(threads: number): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as {
    setThreadsCount(n: number): void;
  };
  const outDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const threadedJs = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // As tfjs does for its Blob: the contents hold '\n' escapes that must stay escaped.
  const workerCode =
    wasmWorkerContents.replace(/\n/g, '\\n') +
    `;\nglobal.importScripts = function () { (0, eval)(require('fs').readFileSync(${JSON.stringify(threadedJs)}, 'utf8')); };`;
  const Original = workerThreads.Worker;
  class PthreadWorker extends Original {
    constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
      if (typeof file === 'string' && file.startsWith('blob:')) super(workerCode, { ...options, eval: true });
      else super(file, options);
    }
  }
  // The Emscripten module reads require('worker_threads').Worker when it instantiates.
  (workerThreads as unknown as { Worker: typeof Original }).Worker = PthreadWorker;
  const realCpus = os.cpus;
  os.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]!);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  try {
    await initBackend('wasm');
  } finally {
    os.cpus = realCpus;
    (workerThreads as unknown as { Worker: typeof Original }).Worker = Original;
  }
}

/** Threads XNNPACK uses on the wasm backend (1 unless threads were enabled). */
export async function wasmThreadsCount(): Promise<number> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as { getThreadsCount(): number };
  return wasm.getThreadsCount();
}

/** Whether `name` names a candidate makeCandidate knows. */
export function knownCandidate(name: string): boolean {
  return name in BUILTIN || COMPILED.test(name);
}

/** A built-in candidate, or a compiled step of this build or another checkout's (see COMPILED). */
export async function makeCandidate(name: string, batches: readonly tf.Tensor2D[], seed: string): Promise<SpeedCandidate> {
  const builtin = BUILTIN[name];
  if (builtin) return builtin(batches, seed);
  const m = COMPILED.exec(name);
  if (!m) throw new Error(`unknown candidate '${name}'`);
  const variant = (m[1] ?? 'elbo') as CompiledVariant;
  const dist = m[2] ? path.join(path.resolve(m[2]), 'dist') : ownDist();
  return compiledCandidateAt(dist, name, batches, seed, variant);
}

/** Median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

export interface RoundsResult {
  batch: number;
  /** Per round, per candidate: the stats of that round. */
  rounds: CandidateStats[][];
  /** Per candidate: the median over rounds of its round median (ms). */
  medianMs: number[];
  /** Per candidate: the median over rounds of (its round median / the first candidate's). */
  ratio: number[];
  /**
   * Per candidate: the median over rounds of (its fastest step / the first candidate's): on a
   * machine shared with other work, the fastest steps are the least disturbed ones.
   */
  minRatio: number[];
}

/** `rounds` rounds of timeSideBySide: each round interleaves every candidate step by step. */
export function timeRounds(candidates: readonly SpeedCandidate[], rounds: number, opts: SideBySideOptions & { batchSize: number }): RoundsResult {
  const all: CandidateStats[][] = [];
  for (let r = 0; r < rounds; r++) all.push(timeSideBySide(candidates, { ...opts, warmup: r === 0 ? opts.warmup : 1 }));
  return {
    batch: opts.batchSize,
    rounds: all,
    medianMs: candidates.map((_, i) => median(all.map((round) => round[i]!.medianMs))),
    ratio: candidates.map((_, i) => median(all.map((round) => round[i]!.medianMs / round[0]!.medianMs))),
    minRatio: candidates.map((_, i) => median(all.map((round) => round[i]!.minMs / round[0]!.minMs))),
  };
}

interface Args {
  backend: string;
  batches: number[];
  rounds: number;
  steps: number;
  warmup: number;
  seed: string;
  candidates: string[];
  wasmThreads: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { backend: 'auto', batches: [100], rounds: 3, steps: 20, warmup: 5, seed: 'bench', candidates: ['baseline', 'compiled'], wasmThreads: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    const int = (): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer (got '${value}')`);
      return n;
    };
    switch (flag) {
      case '--backend':
        args.backend = value;
        break;
      case '--batch':
        args.batches = value.split(',').map((b) => {
          const n = Number(b);
          if (!Number.isInteger(n) || n < 1) throw new Error(`--batch takes positive integers separated by commas (got '${value}')`);
          return n;
        });
        break;
      case '--rounds':
        args.rounds = int();
        if (args.rounds < 1) throw new Error('--rounds must be at least 1');
        break;
      case '--steps':
        args.steps = int();
        break;
      case '--warmup':
        args.warmup = int();
        break;
      case '--seed':
        args.seed = value;
        break;
      case '--wasm-threads':
        args.wasmThreads = int();
        break;
      case '--candidates':
        args.candidates = value.split(',').filter((s) => s.length > 0);
        break;
      default:
        throw new Error(`unknown flag ${flag} (known: --backend --batch --rounds --steps --warmup --seed --candidates --wasm-threads)`);
    }
  }
  for (const c of args.candidates) {
    if (!knownCandidate(c)) throw new Error(`unknown candidate '${c}' (known: ${Object.keys(BUILTIN).join(', ')}, compiled, compiled-nvil, compiled-iwae5, each also as NAME-at:DIR)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.wasmThreads > 0) {
    if (args.backend !== 'wasm') throw new Error('--wasm-threads needs --backend wasm');
    await enableWasmThreadsInNode(args.wasmThreads);
  }
  const info = await initBackend(parseBackendChoice(args.backend));
  const threads = info.name === 'wasm' ? `, ${await wasmThreadsCount()} XNNPACK thread(s)` : '';
  console.log(describeBackend(info) + threads);
  console.log(`${args.rounds} rounds of ${args.steps} timed steps per candidate, interleaved step by step (${args.warmup} warm-up steps first)`);
  const results: RoundsResult[] = [];
  for (const batch of args.batches) {
    const batches = randomBinaryBatches(`${args.seed}/data`, 8, batch, VAE_SIZES.input);
    const candidates = await Promise.all(args.candidates.map((c) => makeCandidate(c, batches, args.seed)));
    const result = timeRounds(candidates, args.rounds, { warmup: args.warmup, steps: args.steps, batchSize: batch });
    console.log(`\nbatch ${batch}, last round:`);
    console.log(formatStats(result.rounds[result.rounds.length - 1]!));
    console.log(`median over rounds: ${candidates.map((c, i) => `${c.name} ${result.medianMs[i]!.toFixed(2)} ms (${((batch * 1000) / result.medianMs[i]!).toFixed(0)} samples/s)`).join(', ')}`);
    results.push(result);
    for (const c of candidates) c.dispose();
    tf.dispose(batches);
  }
  console.log('\nfastest steps (least disturbed by other work), median over rounds of the ratio:');
  for (const r of results) {
    for (let i = 1; i < args.candidates.length; i++) {
      console.log(`min-ratio ${args.candidates[i]}/${args.candidates[0]} batch=${r.batch} ${r.minRatio[i]!.toFixed(3)}`);
    }
  }
  console.log('');
  for (const r of results) {
    for (let i = 1; i < args.candidates.length; i++) {
      console.log(`ratio ${args.candidates[i]}/${args.candidates[0]} batch=${r.batch} ${r.ratio[i]!.toFixed(3)}`);
    }
  }
  // Terminates the wasm pthread workers, which would otherwise keep the process alive.
  if (args.wasmThreads > 0) tf.removeBackend('wasm');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
