// `ppl summary FILE`: the posterior of every global latent (the guide's mean, sd and 5/50/95%
// quantiles, in the latent's constrained space) and the value of every param, as a table
// (like CmdStan's stansummary), CSV or JSON, printed and written to summary/ beside the
// checkpoint (or --out DIR); with --out - it goes to stdout alone (what was loaded is reported on stderr).
import { Option, type Command } from 'commander';
import { DEFAULT_SUMMARY_DRAWS, formatSummary, SUMMARY_FORMATS, type SummaryFormat } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { trainedCommand, withTrained, writeOut, type TrainedFlags } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface SummaryFlags extends TrainedFlags {
  format: SummaryFormat;
  draws: number;
  rows: number;
}

const EXTENSION: Record<SummaryFormat, string> = { table: 'txt', csv: 'csv', json: 'json' };

export async function runSummary(file: string, flags: SummaryFlags): Promise<void> {
  await withTrained(file, flags, 'summary', async (t) => {
    const summary = t.trained.summary({ draws: flags.draws, seed: flags.seed });
    const text = formatSummary(summary, flags.format, { maxRows: flags.rows });
    if (flags.out === '-') {
      process.stdout.write(text);
      return;
    }
    process.stdout.write(`${text}written: ${writeOut(t.outDir, `summary.${EXTENSION[flags.format]}`, text)}\n`);
  });
}

export function registerSummary(program: Command): void {
  trainedCommand(
    program,
    'summary',
    DESCRIPTIONS.summary,
    (cmd) =>
      cmd
        .addOption(new Option('--format <kind>', 'table, csv or json').choices(SUMMARY_FORMATS).default('table'))
        .option('--draws <n>', 'draws of the guide behind sd and quantiles where they have no closed form', positiveInt('--draws'), DEFAULT_SUMMARY_DRAWS)
        .option('--rows <n>', 'table: tensors with more elements than this get one aggregate row', positiveInt('--rows'), 20),
    (file, flags: SummaryFlags) => runSummary(file, flags),
  );
}
