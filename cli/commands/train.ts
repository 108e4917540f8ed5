// `ppl train FILE`: fit a model by SVI (the library's fit), with a progress display, the
// per-epoch and per-step CSV logs, a chart, and an atomic checkpoint every minute (--checkpoint-every),
// at the end and on Ctrl-C, which stops after the current step. This command parses the flags,
// names the run folder and prints; fit does the rest.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { checkStepMemory, FileWriteError, lockRunFolder, checkResume, DEFAULT_CHECKPOINT_SECONDS, resolveTrainOptions, listAutoGuides, lowerModel, DEFAULT_TRAIN_OPTIONS, describeBackend, fit, OBJECTIVES, OptionError, OPTIMIZERS, parseBaselines, readCheckpoint, saveCheckpoint, useBackend, UserError, type BackendChoice, type BaselineKind, type Checkpoint, type FitResult, type FitStart, type TrainOptions, formatCount } from '../../api/index.js';
import { openBoundData } from '../open-data.js';
import { loadProgram } from '../load.js';
import { LOG_FORMATS, progressView, type LogFormat } from '../progress.js';
import { RunLog } from '../csv-log.js';
import { latestRunNumber, runFolder, runsDir } from '../runs.js';
import { writeTrainingChart } from '../render/chart.js';
import { checkpointSchedule, finiteNumber, nonNegativeInt, positiveInt, positiveNumber, unitInterval, type CheckpointSchedule } from '../flags.js';
import { describeEstimators } from './check.js';
import { addDataOptions, backendOption, estimatorOption, KL_MODES, seedOption } from '../options.js';
import { DESCRIPTIONS } from './descriptions.js';
import { resumeCommand } from '../resume-hint.js';
import { flagName } from '../flag-errors.js';

/** Seconds between charts drawn while training (one is always drawn at the end). */
const CHART_SECONDS = 60;

/** The flags: the library's training options (--baseline, a comma list, for baselines), plus the command's own. */
export interface TrainFlags extends Omit<TrainOptions, 'baselines' | 'evaluateTest' | 'data' | 'epochs'> {
  data: string;
  /** Unset unless given: --steps is the other way to say how long to train. */
  epochs?: number;
  baseline: BaselineKind[];
  out?: string;
  resume: boolean;
  backend: BackendChoice;
  checkpointEvery: CheckpointSchedule;
  quiet: boolean;
  logFormat: LogFormat;
}

