// What every command that uses a trained model shares: --checkpoint (default: the latest run's,
// as `ppl train --resume` finds it), --out, --backend, --seed, loading the program with its
// trained parameters, and opening its data (by default as it was trained).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import type { CheckedProgram } from '../lang/checked.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { UserError } from '../runtime/errors.js';
import { initBackend, describeBackend, type BackendChoice } from '../runtime/backend.js';
import { openData, bindFields, domainWarnings, type Batch, type Binarize, type Dataset, type DataSplit } from '../runtime/data/index.js';
import type { Checkpoint } from '../inference/checkpoint.js';
import { readCheckpoint } from '../api/checkpoint-file.js';
import { restoreProgram } from '../inference/restore.js';
import { globalGuideMeans, type GlobalValues } from '../inference/replay.js';
import { Rng } from '../runtime/random.js';
import { loadProgram } from './load.js';
import { latestCheckpoint } from './runs.js';
import { addDataOptions, backendOption, seedOption } from './options.js';

export interface TrainedFlags {
  checkpoint?: string;
  out?: string;
  backend: BackendChoice;
  seed: string;
}

export interface DataFlags {
  data: string;
  binarize: Binarize;
  threshold: number;
  trainSize?: number;
  testSize?: number;
  split: 'train' | 'test';
}

/** --checkpoint, --out, --backend, --seed. */
export function addTrainedOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--checkpoint <file>', 'checkpoint written by ppl train (default: runs/<model>/run-<n>/checkpoint.json of the latest run)')
    .option('--out <dir>', `output folder (default: ${what} beside the checkpoint)`)
    .addOption(backendOption())
    .addOption(seedOption());
}

/** The data options of addDataOptions plus --split; data, binarization and threshold default to the checkpoint's. */
export function addTrainedDataOptions(cmd: Command): Command {
  return addDataOptions(cmd).addOption(new Option('--split <name>', 'which part of the data set').choices(['train', 'test']).default('test'));
}

/** A path for a report: relative to the working directory, so that a committed report stays portable. */
export function reportedPath(p: string): string {
  return path.relative(process.cwd(), path.resolve(p)) || '.';
}

export interface Trained {
  file: string;
  checked: CheckedProgram;
  program: CompiledProgram;
  checkpoint: Checkpoint;
  checkpointPath: string;
  outDir: string;
  /** Global latents at their guide means (empty for models without globals). */
  globals: GlobalValues;
}

/**
 * Check the source, read the checkpoint, compile with --seed and restore the parameters. A
 * checkpoint from another version of the source is a warning when the parameter shapes still
 * match, and an error (from the parameter store) when they do not.
 */
export async function openTrained(file: string, flags: TrainedFlags, command: string): Promise<Trained> {
  const { checked, warnings } = loadProgram(file);
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  const backend = await initBackend(flags.backend);
  process.stdout.write(`${describeBackend(backend)}\n`);
  const checkpointPath = flags.checkpoint ?? latestCheckpoint(file);
  if (flags.checkpoint !== undefined && fs.existsSync(checkpointPath) && fs.statSync(checkpointPath).isDirectory()) {
    throw new UserError(`--checkpoint ${checkpointPath}: is a folder; name its checkpoint.json`);
  }
  const checkpoint = readCheckpoint(checkpointPath);
  const { program, sourceChanged } = restoreProgram(checked, checkpoint, checkpointPath, flags.seed);
  if (sourceChanged) {
    process.stderr.write(`warning: ${checkpointPath} was trained from a different version of ${file} (source hash differs); the parameter shapes match, so it is used as is\n`);
  }
  process.stdout.write(`checkpoint: ${checkpointPath} (epoch ${checkpoint.epoch}, ${program.params.count().toLocaleString('en-US')} parameters)\n`);
  const outDir = flags.out ?? path.join(path.dirname(checkpointPath), command);
  const globals = globalGuideMeans(program, new Rng(`${flags.seed}/globals`));
  if (globals.size) process.stdout.write(`global latents ${[...globals.keys()].join(', ')} are held at their guide means\n`);
  return { file, checked, program, checkpoint, checkpointPath, outDir, globals };
}

export interface OpenedData {
  split: DataSplit;
  dataset: Dataset;
  bindings: Map<string, string>;
}

/**
 * The data named by the flags. Unless given on the command line, --data, --binarize and
 * --threshold are the ones the checkpoint was trained with, so a test set is binarized as in
 * training.
 */
export async function openTrainedData(t: Trained, flags: DataFlags, cmd: Command): Promise<OpenedData> {
  const fromCheckpoint = <K extends 'data' | 'binarize' | 'threshold'>(key: K): DataFlags[K] => {
    const saved = t.checkpoint.flags[key];
    return cmd.getOptionValueSource(key) === 'default' && saved !== undefined ? (saved as DataFlags[K]) : flags[key];
  };
  const split = await openData(fromCheckpoint('data'), {
    binarize: fromCheckpoint('binarize'),
    threshold: fromCheckpoint('threshold'),
    trainSize: flags.trainSize,
    testSize: flags.testSize,
  });
  const dataset = split[flags.split];
  const bindings = bindFields(t.checked.data, dataset);
  for (const w of domainWarnings(t.checked.data, dataset, bindings)) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`data: ${split.description}; using the ${flags.split} set (${dataset.size.toLocaleString('en-US')} points)\n`);
  return { split, dataset, bindings };
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

/** Writes a file under the output folder and returns its path. */
export function writeOut(dir: string, name: string, body: string | Buffer): string {
  ensureDir(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

/** The first n points of a data set (all of them when it has fewer), as one batch. */
export async function firstPoints(dataset: Dataset, n: number, seed: string): Promise<Batch> {
  for await (const batch of dataset.batches(Math.min(n, dataset.size), { rng: new Rng(`${seed}/data`), shuffle: false })) return batch;
  throw new UserError(`${dataset.name}: the data set is empty`);
}
