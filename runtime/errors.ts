// The errors every layer may raise. This module sits at the bottom: it imports nothing, and its
// messages speak of values and options by their API names, never by command-line flags (the CLI
// adds those at its boundary).

/**
 * An error meant for the user, not the developer: front ends print `message` alone (no stack).
 * Use it for bad options, missing files, bad data, NaN in training.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * A bad value of one named option (`lr`, `batchSize`, ...). The message does not name the option
 * as a flag; a command line front end prefixes it with its own spelling of `option`.
 */
export class OptionError extends UserError {
  override readonly name: string = 'OptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}
