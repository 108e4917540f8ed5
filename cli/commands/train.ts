// `ppl train FILE`: fit a model by SVI (the library's fit), with a progress display, a
// per-epoch CSV log and an atomic checkpoint after every epoch. Ctrl-C stops after the current
// step. This command parses the flags, names the run folder and prints; fit does the rest.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { checkResume, listAutoGuides, lowerModel, DEFAULT_TRAIN_OPTIONS, describeBackend, fit, OBJECTIVES, OptionError, OPTIMIZERS, parseBaselines, readCheckpoint, saveCheckpoint, useBackend, UserError, type BackendChoice, type BaselineKind, type Checkpoint, type FitResult, type FitStart, type TrainOptions, formatCount } from '../../api/index.js';
import { openBoundData } from '../open-data.js';
import { loadProgram } from '../load.js';
import { progressView } from '../progress.js';
import { appendCsvLog } from '../csv-log.js';
import { latestRunNumber, runFolder, runsDir } from '../runs.js';
import { writeElboChart } from '../render/chart.js';
import { finiteNumber, nonNegativeInt, positiveInt, positiveNumber, unitInterval } from '../flags.js';
import { describeEstimators } from './check.js';
import { addDataOptions, backendOption, estimatorOption, KL_MODES, seedOption } from '../options.js';
import { DESCRIPTIONS } from './descriptions.js';

/** The flags: the library's training options (--baseline, a comma list, for baselines), plus --out, --resume and --backend. */
export interface TrainFlags extends Omit<TrainOptions, 'baselines' | 'evaluateTest' | 'data'> {
  data: string;
  baseline: BaselineKind[];
  out?: string;
  resume: boolean;
  backend: BackendChoice;
}

/** The library's options for these flags (--out, --resume and --backend are the command's own). */
export function trainOptions(f: TrainFlags): Partial<TrainOptions> {
  return {
    epochs: f.epochs,
    batchSize: f.batchSize,
    lr: f.lr,
    optimizer: f.optimizer,
    particles: f.particles,
    kl: f.kl,
    klAnneal: f.klAnneal,
    estimator: f.estimator,
    objective: f.objective,
    alpha: f.alpha,
    baselines: f.baseline,
    baselineDecay: f.baselineDecay,
    nvilNormalize: f.nvilNormalize,
    seed: f.seed,
    initTries: f.initTries,
    data: f.data,
    binarize: f.binarize,
    threshold: f.threshold,
    trainSize: f.trainSize,
    testSize: f.testSize,
  };
}

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

/** What fit is about to do, as the lines printed before the first epoch. */
function startLines(file: string, flags: TrainFlags, ckptPath: string, s: FitStart, autoGuides: string | undefined): string {
  const lines: string[] = [];
  const init = s.initialization;
  if (init) {
    const chosen = init.tries[init.chosen]!;
    const others = init.tries.filter((_, i) => i !== init.chosen).map((t) => t.elbo.toFixed(2));
    lines.push(
      `init: best of ${flags.initTries} initializations by the ELBO of the first ${init.points} training points: ` +
        `try ${init.chosen + 1} (seed ${chosen.seed}), ${chosen.elbo.toFixed(2)}; the others ${others.join(', ')}`,
    );
  }
  if (s.resumedFrom) lines.push(`resuming ${ckptPath} after epoch ${s.resumedFrom.epoch} (step ${s.resumedFrom.step})`);
  if (s.complete) return [...lines, `nothing to do: ${s.resumedFrom!.epoch} epochs done, --epochs is ${flags.epochs}`].join('\n') + '\n';
  lines.push(
    `model: ${file}  ${formatCount(s.parameters)} parameters; ` +
      `${flags.epochs} epochs of ${s.stepsPerEpoch} steps, batch ${flags.batchSize}, ` +
      `${flags.optimizer} lr ${flags.lr}, ${flags.particles} particle(s), ${s.objective}, ` +
      `estimators ${describeEstimators(s.estimators)}, seed ${flags.seed}`,
  );
  if (autoGuides) lines.push(`automatic guides: ${autoGuides}`);
  return `${lines.join('\n')}\n`;
}

/** The error, with where the last checkpoint is (an option's error stays one, so it still names its flag). */
function withCheckpointNote(e: UserError, note: string): UserError {
  return e instanceof OptionError ? new OptionError(e.option, `${e.message}\n${note}`) : new UserError(`${e.message}\n${note}`);
}

