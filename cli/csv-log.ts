// The per-epoch training log, one CSV row per epoch, appended as epochs finish.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EpochRecord } from '../api/index.js';

export const CSV_HEADER = 'epoch,steps,train_elbo,test_elbo,seconds,samples_per_second';

export function appendCsvLog(file: string, r: EpochRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${CSV_HEADER}\n`);
  const row = [r.epoch, r.steps, r.trainElbo.toFixed(4), r.testElbo.toFixed(4), r.seconds.toFixed(3), r.samplesPerSecond.toFixed(1)];
  fs.appendFileSync(file, `${row.join(',')}\n`);
}
