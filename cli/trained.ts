// What every command that uses a trained model shares: --checkpoint (default: the latest run's,
// as `ppl train --resume` finds it), --out, --backend, --seed, loading the model with its
// trained parameters (the library's loadTrained), and opening its data (by default as it was
// trained).
import { flagText } from './flag-errors.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { writeFileSafely, bindData, DEFAULT_TRAIN_OPTIONS, UserError, describeBackend, loadTrained, openData, useBackend, type BackendChoice, type Binarize, type BoundData, type Checkpoint, type DataSplit, type Model, type TrainedModel, formatCount } from '../api/index.js';
import { loadProgram } from './load.js';
import { figurePng, type FigureText } from './render/figure.js';
import type { GridLayout } from './render/png.js';
import { checkpointIn, latestCheckpoint } from './runs.js';
import { addDataOptions, backendOption, seedOption } from './options.js';

export interface TrainedFlags {
  checkpoint?: string;
  out?: string;
  backend: BackendChoice;
  seed: string;
}

export interface DataFlags {
  /** Undefined unless given: the checkpoint's then applies. */
  data?: string;
  binarize?: Binarize;
  threshold?: number;
  trainSize?: number;
  testSize?: number;
  split: 'train' | 'test';
}

/** What applies when neither the command line nor the checkpoint says (a checkpoint from before flags were recorded). */
const DATA_DEFAULTS = { data: 'mnist', binarize: DEFAULT_TRAIN_OPTIONS.binarize, threshold: DEFAULT_TRAIN_OPTIONS.threshold } as const;

/** --checkpoint, --out, --backend, --seed. */
export function addTrainedOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--checkpoint <path>', 'checkpoint written by ppl train, or its run folder (default: the latest run, runs/<model>/run-<n>/)')
    .option('--out <dir>', `output folder (default: ${what} beside the checkpoint)`)
    .addOption(backendOption())
    .addOption(seedOption());
}

/** The data options of addDataOptions plus --split; data, binarization and threshold default to the checkpoint's. */
export function addTrainedDataOptions(cmd: Command): Command {
  return addDataOptions(cmd, 'checkpoint').addOption(new Option('--split <name>', 'which part of the data set').choices(['train', 'test']).default('test'));
}

/**
 * Registers `ppl NAME <file>`, a command that uses a trained model: `options` adds the command's
 * own options (and addTrainedDataOptions where it reads data), listed before the shared
 * --checkpoint, --out (default NAME/ beside the checkpoint), --backend and --seed.
 */
export function trainedCommand<F extends TrainedFlags>(
  program: Command,
  name: string,
  description: string,
  options: (cmd: Command) => Command,
  run: (file: string, flags: F, cmd: Command) => Promise<void>,
): Command {
  const cmd = program.command(name).description(description).argument('<file>', 'the .ppl model');
  options(cmd);
  return addTrainedOptions(cmd, `${name}/`).action(async (file: string, flags: F, c: Command) => run(file, flags, c));
}

/** A path for a report: relative to the working directory, so that a committed report stays portable. */
export function reportedPath(p: string): string {
  return path.relative(process.cwd(), path.resolve(p)) || '.';
}

export interface Trained {
  file: string;
  model: Model;
  trained: TrainedModel;
  checkpoint: Checkpoint;
  checkpointPath: string;
  outDir: string;
}

/**
 * Check the source, read the checkpoint and restore it with --seed, printing what was loaded. A
 * checkpoint from another version of the source is a warning when the parameter shapes still
 * match, and an error (from the parameter store) when they do not.
 */
export async function openTrained(file: string, flags: TrainedFlags, command: string): Promise<Trained> {
  const { model, warnings } = loadProgram(file);
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  if (flags.out === '-' && !STDOUT_COMMANDS.has(command)) {
    throw new UserError(`--out -: ppl ${command} writes files (pictures, reports); standard output takes the results of ${[...STDOUT_COMMANDS].join(' and ')}. Name a folder`);
  }
  // With --out -, results go to stdout; what was loaded is reported on stderr.
  const info = flags.out === '-' ? process.stderr : process.stdout;
  const backend = await useBackend(flags.backend);
  info.write(`${describeBackend(backend)}\n`);
  const checkpointPath = flags.checkpoint !== undefined ? checkpointIn(flags.checkpoint) : latestCheckpoint(file);
  const trained = await loadTrained(model, checkpointPath, { seed: flags.seed });
  const checkpoint = trained.checkpoint!;
  if (trained.sourceChanged) {
    process.stderr.write(`warning: ${checkpointPath} was trained from a different version of ${file} (source hash differs); the parameter shapes match, so it is used as is\n`);
  }
  info.write(`checkpoint: ${checkpointPath} (epoch ${checkpoint.epoch}, ${formatCount(trained.parameterCount)} parameters)\n`);
  const outDir = flags.out ?? path.join(path.dirname(checkpointPath), command);
  const globals = trained.globals;
  if (globals.size && command !== 'summary') info.write(`global latents ${[...globals.keys()].join(', ')} are held at their guide means\n`);
  return { file, model, trained, checkpoint, checkpointPath, outDir };
}

