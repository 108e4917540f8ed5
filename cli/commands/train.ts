// `ppl train FILE`: fit a model by SVI, with a progress display, a per-epoch CSV log and an
// atomic checkpoint after every epoch. Ctrl-C stops after the current step.
import * as fs from 'node:fs';
import { openBoundData } from '../open-data.js';
import * as path from 'node:path';
import { UserError } from '../../runtime/errors.js';
import { compileProgram, type CompiledProgram, type EstimatorMode } from '../../lang/compiler/index.js';
import { initBackend, describeBackend, type BackendChoice } from '../../runtime/backend.js';
import type { Binarize } from '../../runtime/data/index.js';
import { Trainer } from '../../inference/train.js';
import { bestInitialization } from '../../inference/initialization.js';
import { listAutoGuides } from '../../lang/compiler/auto-guides.js';
import type { KlMode } from '../../inference/elbo.js';
import type { OptimizerName } from '../../inference/optimizers.js';
import { sourceHash, type Checkpoint, type EpochRecord } from '../../inference/checkpoint.js';
import { readCheckpoint, saveCheckpoint } from '../../api/checkpoint-file.js';
import { loadProgram } from '../load.js';
import { progressView } from '../progress.js';
import { appendCsvLog } from '../csv-log.js';
import { latestRunNumber, runFolder, runsDir } from '../runs.js';
import { writeElboChart } from '../render/chart.js';
import { Option, type Command } from 'commander';
import { OPTIMIZERS } from '../../inference/optimizers.js';
import { positiveInt, positiveNumber, unitInterval } from '../flags.js';
import { parseBaselines, type BaselineKind, type ObjectiveKind } from '../../inference/objective.js';
import { describeEstimators } from './check.js';
import { addDataOptions, backendOption, estimatorOption, KL_MODES, seedOption } from '../options.js';

export interface TrainFlags {
  data: string;
  binarize: Binarize;
  threshold: number;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  particles: number;
  kl: KlMode;
  estimator: EstimatorMode;
  objective: ObjectiveKind;
  baseline: BaselineKind[];
  baselineDecay: number;
  nvilNormalize: boolean;
  seed: string;
  out?: string;
  resume: boolean;
  backend: BackendChoice;
  trainSize?: number;
  testSize?: number;
  initTries: number;
}

/** Flags that must match the checkpoint's on --resume (the rest may change, e.g. --epochs). */
const FIXED_ON_RESUME = ['data', 'binarize', 'threshold', 'batchSize', 'optimizer', 'seed', 'trainSize', 'testSize', 'baseline'] as const;

/**
 * Without --out, each run gets the next free folder runs/<model>/run-<n>, so running the same
 * command twice never collides; --resume without --out continues the latest of them.
 */
function defaultOut(file: string, resume: boolean): string {
  const latest = latestRunNumber(file);
  if (resume) {
    if (!latest) throw new UserError(`--resume: no earlier run of ${file} under ${runsDir(file)}; name the run folder with --out`);
    return runFolder(file, latest);
  }
  return runFolder(file, latest + 1);
}

function flagRecord(f: TrainFlags): Checkpoint['flags'] {
  const out: Checkpoint['flags'] = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && k !== 'resume' && k !== 'out') out[k] = v as string | number | boolean;
  return out;
}

