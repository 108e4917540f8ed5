// The engine names options by their API names (trainSize, testFraction, ...); the command line
// names them as flags (--train-size, --test-fraction). This is the one place that translates.
import { OptionError, UserError } from '../api/errors.js';

/**
 * API names that engine messages may mention, in backticks, inside any UserError (e.g. a binding
 * error's hint "name the columns with `columns` X=..."); an OptionError's own option and any
 * other backticked name in it are translated too.
 */
const MENTIONED_OPTIONS: ReadonlySet<string> = new Set([
  'data',
  'epochs',
  'steps',
  'binarize',
  'threshold',
  'trainSize',
  'testSize',
  'testFraction',
  'columns',
  'backend',
  'estimator',
  'baselines',
  'particles',
  'objective',
  'alpha',
  'optimizer',
  'lr',
  'grid',
  'dims',
  'inputs',
  'mask',
  'from',
]);

/** Library options whose flag is not their kebab-case spelling. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = { baselines: '--baseline' };

/** trainSize -> --train-size. */
export function flagName(option: string): string {
  return FLAG_OF_OPTION[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Text with each backticked option name (`testFraction`) spelled as its flag (--test-fraction). */
export function flagText(text: string, options: ReadonlySet<string> = MENTIONED_OPTIONS): string {
  return text.replace(/`([a-z][A-Za-z0-9]*)`/g, (whole, name: string) => (options.has(name) ? flagName(name) : whole));
}

/**
 * An error as the command line prints it. An OptionError's message gets its flag in front
 * (`trainSize` + "must be a positive integer, got 0" -> "--train-size must be a positive integer,
 * got 0"), unless it already mentions the option in backticks ("unknown `data` 'tsv:a'" ->
 * "unknown --data 'tsv:a'"); backticked option names in any UserError become flags. Anything
 * else is returned as it is.
 */
export function asFlagError(e: unknown): unknown {
  if (!(e instanceof UserError)) return e;
  if (e instanceof OptionError) {
    const options = new Set([...MENTIONED_OPTIONS, e.option]);
    const self = `\`${e.option}\``;
    return new UserError(flagText(e.message.includes(self) ? e.message : `${self} ${e.message}`, options));
  }
  const text = flagText(e.message);
  return text === e.message ? e : new UserError(text);
}