export async function runTrain(file: string, flags: TrainFlags): Promise<void> {
  const { model, warnings } = loadProgram(file, { estimator: flags.estimator });
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  const backend = await useBackend(flags.backend);
  process.stdout.write(`${describeBackend(backend)}\n`);

  const outDir = flags.out ?? defaultOut(file, flags.resume);
  const ckptPath = path.join(outDir, 'checkpoint.json');
  const logPath = path.join(outDir, 'log.csv');
  const options = trainOptions(flags);
  let resume: Checkpoint | undefined;
  if (flags.resume) {
    resume = readCheckpoint(ckptPath);
    checkResume(model, resume, options);
  } else if (fs.existsSync(ckptPath)) {
    throw new UserError(`${ckptPath} already exists: pass --resume to continue it, or choose another --out`);
  }

  const data = await openBoundData(model, flags);

  const stop = new AbortController();
  const onSigint = (): void => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    process.stderr.write('\nstopping after this step (Ctrl-C again to quit at once; checkpoints on disk are kept)\n');
  };
  process.on('SIGINT', onSigint);

  const view = progressView(Boolean(process.stdout.isTTY));
  let chartNoted = false;
  let nothingToDo = false;
  let epochsDone = resume?.epoch ?? 0;
  let result: FitResult | undefined;
  try {
    result = await fit(model, data, {
      ...options,
      resume,
      signal: stop.signal,
      onStart: (s) => {
        nothingToDo = s.complete;
        process.stdout.write(startLines(file, flags, ckptPath, s, listAutoGuides(lowerModel(model))));
      },
      onEpochStart: (epoch, epochs, steps) => view.epochStart(epoch, epochs, steps),
      onStep: (info) => view.step(info),
      onEpoch: (record) => {
        epochsDone = record.epoch;
        view.epochEnd(record);
      },
      onCheckpoint: async (ckpt) => {
        saveCheckpoint(ckptPath, ckpt);
        appendCsvLog(logPath, ckpt.history[ckpt.history.length - 1]!);
        const chart = await writeElboChart(outDir, ckpt.history);
        if (chart.skipped && !chartNoted) process.stdout.write(`note: ELBO chart written as SVG only, PNG skipped: ${chart.skipped}\n`);
        chartNoted ||= Boolean(chart.skipped);
      },
    });
    view.stop();
    if (nothingToDo) return;
    if (result.interrupted) {
      const kept = fs.existsSync(ckptPath) ? `${ckptPath} (after epoch ${result.history.length})` : 'none (no epoch had finished)';
      process.stdout.write(`interrupted in epoch ${result.epoch + 1}; checkpoint kept: ${kept}; continue with --resume\n`);
      process.exitCode = 130;
      return;
    }
    const last = result.history[result.history.length - 1];
    process.stdout.write(
      `done: test ELBO ${last ? last.testElbo.toFixed(2) : 'n/a'} nats/datapoint after ${result.epoch} epochs\n` +
        `checkpoint: ${ckptPath}\nlog: ${logPath}\nchart: ${path.join(outDir, 'elbo.svg')}\n`,
    );
  } catch (e) {
    view.stop();
    if (e instanceof UserError && fs.existsSync(ckptPath)) throw withCheckpointNote(e, `the last checkpoint is kept: ${ckptPath} (epoch ${epochsDone})`);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    result?.trained.dispose();
  }
}

export function registerTrain(program: Command): void {
  const d = DEFAULT_TRAIN_OPTIONS;
  const cmd = program
    .command('train')
    .description(DESCRIPTIONS.train)
    .argument('<file>', 'the .ppl model');
  addDataOptions(cmd)
    .option('--epochs <n>', 'passes over the training set', positiveInt('--epochs'), d.epochs)
    .option('--batch-size <m>', 'minibatch size M', positiveInt('--batch-size'), d.batchSize)
    .option('--lr <rate>', 'learning rate', positiveNumber('--lr'), d.lr)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default(d.optimizer))
    .option('--particles <L>', 'samples of the latents per data point and step', positiveInt('--particles'), d.particles)
    .option('--init-tries <n>', 'initialize n times (seeds derived from --seed) and train the one with the best ELBO on the first 1000 training points', positiveInt('--init-tries'), d.initTries)
    .addOption(new Option('--kl <mode>', 'KL term: closed form where prior and guide allow, or Monte Carlo').choices(KL_MODES).default(d.kl))
    .option('--kl-anneal <steps>', 'KL annealing: the latents\' terms (the KL) weigh 1/S, 2/S, ... 1 over the first S steps (0: off)', nonNegativeInt('--kl-anneal'), d.klAnneal)
    .addOption(estimatorOption())
    .addOption(
      new Option('--objective <kind>', 'elbo; iwae: the K-sample importance weighted bound with K = --particles (VIMCO for score-function sites); renyi: the Rényi bound of order --alpha')
        .choices(OBJECTIVES)
        .default(d.objective),
    )
    .option('--alpha <a>', 'the order of the Rényi bound (--objective renyi): 0 is the IWAE bound, 1 the ELBO (default 0.5)', finiteNumber('--alpha'))
    .option('--baseline <list>', 'baselines for score-function sites, combined with commas: mavg, nvil, loo (or none)', parseBaselines, [...d.baselines])
    .option('--baseline-decay <d>', 'decay of the moving averages of mavg and NVIL centring', unitInterval('--baseline-decay'), d.baselineDecay)
    .option('--nvil-normalize', 'NVIL: divide the centred signal by its running standard deviation', d.nvilNormalize)
    .addOption(seedOption())
    .option('--out <dir>', 'output folder (default: the next runs/<model>/run-<n>; with --resume, the latest)')
    .option('--resume', 'continue from the checkpoint in --out', false)
    .addOption(backendOption())
    .action(async (file: string, opts: TrainFlags) => runTrain(file, opts));
}
