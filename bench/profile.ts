// Kernel profile of one training step (tf.profile): kernels per step by name, their time, and
// the wall time outside kernels (engine and JavaScript dispatch). Candidates as in speed.ts.
//
//   npm run build && node dist/bench/profile.js [--backend wasm] [--batch 100] [--candidates baseline,compiled]
//       [--steps 5] [--top 12]
import { pathToFileURL } from 'node:url';
import { tf } from '../runtime/tf.js';
import { initBackend, parseBackendChoice, describeBackend } from '../runtime/backend.js';
import { VAE_SIZES } from './vae-baseline.js';
import { randomBinaryBatches, makeCandidate, knownCandidate } from './speed.js';
import type { SpeedCandidate } from './candidate.js';

export interface KernelGroup {
  name: string;
  count: number;
  ms: number;
}

export interface StepProfile {
  kernels: number;
  kernelMs: number;
  wallMs: number;
  groups: KernelGroup[];
}

/** Kernels the optimizer update runs, by position: everything after the last gradient kernel is hard to tell apart, so group by name only. */
export async function profileStep(c: SpeedCandidate, steps: number): Promise<StepProfile> {
  let best: StepProfile | undefined;
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    const info = await tf.profile(() => {
      c.step();
    });
    const wallMs = performance.now() - t0;
    const byName = new Map<string, KernelGroup>();
    let kernelMs = 0;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      kernelMs += ms;
      const g = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
      g.count++;
      g.ms += ms;
      byName.set(k.name, g);
    }
    const p = { kernels: info.kernels.length, kernelMs, wallMs, groups: [...byName.values()].sort((a, b) => b.ms - a.ms) };
    if (!best || p.wallMs < best.wallMs) best = p;
  }
  return best!;
}

export function formatProfile(name: string, p: StepProfile, top: number): string {
  const lines = [`${name}: ${p.kernels} kernels, ${p.kernelMs.toFixed(2)} ms in kernels, ${p.wallMs.toFixed(2)} ms wall (profiled, fastest of the steps)`];
  for (const g of p.groups.slice(0, top)) {
    lines.push(`  ${g.name.padEnd(26)} ${String(g.count).padStart(4)}  ${g.ms.toFixed(2).padStart(7)} ms  ${((100 * g.ms) / p.kernelMs).toFixed(1).padStart(5)}%`);
  }
  const rest = p.groups.slice(top);
  if (rest.length > 0) {
    const ms = rest.reduce((a, g) => a + g.ms, 0);
    const count = rest.reduce((a, g) => a + g.count, 0);
    lines.push(`  ${'(others)'.padEnd(26)} ${String(count).padStart(4)}  ${ms.toFixed(2).padStart(7)} ms  ${((100 * ms) / p.kernelMs).toFixed(1).padStart(5)}%`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
  };
  const batch = Number(opt('--batch', '100'));
  const steps = Number(opt('--steps', '5'));
  const top = Number(opt('--top', '12'));
  const names = opt('--candidates', 'baseline,compiled').split(',');
  for (const n of names) if (!knownCandidate(n)) throw new Error(`unknown candidate '${n}'`);
  const info = await initBackend(parseBackendChoice(opt('--backend', 'auto')));
  console.log(describeBackend(info) + `, batch ${batch}`);
  const batches = randomBinaryBatches('bench/data', 8, batch, VAE_SIZES.input);
  for (const n of names) {
    const c = await makeCandidate(n, batches, 'bench');
    for (let i = 0; i < 5; i++) c.step();
    console.log(formatProfile(c.name, await profileStep(c, steps), top));
    c.dispose();
  }
  tf.dispose(batches);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
