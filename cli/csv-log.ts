// The training logs of a run folder: log.csv, one row per epoch, and steps.csv, one row per
// optimizer step. Rows are kept in memory and the files rewritten whole (through
// writeFileSafely) when a checkpoint is written, so the logs on disk always end where the
// checkpoint does: a crash or a full disk never leaves a half row, and a resumed run first drops
// any rows past its checkpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileSafely, type EpochRecord, type StepInfo } from '../api/index.js';

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

  /** Continuing a checkpoint after `epoch` epochs and `step` steps: the rows up to them are kept, later ones dropped. */
  resumeAt(epoch: number, step: number): void {
    this.epochs = rowsUpTo(this.epochsFile, epoch);
    this.steps = rowsUpTo(this.stepsFile, step);
  }

  addStep(info: StepInfo): void {
    this.steps.push(stepRow(info));
  }

  addEpoch(record: EpochRecord): void {
    this.epochs.push(epochRow(record));
  }

  /** Writes both logs whole, each with its header. */
  flush(): void {
    fs.mkdirSync(path.dirname(this.epochsFile), { recursive: true });
    writeFileSafely(this.epochsFile, `${[CSV_HEADER, ...this.epochs].join('\n')}\n`, { what: 'log' });
    writeFileSafely(this.stepsFile, `${[STEPS_CSV_HEADER, ...this.steps].join('\n')}\n`, { what: 'log' });
  }

  /** Every step's (step, ELBO), for the chart. */
  readSteps(): { step: number; elbo: number }[] {
    return this.steps.map((line) => {
      const cells = line.split(',');
      return { step: Number(cells[0]), elbo: Number(cells[3]) };
    });
  }
}
