#!/usr/bin/env node
// The `ppl` command line. Commands are thin: the work is in the library (api/).
import { Command, CommanderError } from 'commander';
import { UserError } from '../api/errors.js';
import { COMMANDS } from './commands/index.js';
import { DESCRIPTIONS } from './commands/descriptions.js';
import { asFlagError } from './flag-errors.js';
import { VERSION } from './version.js';

/** The command the arguments name (`ppl [global options] NAME ...`, or `ppl help NAME`), if any. */
function commandNamed(args: readonly string[]): string | undefined {
  const first = args.find((a) => !a.startsWith('-'));
  if (first === 'help') return args[args.indexOf('help') + 1];
  return first;
}

/**
 * The program with the named command fully registered (its module loaded), and every other
 * command as a name and a description only: enough for `ppl --help` and for commander's
 * "unknown command" suggestions, without loading what the others need.
 */
async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command('ppl')
    .description('A probabilistic programming language for variational inference, compiled to TensorFlow.js')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const named = commandNamed(args);
  for (const entry of COMMANDS) {
    if (entry.name === named) (await entry.load())(program);
    else program.command(`${entry.name}${entry.args ? ` ${entry.args}` : ''}`).description(DESCRIPTIONS[entry.name]);
  }
  return program;
}

/** Known problems print as one message and exit 1; anything else is a bug and says so. */
async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv.slice(2))).parseAsync(argv);
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