/** The library's options for these flags (the command's own flags are not among them). */
export function trainOptions(f: TrainFlags): Partial<TrainOptions> {
  return {
    epochs: f.epochs,
    steps: f.steps,
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
  const o = s.options;
  if (s.complete) {
    const why = o.steps === undefined ? `${s.resumedFrom!.epoch} epochs done, --epochs is ${o.epochs}` : `${s.resumedFrom!.step} steps done, --steps is ${o.steps}`;
    return [...lines, `nothing to do: ${why}`].join('\n') + '\n';
  }
  const length = o.steps === undefined ? `${plural(o.epochs, 'epoch')} of ${plural(s.stepsPerEpoch, 'step')}` : `${plural(o.steps, 'step')} (${plural(s.epochs, 'epoch')} of ${plural(s.stepsPerEpoch, 'step')})`;
  lines.push(
    `model: ${file}  ${formatCount(s.parameters)} parameters; ` +
      `${length}, batch ${flags.batchSize}, ` +
      `${flags.optimizer} lr ${flags.lr}, ${flags.particles} particle(s), ${s.objective}, ` +
      `estimators ${describeEstimators(s.estimators)}, seed ${flags.seed}`,
  );
  if (autoGuides) lines.push(`automatic guides: ${autoGuides}`);
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Where a checkpoint stands: `3 epochs, step 12` or `3 epochs and 2 steps of epoch 4, step 14`. */
function position(c: Pick<Checkpoint, 'epoch' | 'step' | 'inEpoch'>): string {
  const part = c.inEpoch ? ` and ${plural(c.inEpoch.steps, 'step')} of epoch ${c.epoch + 1}` : '';
  return `${plural(c.epoch, 'epoch')}${part}, step ${c.step}`;
}

/** The fit options for --checkpoint-every. */
function checkpointOptions(schedule: CheckpointSchedule): { checkpointSeconds: number; checkpointEvery?: number } {
  return 'epochs' in schedule ? { checkpointSeconds: 0, checkpointEvery: schedule.epochs } : { checkpointSeconds: schedule.seconds };
}

/** The error, with where the last checkpoint is (an option's error stays one, so it still names its flag). */
function withCheckpointNote(e: UserError, note: string): UserError {
  return e instanceof OptionError ? new OptionError(e.option, `${e.message}\n${note}`) : new UserError(`${e.message}\n${note}`);
}

/**
 * `args` are the arguments after `ppl` as the user gave them (for the command that continues an
 * interrupted run); they default to this process's.
 */
export async function runTrain(file: string, flags: TrainFlags, args: readonly string[] = process.argv.slice(2)): Promise<void> {
  const json = flags.logFormat === 'json';
  // Human-readable lines: on stdout, unless stdout carries JSON; none with --quiet.
  const human = json ? process.stderr : process.stdout;
  const say = (text: string): void => {
    if (!flags.quiet) human.write(text);
  };
  const options = trainOptions(flags);
  resolveTrainOptions(options); // a bad combination (--epochs with --steps) is refused before anything loads
  const { model, warnings } = loadProgram(file, { estimator: flags.estimator });
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  checkStepMemory(model.checked, flags.particles, flags.batchSize);
  const backend = await useBackend(flags.backend);
  say(`${describeBackend(backend)}\n`);

  const outDir = flags.out ?? defaultOut(file, flags.resume);
  const ckptPath = path.join(outDir, 'checkpoint.json');
  const log = new RunLog(outDir);
  // One run per folder: a second train into it refuses; a dead run's lock and temporary files go.
  const lock = lockRunFolder(outDir, `ppl train ${file}`);
  if (lock.tookOverFrom) process.stderr.write(`note: took over ${lock.file} from a run that is gone (${lock.tookOverFrom})\n`);
  let resume: Checkpoint | undefined;
  if (flags.resume) {
    resume = readCheckpoint(ckptPath);
    for (const c of checkResume(model, resume, options)) process.stdout.write(`note: resuming with ${flagName(c.option)} ${c.now} (the checkpoint was trained with ${c.was}); the next checkpoint records ${c.now}\n`);
  } else if (fs.existsSync(ckptPath)) {
    throw new UserError(`${ckptPath} already exists: pass --resume to continue it, or choose another --out`);
  }

  const data = await openBoundData(model, flags, say);

  const view = progressView({ format: flags.logFormat, quiet: flags.quiet });
  let saved: Checkpoint | undefined = resume;
  const stop = new AbortController();
  const onSigint = (): void => {
    if (stop.signal.aborted) {
      view.stop();
      const kept = saved ? `the last checkpoint is kept: ${ckptPath} (${position(saved)})` : 'no checkpoint had been written';
      process.stderr.write(`quit at once; ${kept}\n`);
      process.exit(130);
    }
    stop.abort();
    view.note('stopping after this step to write a checkpoint (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);
  // A reader that stops reading (`ppl train ... | head`) stops training as Ctrl-C does: a checkpoint, no stack trace.
  const onOutputClosed = (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE') throw e;
    stop.abort();
  };
  process.stdout.on('error', onOutputClosed);

  const title = { text: `ELBO of ${path.basename(file)}, ${outDir}`, subtitle: '' };
  let chartNoted = false;
  let chartAt = performance.now();
  const drawChart = async (history: Checkpoint['history']): Promise<void> => {
    const chart = await writeTrainingChart(outDir, log.readSteps(), history, title);
    chartAt = performance.now();
    if (chart.skipped && !chartNoted) say(`note: ELBO chart written as SVG only, PNG skipped: ${chart.skipped}\n`);
    chartNoted ||= Boolean(chart.skipped);
  };
  let nothingToDo = false;
  let result: FitResult | undefined;
  try {
    if (resume) log.resumeAt(resume.epoch, resume.step);
    result = await fit(model, data, {
      ...options,
      ...checkpointOptions(flags.checkpointEvery),
      resume,
      signal: stop.signal,
      onStart: (s) => {
        nothingToDo = s.complete;
        const o = s.options;
        title.subtitle = `${o.steps === undefined ? plural(o.epochs, 'epoch') : plural(o.steps, 'step')} (${plural(s.stepsPerEpoch, 'step')} an epoch), batch ${o.batchSize}, ${o.optimizer} lr ${o.lr}, ${s.objective}, seed ${o.seed}`;
        say(startLines(file, flags, ckptPath, s, listAutoGuides(lowerModel(model))));
        view.start({ epochs: s.epochs, totalSteps: s.totalSteps, startStep: s.resumedFrom?.step ?? 0 });
      },
      onStep: (info) => {
        log.addStep(info);
        view.step(info);
      },
      onEpoch: (record) => {
        log.addEpoch(record);
        view.epochEnd(record);
      },
      onCheckpoint: async (ckpt) => {
        saveCheckpoint(ckptPath, ckpt);
        log.flush();
        saved = ckpt;
        if (performance.now() - chartAt >= CHART_SECONDS * 1000) await drawChart(ckpt.history);
      },
    });
    view.stop();
    if (nothingToDo) return;
    if (result.checkpoint && result.step > (resume?.step ?? 0)) await drawChart(result.history);
    const chartFile = path.join(outDir, 'elbo.svg');
    if (result.interrupted) {
      const kept = saved ? `${ckptPath} (${position(saved)})` : 'none (training stopped before its first step)';
      const lines = `interrupted; checkpoint: ${kept}\n` + (saved ? `continue with: ${resumeCommand(args, outDir)}\n` : '');
      (flags.quiet ? process.stderr : human).write(lines);
      process.exitCode = 130;
      return;
    }
    const last = result.history[result.history.length - 1];
    const figure = !last ? 'no epoch finished' : Number.isFinite(last.testElbo) ? `test ELBO ${last.testElbo.toFixed(2)} nats/datapoint` : `train ELBO ${last.trainElbo.toFixed(2)} nats/datapoint (no test set)`;
    say(`done: ${figure} after ${position(result.checkpoint!)}\n` + `checkpoint: ${ckptPath}\nlog: ${log.epochsFile}, ${log.stepsFile}\nchart: ${chartFile}\n`);
  } catch (e) {
    view.stop();
    if (e instanceof FileWriteError && e.file === ckptPath) throw new UserError(`${e.message}${saved ? ` (${position(saved)})` : ''}`);
    if (e instanceof UserError && saved) throw withCheckpointNote(e, `the last checkpoint is kept: ${ckptPath} (${position(saved)})`);
    throw e;
  } finally {
    lock.release();
    process.off('SIGINT', onSigint);
    process.stdout.off('error', onOutputClosed);
    // Writes still pending on a closed pipe may fail after this: nothing is left to say there.
    if (stop.signal.aborted) process.stdout.on('error', () => {});
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
    .option('--epochs <n>', `passes over the training set (default: ${d.epochs})`, positiveInt('--epochs'))
    .option('--steps <n>', 'optimizer steps in all, instead of --epochs (a resumed run continues to this total)', positiveInt('--steps'))
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
    .addOption(
      new Option('--checkpoint-every <time>', 'write the checkpoint and logs this often: 60s, 5m, 1h, 0 (only at the end and on Ctrl-C), or epochs such as 1epoch; always at the end and on Ctrl-C')
        .argParser(checkpointSchedule('--checkpoint-every'))
        .default({ seconds: DEFAULT_CHECKPOINT_SECONDS }, `${DEFAULT_CHECKPOINT_SECONDS}s`),
    )
    .option('--quiet', 'print nothing but warnings, errors and how to resume', false)
    .addOption(new Option('--log-format <format>', 'text, or json: one JSON object per step and per epoch on stdout (other messages on stderr)').choices(LOG_FORMATS).default('text'))
    .addOption(backendOption())
    .action(async (file: string, opts: TrainFlags) => runTrain(file, opts));
}
