// The training logs of a run folder: log.csv, one row per epoch, and steps.csv, one row per
// optimizer step. Rows are kept in memory and appended when a checkpoint is written, so the logs
// on disk always end where the checkpoint does (a resumed run first cuts any rows past it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EpochRecord, StepInfo } from '../api/index.js';

export const CSV_HEADER = 'epoch,steps,train_elbo,test_elbo,seconds,samples_per_second';
export const STEPS_CSV_HEADER = 'step,epoch,step_in_epoch,elbo';

/** A number as a CSV cell; NaN (no test set) is an empty cell. */
const cell = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '');

export function epochRow(r: EpochRecord): string {
  return [r.epoch, r.steps, cell(r.trainElbo, 4), cell(r.testElbo, 4), cell(r.seconds, 3), cell(r.samplesPerSecond, 1)].join(',');
}

export function stepRow(s: StepInfo): string {
  return [s.totalStep, s.epoch, s.stepInEpoch, cell(s.elbo, 4)].join(',');
}

/** The rows of `file` (header dropped) whose first cell is at most `last`; a missing file has none. */
function rowsUpTo(file: string, last: number): string[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '' && Number(line.slice(0, line.indexOf(','))) <= last);
}

export class RunLog {
  readonly epochsFile: string;
  readonly stepsFile: string;
  private epochs: string[] = [];
  private steps: string[] = [];

  constructor(dir: string) {
    this.epochsFile = path.join(dir, 'log.csv');
    this.stepsFile = path.join(dir, 'steps.csv');
  }

  /** Continuing a checkpoint after `epoch` epochs and `step` steps: rows past them are dropped. */
  resumeAt(epoch: number, step: number): void {
    for (const [file, header, last] of [
      [this.epochsFile, CSV_HEADER, epoch],
      [this.stepsFile, STEPS_CSV_HEADER, step],
    ] as const) {
      if (!fs.existsSync(file)) continue;
      const rows = rowsUpTo(file, last);
      fs.writeFileSync(file, `${[header, ...rows].join('\n')}\n`);
    }
  }

  addStep(info: StepInfo): void {
    this.steps.push(stepRow(info));
  }

  addEpoch(record: EpochRecord): void {
    this.epochs.push(epochRow(record));
  }

  /** Appends the rows kept since the last flush (each file created with its header). */
  flush(): void {
    fs.mkdirSync(path.dirname(this.epochsFile), { recursive: true });
    for (const [file, header, rows] of [
      [this.epochsFile, CSV_HEADER, this.epochs],
      [this.stepsFile, STEPS_CSV_HEADER, this.steps],
    ] as const) {
      if (!fs.existsSync(file)) fs.writeFileSync(file, `${header}\n`);
      if (rows.length) fs.appendFileSync(file, `${rows.join('\n')}\n`);
    }
    this.epochs = [];
    this.steps = [];
  }

  /** Every step's (step, ELBO) on disk, for the chart. */
  readSteps(): { step: number; elbo: number }[] {
    return rowsUpTo(this.stepsFile, Infinity).map((line) => {
      const cells = line.split(',');
      return { step: Number(cells[0]), elbo: Number(cells[3]) };
    });
  }
}
