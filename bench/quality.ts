// Quality bar: the flagship VAE on full MNIST, exactly the reference setting:
// dynamically binarized training set, test set binarized once with a fixed seed,
// 784-400-20 ReLU, Bernoulli decoder on logits, analytic KL, one sample, Adam 1e-3, batch 100,
// 10 epochs. Reference: a plain PyTorch implementation reaches -101.9 nats (-101.7 to -102.1
// over three seeds) on this machine.
//   npm run build && node dist/bench/quality.js [--epochs 10] [--seed 0] [--backend auto]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { initBackend, describeBackend, parseBackendChoice } from '../runtime/backend.js';
import { bindFields } from '../runtime/data/index.js';
import { openData } from '../io/index.js';
import { checkSource } from '../lang/checker/index.js';
import { compileProgram } from '../lang/compiler/index.js';
import { Trainer } from '../inference/train.js';
import { repoRoot, sharedMnistDir } from './repo.js';

export const PYTORCH_REFERENCE = -101.9;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '10' },
      seed: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'auto' },
    },
  });
  const backend = await initBackend(parseBackendChoice(values.backend));
  console.log(describeBackend(backend));
  const dir = sharedMnistDir();
  if (!fs.existsSync(dir)) {
    console.log(`skipped: ${dir} is absent (the quality bench needs full MNIST)`);
    return;
  }
  const file = path.join(repoRoot(), 'models', 'vae.ppl');
  const checked = checkSource(file, fs.readFileSync(file, 'utf8')).checked;
  if (!checked) throw new Error('models/vae.ppl does not check');
  const split = await openData(`mnist:${dir}`, { binarize: 'dynamic' });
  const program = compileProgram(checked, { seed: values.seed });
  const epochs = Number(values.epochs);
  const trainer = new Trainer(program, split, bindFields(checked.data, split.train), {
    epochs,
    batchSize: 100,
    lr: 1e-3,
    optimizer: 'adam',
    particles: 1,
    kl: 'analytic',
    seed: values.seed,
  });
  console.log(`quality: vae.ppl on ${split.description}; ${epochs} epochs, batch 100, Adam 1e-3, seed ${values.seed}`);
  const { history } = await trainer.run({
    onEpoch: (r) => console.log(`epoch ${r.epoch}: train ${r.trainElbo.toFixed(2)}  test ${r.testElbo.toFixed(2)} nats  (${r.seconds.toFixed(1)} s, ${Math.round(r.samplesPerSecond)} samples/s)`),
  });
  const final = history[history.length - 1]!.testElbo;
  const gap = final - PYTORCH_REFERENCE;
  console.log(
    `\nfinal test ELBO ${final.toFixed(2)} nats/datapoint; PyTorch reference ${PYTORCH_REFERENCE}; ` +
      `${Math.abs(gap).toFixed(2)} nats ${gap < 0 ? 'below' : 'above'} it (aim: within 1)`,
  );
  program.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

export { main as runQualityBench };
