// Fuzzing the front end (property-based, fast-check): programs generated from the grammar and
// random edits of the example models. Each must check (and lower) or end in located diagnostics:
// no internal error, no unlocated error, no hang. A few thousand cases here with a fixed seed;
// bench/fuzz.ts runs 100,000 and reports the counts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzProgram, grammarProgram, mutatedModel, runCase } from '../bench/fuzz-programs.js';

/** A hang guard, not a speed bound: a case normally takes milliseconds (bench/fuzz.ts reports them). */
const HANG_MS = 10_000;

function property(arbitrary: fc.Arbitrary<string>, numRuns: number, seed: number): void {
  fc.assert(
    fc.property(arbitrary, (source) => {
      const r = runCase(source);
      if (r.outcome === 'internal-error' || r.outcome === 'unlocated-error') throw new Error(`${r.outcome}: ${r.detail}\n--- source:\n${source.slice(0, 2000)}`);
      if (r.ms > HANG_MS) throw new Error(`took ${r.ms.toFixed(0)} ms\n--- source:\n${source.slice(0, 2000)}`);
    }),
    { numRuns, seed, endOnFailure: true },
  );
}

describe('fuzzing the front end', () => {
  it('programs generated from the grammar: checked or located errors', () => {
    property(grammarProgram, 3000, 12);
  }, 120_000);

  it('the example models with random edits: checked or located errors', () => {
    property(mutatedModel, 3000, 12);
  }, 120_000);

  it('the generators reach both outcomes (the fuzzing is not all parse errors)', () => {
    const outcomes = fc.sample(fuzzProgram, { numRuns: 400, seed: 7 }).map((s) => runCase(s).outcome);
    expect(outcomes).toContain('ok');
    expect(outcomes).toContain('located-error');
  });
});
