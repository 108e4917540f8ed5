// The per-epoch training log, one CSV row per epoch. It is rewritten whole from the history each
// time (through writeFileSafely), so it always matches the checkpoint written with it: a crash or a
// full disk never leaves a half row, and a resumed run's log has no duplicate epochs.
import { writeFileSafely, type EpochRecord } from '../api/index.js';

export const CSV_HEADER = 'epoch,steps,train_elbo,test_elbo,seconds,samples_per_second';

function row(r: EpochRecord): string {
  return [r.epoch, r.steps, r.trainElbo.toFixed(4), r.testElbo.toFixed(4), r.seconds.toFixed(3), r.samplesPerSecond.toFixed(1)].join(',');
}

/** Write the log of every epoch in `history` to `file`. */
export function writeCsvLog(file: string, history: readonly EpochRecord[]): void {
  writeFileSafely(file, `${[CSV_HEADER, ...history.map(row)].join('\n')}\n`, { what: 'log' });
}