/** Opens the trained model (openTrained), hands it to `use` and disposes it afterwards, whatever happens. */
export async function withTrained(file: string, flags: TrainedFlags, command: string, use: (t: Trained) => Promise<void>): Promise<void> {
  const t = await openTrained(file, flags, command);
  try {
    await use(t);
  } finally {
    t.trained.dispose();
  }
}

/** withTrained, with the data of the flags opened as well (openTrainedData). */
export async function withTrainedData(
  file: string,
  flags: TrainedFlags & DataFlags,
  cmd: Command,
  command: string,
  use: (t: Trained, data: OpenedData) => Promise<void>,
): Promise<void> {
  await withTrained(file, flags, command, async (t) => use(t, await openTrainedData(t, flags, cmd)));
}

export interface OpenedData {
  split: DataSplit;
  /** The chosen part of the split (--split), bound to the model. */
  bound: BoundData;
  /** Which part that is: --split, or the training set when the test set is empty. */
  part: 'train' | 'test';
}

/**
 * The data named by the flags. Unless given on the command line, --data, --binarize and
 * --threshold are the ones the checkpoint was trained with, so a test set is binarized as in
 * training.
 */
export async function openTrainedData(t: Trained, flags: DataFlags, cmd: Command): Promise<OpenedData> {
  const fromCheckpoint = <K extends keyof typeof DATA_DEFAULTS>(key: K): NonNullable<DataFlags[K]> => {
    const saved = t.checkpoint.flags[key];
    if (cmd.getOptionValueSource(key) === 'cli' || saved === undefined) return (flags[key] ?? DATA_DEFAULTS[key]) as NonNullable<DataFlags[K]>;
    return saved as NonNullable<DataFlags[K]>;
  };
  const split = await openData(fromCheckpoint('data'), {
    binarize: fromCheckpoint('binarize'),
    threshold: fromCheckpoint('threshold'),
    trainSize: flags.trainSize,
    testSize: flags.testSize,
  });
  let which = flags.split;
  if (split[which].size === 0 && split.train.size > 0) {
    // A model trained on every point (--test-fraction 0) has no test set: its training set is what there is.
    if (cmd.getOptionValueSource('split') !== 'default') throw new UserError(`--split ${which}: the ${which} set is empty (${flagText(split.description)}); use --split train`);
    process.stderr.write(`note: the test set is empty (trained on every point); using the training set\n`);
    which = 'train';
  }
  const dataset = split[which];
  const bound = bindData(t.model, dataset);
  for (const w of bound.warnings) process.stderr.write(`warning: ${w}\n`);
  (t.outDir === '-' ? process.stderr : process.stdout).write(`data: ${flagText(split.description)}; using the ${which} set (${formatCount(dataset.size)} points)\n`);
  return { split, bound, part: which };
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

/** Commands whose results --out - writes to standard output (CSV or JSON, for a pipe). */
const STDOUT_COMMANDS: ReadonlySet<string> = new Set(['summary', 'encode']);

/** A figure's title: what it shows, the model file and the run (its folder and epoch). */
export function figureTitle(t: Trained, what: string): string {
  return `${what} · ${path.basename(t.file)} · ${reportedPath(path.dirname(t.checkpointPath))}, epoch ${t.checkpoint.epoch}`;
}

/** Writes a labelled figure of a picture grid under the output folder and returns its path. */
export async function writeFigure(t: Trained, name: string, grid: Buffer, layout: GridLayout, text: FigureText): Promise<string> {
  const figure = await figurePng(grid, layout, text);
  if (figure.unlabelled) process.stderr.write(`note: ${name} is written without labels: ${figure.unlabelled}\n`);
  return writeOut(t.outDir, name, figure.png);
}

/** Writes a file under the output folder and returns its path. */
export function writeOut(dir: string, name: string, body: string | Buffer): string {
  ensureDir(dir);
  const file = path.join(dir, name);
  writeFileSafely(file, body, { what: 'output' });
  return file;
}
