// The score-function bar: the VAE on full MNIST trained with the score-function estimator (with and
// without baselines) for the same number of steps as a 5-epoch pathwise run; test ELBOs and gaps.
//   npm run build && node dist/bench/estimators.js [--epochs 5] [--only reparam,score+mavg+nvil]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, describeBackend, parseBackendChoice } from '../runtime/backend.js';
import { bindFields } from '../runtime/data/index.js';
import { openData } from '../io/index.js';
import { checkSource } from '../lang/checker/index.js';
import { compileProgram } from '../lang/compiler/index.js';
import { Trainer } from '../inference/train.js';
import { parseEstimatorSpec } from '../experiments/gradient-stats.js';
import { repoRoot, sharedMnistDir } from './repo.js';

const DEFAULT = ['reparam', 'score', 'score+mavg', 'score+mavg+nvil', 'score+loo'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '5' },
      only: { type: 'string', default: DEFAULT.join(',') },
      particles: { type: 'string', default: '1' },
      seed: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'auto' },
    },
  });
  console.log(describeBackend(await initBackend(parseBackendChoice(values.backend))));
  const dir = sharedMnistDir();
  if (!fs.existsSync(dir)) {
    console.log(`skipped: ${dir} is absent (this bench needs full MNIST)`);
    return;
  }
  const file = path.join(repoRoot(), 'models', 'vae.ppl');
  const checked = checkSource(file, fs.readFileSync(file, 'utf8')).checked!;
  const split = await openData(`mnist:${dir}`, { binarize: 'dynamic' });
  const epochs = Number(values.epochs);
  const results: { label: string; test: number; seconds: number }[] = [];
  for (const label of values.only.split(',')) {
    const spec = parseEstimatorSpec(label, Number(values.particles));
    const program = compileProgram(checked, { seed: values.seed, estimator: spec.mode });
    const trainer = new Trainer(program, split, bindFields(checked.data, split.train), {
      epochs,
      batchSize: 100,
      lr: 1e-3,
      optimizer: 'adam',
      particles: spec.particles,
      kl: 'analytic',
      seed: values.seed,
      objective: spec.objective,
      baselines: spec.baselines,
    });
    const started = performance.now();
    const { history } = await trainer.run({
      onEpoch: (r) => console.log(`${label} (L=${spec.particles}) epoch ${r.epoch}: train ${r.trainElbo.toFixed(2)} test ${r.testElbo.toFixed(2)} (${r.seconds.toFixed(0)} s)`),
    });
    results.push({ label: `${label} (L=${spec.particles})`, test: history[history.length - 1]!.testElbo, seconds: (performance.now() - started) / 1000 });
    trainer.svi.dispose();
    program.dispose();
  }
  const reference = results[0]!;
  console.log(`\n${epochs} epochs (${epochs * 600} steps of 100), Adam 1e-3, test ELBO per datapoint:`);
  for (const r of results) console.log(`  ${r.label.padEnd(28)} ${r.test.toFixed(2).padStart(9)}   gap to ${reference.label}: ${(reference.test - r.test).toFixed(2)} nats   ${r.seconds.toFixed(0)} s`);
}

await main();
