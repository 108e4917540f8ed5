// ms per training step of a model on seeded random binary images, through fit (minibatch
// gathering and the page's yield per step included): what a person training in the tab waits.
// web/scripts/bench.mjs times the same in Node.
import { arrayData, fit, Rng, type Model } from 'ppl-vi/engine';

export interface StepTiming {
  steps: number;
  warmup: number;
  batch: number;
  medianMs: number;
  meanMs: number;
  minMs: number;
  lastElbo: number;
}

export async function timeSteps(model: Model, opts: { steps: number; warmup: number; batch: number; inputSize: number }): Promise<StepTiming> {
  const n = (opts.steps + opts.warmup) * opts.batch;
  const rng = new Rng('bench/data');
  const x = new Float32Array(n * opts.inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < 0.5 ? 1 : 0;
  const stamps: number[] = [];
  let lastElbo = NaN;
  const { trained } = await fit(model, arrayData({ x }), {
    epochs: 1,
    batchSize: opts.batch,
    seed: 'bench',
    evaluateTest: false,
    onStep: (s) => {
      stamps.push(performance.now());
      lastElbo = s.elbo;
    },
  });
  trained.dispose();
  const times = stamps.slice(opts.warmup).map((t, i) => t - stamps[opts.warmup + i - 1]!).filter((t) => Number.isFinite(t));
  const sorted = [...times].sort((a, b) => a - b);
  return {
    steps: times.length,
    warmup: opts.warmup,
    batch: opts.batch,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    minMs: sorted[0]!,
    lastElbo,
  };
}
