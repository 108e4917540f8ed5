// Validation of command-line values: each bad flag is one clear sentence naming the flag.
import { OptionError, UserError } from '../api/index.js';

/** Library options whose flag is not their kebab-case spelling. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = { baselines: '--baseline' };

/** The flag of a library option: `batchSize` -> `--batch-size`. */
export function flagOf(option: string): string {
  return FLAG_OF_OPTION[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** What the command line prints for a user error: an option's problem starts with its flag. */
export function userMessage(e: UserError): string {
  return e instanceof OptionError ? `${flagOf(e.option)}: ${e.message}` : e.message;
}

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`${flag} must be a positive whole number (got '${value}')`);
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

export function oneOf<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new UserError(`${flag} must be one of ${choices.join(', ')} (got '${value}')`);
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
