#!/usr/bin/env node
// The `ppl` command line. Commands are thin: the work is in lang/, runtime/ and inference/.
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../lang/diagnostics.js';
import { BACKEND_CHOICES } from '../runtime/backend.js';
import { BINARIZE_MODES } from '../runtime/data/index.js';
import { OPTIMIZERS } from '../inference/optimizers.js';
import type { KlMode } from '../inference/elbo.js';
import type { EstimatorMode } from '../lang/compiler/index.js';
import { oneOf, positiveInt, positiveNumber } from './flags.js';
import { runCheck } from './commands/check.js';
import { runTrain, type TrainFlags } from './commands/train.js';

const ESTIMATORS: readonly EstimatorMode[] = ['auto', 'reparam', 'score'];
const KL_MODES: readonly KlMode[] = ['analytic', 'mc'];

function buildProgram(): Command {
  const program = new Command('ppl')
    .description('A probabilistic programming language for variational inference, compiled to TensorFlow.js')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('check')
    .description('parse and check a .ppl file; print every error, or a summary of its sites and estimators')
    .argument('<file>', 'the .ppl model')
    .addOption(new Option('--estimator <kind>', 'gradient estimator for guide sites').choices(ESTIMATORS).default('auto'))
    .action((file: string, opts: { estimator: EstimatorMode }) => runCheck(file, opts));

  program
    .command('train')
    .description('fit a model by stochastic variational inference; writes checkpoint.json and log.csv to --out')
    .argument('<file>', 'the .ppl model')
    .option('--data <spec>', "data set: 'mnist' (embedded, 10,000 digits) or 'mnist:DIR' (IDX files)", 'mnist')
    .addOption(new Option('--binarize <mode>', 'binarization of grey images').choices(BINARIZE_MODES).default('dynamic'))
    .option('--threshold <t>', 'threshold for --binarize threshold', positiveNumber('--threshold'), 0.5)
    .option('--epochs <n>', 'passes over the training set', positiveInt('--epochs'), 10)
    .option('--batch-size <m>', 'minibatch size M', positiveInt('--batch-size'), 100)
    .option('--lr <rate>', 'learning rate', positiveNumber('--lr'), 1e-3)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--particles <L>', 'samples of the latents per data point and step', positiveInt('--particles'), 1)
    .addOption(new Option('--kl <mode>', 'KL term: closed form where prior and guide allow, or Monte Carlo').choices(KL_MODES).default('analytic'))
    .addOption(new Option('--estimator <kind>', 'gradient estimator for guide sites').choices(ESTIMATORS).default('auto'))
    .option('--seed <seed>', 'random seed (same seed, same backend: same numbers)', '0')
    .option('--out <dir>', 'output folder (default: the next runs/<model>/run-<n>; with --resume, the latest)')
    .option('--resume', 'continue from the checkpoint in --out', false)
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--train-size <n>', 'use only the first n training points', positiveInt('--train-size'))
    .option('--test-size <n>', 'use only the first n test points', positiveInt('--test-size'))
    .action(async (file: string, opts: TrainFlags) => runTrain(file, opts));

  return program;
}

/** Known problems print as one message and exit 1; anything else is a bug and says so. */
async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`internal error: ${err.message}\n(this is a bug in ppl; set PPL_DEBUG=1 for the stack trace)\n`);
    if (process.env['PPL_DEBUG']) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = 2;
  }
}

void main(process.argv);
