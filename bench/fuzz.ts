// 100,000 fuzzed programs through the front end (bench/fuzz-programs.ts), with the counts of each
// outcome; a case over 1 s counts as a hang. The bar: zero internal errors, zero hangs.
//   npm run build && node dist/bench/fuzz.js [--runs N] [--seed S]
import fc from 'fast-check';
import { fuzzProgram, runCase, type Outcome } from './fuzz-programs.js';

const arg = (flag: string, fallback: number): number => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('--runs', 100_000);
const seed = arg('--seed', 2026);
const HANG_MS = 1000;

const counts: Record<Outcome | 'hang', number> = { ok: 0, 'located-error': 0, 'unlocated-error': 0, 'internal-error': 0, hang: 0 };
const times: number[] = [];
const examples: string[] = [];
const started = performance.now();
fc.assert(
  fc.property(fuzzProgram, (source) => {
    const r = runCase(source);
    counts[r.outcome]++;
    times.push(r.ms);
    if (r.ms > HANG_MS) counts.hang++;
    if ((r.outcome === 'internal-error' || r.outcome === 'unlocated-error' || r.ms > HANG_MS) && examples.length < 5) {
      examples.push(`${r.outcome} (${r.ms.toFixed(0)} ms): ${r.detail ?? ''}\n${source.slice(0, 600)}`);
    }
    if (times.length % 10_000 === 0) console.error(`  ${times.length} cases, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }),
  { numRuns: runs, seed },
);
times.sort((a, b) => a - b);
const q = (p: number): string => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
console.log(`fuzzed ${times.length} programs (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`  checked and lowered:   ${counts.ok}`);
console.log(`  located errors:        ${counts['located-error']}`);
console.log(`  unlocated errors:      ${counts['unlocated-error']}`);
console.log(`  internal errors:       ${counts['internal-error']}`);
console.log(`  hangs (over ${HANG_MS} ms):   ${counts.hang}`);
console.log(`  time per case: median ${q(0.5)} ms, 99th percentile ${q(0.99)} ms, max ${times[times.length - 1]!.toFixed(2)} ms`);
for (const e of examples) console.log(`\n--- ${e}`);
process.exitCode = counts['internal-error'] + counts['unlocated-error'] + counts.hang > 0 ? 1 : 0;
