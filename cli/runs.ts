// Run folders: `ppl train` writes runs/<model>/run-<n>/ (checkpoint.json, log.csv, charts);
// `--resume` and every command that uses a trained model default to the latest of them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../api/errors.js';

export const CHECKPOINT_FILE = 'checkpoint.json';

/** runs/<model name> for a model file. */
export function runsDir(file: string): string {
  return path.join('runs', path.basename(file).replace(/\.ppl$/, ''));
}

/** The highest n of the existing runs/<model>/run-<n> folders, 0 when there are none. */
export function latestRunNumber(file: string): number {
  const base = runsDir(file);
  const taken = fs.existsSync(base)
    ? fs.readdirSync(base).map((d) => /^run-(\d+)$/.exec(d)).filter((m) => m !== null).map((m) => Number(m[1]))
    : [];
  return taken.length ? Math.max(...taken) : 0;
}

export function runFolder(file: string, n: number): string {
  return path.join(runsDir(file), `run-${n}`);
}

/** A --checkpoint value: a checkpoint file, or a run folder holding checkpoint.json. */
export function checkpointIn(given: string): string {
  if (!fs.existsSync(given) || !fs.statSync(given).isDirectory()) return given;
  const inside = path.join(given, CHECKPOINT_FILE);
  if (!fs.existsSync(inside)) throw new UserError(`--checkpoint ${given}: the folder has no ${CHECKPOINT_FILE}; name a checkpoint file or a run folder of ppl train`);
  return inside;
}

/** The checkpoint of the latest run of `file` (a UserError when there is no run). */
export function latestCheckpoint(file: string): string {
  const n = latestRunNumber(file);
  if (!n) {
    throw new UserError(`no checkpoint: there is no run of ${file} under ${runsDir(file)}; train it first (ppl train ${file}) or name a checkpoint with --checkpoint`);
  }
  return path.join(runFolder(file, n), CHECKPOINT_FILE);
}
