// Every `ppl` command, in the order `ppl --help` lists them. A command module exports a
// register function; add new commands here.
import type { Command } from 'commander';
import { registerCheck } from './check.js';
import { registerTrain } from './train.js';

export const COMMANDS: readonly ((program: Command) => void)[] = [registerCheck, registerTrain];
