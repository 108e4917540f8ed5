// Validation of command-line values: each bad flag is one clear sentence naming the flag.
import { UserError } from '../api/errors.js';

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`${flag} must be a positive whole number (got '${value}')`);
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} must be a whole number >= 0 (got '${value}')`);
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number (got '${value}')`);
    return n;
  };
}

export function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new UserError(`${flag} must be a number >= 0 (got '${value}')`);
    return n;
  };
}

export function finiteNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UserError(`${flag} must be a number (got '${value}')`);
    return n;
  };
}

export function unitInterval(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n >= 1) throw new UserError(`${flag} must be a number in [0, 1) (got '${value}')`);
    return n;
  };
}

/** When checkpoints are written: every so many seconds of training (0: only at the end and on Ctrl-C), or every so many epochs. */
export type CheckpointSchedule = { seconds: number } | { epochs: number };

const SECONDS_PER: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** `60s`, `5m`, `1h`, `90` (seconds), `0`, or `2epochs` / `1epoch`. */
export function checkpointSchedule(flag: string) {
  return (value: string): CheckpointSchedule => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|epochs?)?\s*$/.exec(value);
    const n = m ? Number(m[1]) : NaN;
    if (m && m[2]?.startsWith('epoch')) {
      if (Number.isInteger(n) && n > 0) return { epochs: n };
    } else if (m && Number.isFinite(n)) {
      return { seconds: n * SECONDS_PER[m[2] ?? 's']! };
    }
    throw new UserError(`${flag} must be a time such as 60s, 5m or 1h (0: only at the end and on Ctrl-C), or a number of epochs such as 1epoch (got '${value}')`);
  };
}
