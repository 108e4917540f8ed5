// The library's errors alone: what a caller catches. Imported by what must start fast (`ppl --help`).
export { OptionError, UserError } from '../runtime/errors.js';
