#!/usr/bin/env node
// The `ppl` command line. Commands are thin: the work is in the library (api/).
import { Command, CommanderError } from 'commander';
import { UserError } from '../api/index.js';
import { COMMANDS } from './commands/index.js';
import { asFlagError } from './flag-errors.js';

function buildProgram(): Command {
  const program = new Command('ppl')
    .description('A probabilistic programming language for variational inference, compiled to TensorFlow.js')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  for (const register of COMMANDS) register(program);
  return program;
}

/** Known problems print as one message and exit 1; anything else is a bug and says so. */
async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (caught) {
    const e = asFlagError(caught);
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`internal error: ${err.message}\n(this is a bug in ppl; set PPL_DEBUG=1 for the stack trace)\n`);
    if (process.env['PPL_DEBUG']) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = 2;
  }
}

void main(process.argv);