export async function runTrain(file: string, flags: TrainFlags): Promise<void> {
  const { checked, warnings } = loadProgram(file, { estimator: flags.estimator });
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  const backend = await initBackend(flags.backend);
  process.stdout.write(`${describeBackend(backend)}\n`);

  const outDir = flags.out ?? defaultOut(file, flags.resume);
  const ckptPath = path.join(outDir, 'checkpoint.json');
  const logPath = path.join(outDir, 'log.csv');
  let resumeFrom: Checkpoint | undefined;
  if (flags.resume) {
    resumeFrom = readCheckpoint(ckptPath);
    if (resumeFrom.model.sha256 !== sourceHash(checked.source)) {
      throw new UserError(`${ckptPath}: was trained from a different version of ${file} (source hash differs); train afresh with another --out`);
    }
    for (const k of FIXED_ON_RESUME) {
      const saved = resumeFrom.flags[k];
      const now = flags[k];
      if (saved !== undefined && now !== undefined && String(saved) !== String(now)) {
        throw new UserError(`--resume: the checkpoint was trained with --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${saved}, not ${now}`);
      }
    }
  } else if (fs.existsSync(ckptPath)) {
    throw new UserError(`${ckptPath} already exists: pass --resume to continue it, or choose another --out`);
  }

  const { split, bindings } = await openBoundData(checked, flags);

  const compile = (seed: string) => compileProgram(checked, { seed, estimator: flags.estimator });
  let program: CompiledProgram;
  if (flags.initTries > 1 && !resumeFrom) {
    const choice = await bestInitialization(compile, split.train, bindings, { tries: flags.initTries, seed: flags.seed, kl: flags.kl, trainSize: split.train.size });
    program = choice.program;
    const others = choice.tries.filter((_, i) => i !== choice.chosen).map((t) => t.elbo.toFixed(2));
    process.stdout.write(
      `init: best of ${flags.initTries} initializations by the ELBO of the first ${choice.points} training points: ` +
        `try ${choice.chosen + 1} (seed ${choice.tries[choice.chosen]!.seed}), ${choice.tries[choice.chosen]!.elbo.toFixed(2)}; the others ${others.join(', ')}\n`,
    );
  } else program = compile(flags.seed);
  const trainer = new Trainer(program, split, bindings, {
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    lr: flags.lr,
    optimizer: flags.optimizer,
    particles: flags.particles,
    kl: flags.kl,
    seed: flags.seed,
    objective: flags.objective,
    baselines: flags.baseline,
    baselineDecay: flags.baselineDecay,
    nvilNormalize: flags.nvilNormalize,
  });
  if (resumeFrom) {
    await trainer.restore(resumeFrom, ckptPath);
    process.stdout.write(`resuming ${ckptPath} after epoch ${resumeFrom.epoch} (step ${resumeFrom.step})\n`);
    if (resumeFrom.epoch >= flags.epochs) {
      process.stdout.write(`nothing to do: ${resumeFrom.epoch} epochs done, --epochs is ${flags.epochs}\n`);
      return;
    }
  }
  process.stdout.write(
    `model: ${file}  ${program.params.count().toLocaleString('en-US')} parameters; ` +
      `${flags.epochs} epochs of ${Math.ceil(split.train.size / flags.batchSize)} steps, batch ${flags.batchSize}, ` +
      `${flags.optimizer} lr ${flags.lr}, ${flags.particles} particle(s), ${flags.objective === 'iwae' ? `IWAE bound (K = ${flags.particles})` : `ELBO, KL ${flags.kl}`}, ` +
      `estimators ${describeEstimators(program)}, seed ${flags.seed}\n`,
  );
  const autoGuides = listAutoGuides(checked);
  if (autoGuides) process.stdout.write(`automatic guides: ${autoGuides}\n`);

  let stopRequested = false;
  const onSigint = (): void => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    process.stderr.write('\nstopping after this step (Ctrl-C again to quit at once; checkpoints on disk are kept)\n');
  };
  process.on('SIGINT', onSigint);

  const view = progressView(Boolean(process.stdout.isTTY));
  let chartNoted = false;
  const saveEpoch = async (record: EpochRecord, t: Trainer): Promise<void> => {
    view.epochEnd(record);
    saveCheckpoint(ckptPath, {
      model: { file, sha256: sourceHash(checked.source) },
      flags: flagRecord(flags),
      backend: backend.name,
      epoch: t.epoch,
      step: t.step,
      history: t.history,
      params: program.params.snapshot(),
      optimizer: await t.optimizerState(),
      savedAt: new Date().toISOString(),
    });
    appendCsvLog(logPath, record);
    const chart = await writeElboChart(outDir, t.history);
    if (chart.skipped && !chartNoted) process.stdout.write(`note: ELBO chart written as SVG only, PNG skipped: ${chart.skipped}\n`);
    chartNoted ||= Boolean(chart.skipped);
  };

  try {
    const result = await trainer.run({
      onEpochStart: (epoch, steps) => view.epochStart(epoch, flags.epochs, steps),
      onStep: (info) => view.step(info),
      onEpoch: saveEpoch,
      shouldStop: () => stopRequested,
    });
    view.stop();
    if (result.interrupted) {
      const kept = fs.existsSync(ckptPath) ? `${ckptPath} (after epoch ${trainer.history.length})` : 'none (no epoch had finished)';
      process.stdout.write(`interrupted in epoch ${trainer.epoch + 1}; checkpoint kept: ${kept}; continue with --resume\n`);
      process.exitCode = 130;
      return;
    }
    const last = result.history[result.history.length - 1];
    process.stdout.write(
      `done: test ELBO ${last ? last.testElbo.toFixed(2) : 'n/a'} nats/datapoint after ${trainer.epoch} epochs\n` +
        `checkpoint: ${ckptPath}\nlog: ${logPath}\nchart: ${path.join(outDir, 'elbo.svg')}\n`,
    );
  } catch (e) {
    view.stop();
    if (e instanceof UserError && fs.existsSync(ckptPath)) {
      throw new UserError(`${e.message}\nthe last checkpoint is kept: ${ckptPath} (epoch ${trainer.history.length})`);
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    program.dispose();
  }
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('fit a model by stochastic variational inference; writes checkpoint.json and log.csv to --out')
    .argument('<file>', 'the .ppl model');
  addDataOptions(cmd)
    .option('--epochs <n>', 'passes over the training set', positiveInt('--epochs'), 10)
    .option('--batch-size <m>', 'minibatch size M', positiveInt('--batch-size'), 100)
    .option('--lr <rate>', 'learning rate', positiveNumber('--lr'), 1e-3)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--particles <L>', 'samples of the latents per data point and step', positiveInt('--particles'), 1)
    .option('--init-tries <n>', 'initialize n times (seeds derived from --seed) and train the one with the best ELBO on the first 1000 training points', positiveInt('--init-tries'), 1)
    .addOption(new Option('--kl <mode>', 'KL term: closed form where prior and guide allow, or Monte Carlo').choices(KL_MODES).default('analytic'))
    .addOption(estimatorOption())
    .addOption(new Option('--objective <kind>', 'elbo, or iwae: the K-sample importance weighted bound with K = --particles (VIMCO for score-function sites)').choices(['elbo', 'iwae']).default('elbo'))
    .option('--baseline <list>', 'baselines for score-function sites, combined with commas: mavg, nvil, loo (or none)', parseBaselines, [])
    .option('--baseline-decay <d>', 'decay of the moving averages of mavg and NVIL centring', unitInterval('--baseline-decay'), 0.9)
    .option('--nvil-normalize', 'NVIL: divide the centred signal by its running standard deviation', false)
    .addOption(seedOption())
    .option('--out <dir>', 'output folder (default: the next runs/<model>/run-<n>; with --resume, the latest)')
    .option('--resume', 'continue from the checkpoint in --out', false)
    .addOption(backendOption())
    .action(async (file: string, opts: TrainFlags) => runTrain(file, opts));
}
