// `ppl encode FILE`: the guide's posterior summary of every local latent for each data point
// (mean and sd for Normal guides, probabilities for Bernoulli ones), as CSV and optionally JSON.
import type { Command } from 'commander';
import { DEFAULT_ENCODE_PARTICLES, type EncodedSet } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { addTrainedDataOptions, trainedCommand, withTrainedData, writeOut, type DataFlags, type TrainedFlags, reportedPath } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface EncodeFlags extends TrainedFlags, DataFlags {
  json: boolean;
  particles: number;
}

function columnName(name: string, stat: string, shape: readonly number[], i: number): string {
  return shape.length === 0 ? `${name}_${stat}` : `${name}_${stat}_${i}`;
}

/** CSV: index, label (when the data have labels), then each latent's statistics per dimension. */
export function encodedCsv(enc: EncodedSet): string {
  const header = ['index', ...(enc.labels ? ['label'] : [])];
  const cols: { values: Float32Array; per: number; at: number }[] = [];
  for (const l of enc.latents) {
    const per = l.shape.reduce((a, b) => a * b, 1);
    for (const [stat, values] of Object.entries(l.stats)) {
      for (let i = 0; i < per; i++) {
        header.push(columnName(l.name, stat, l.shape, i));
        cols.push({ values, per, at: i });
      }
    }
  }
  const lines = [header.join(',')];
  for (let p = 0; p < enc.indices.length; p++) {
    const row: (string | number)[] = [enc.indices[p]!];
    if (enc.labels) row.push(enc.labels[p]!);
    for (const c of cols) row.push(Number(c.values[p * c.per + c.at]!.toPrecision(7)));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function encodedJson(enc: EncodedSet): unknown {
  return enc.indices.length === 0
    ? []
    : Array.from(enc.indices, (index, p) => ({
        index,
        ...(enc.labels ? { label: enc.labels[p] } : {}),
        latents: Object.fromEntries(
          enc.latents.map((l) => {
            const per = l.shape.reduce((a, b) => a * b, 1);
            const stats = Object.fromEntries(Object.entries(l.stats).map(([k, v]) => [k, Array.from(v.subarray(p * per, (p + 1) * per))]));
            return [l.name, { dist: l.dist, shape: l.shape, ...stats }];
          }),
        ),
      }));
}

export async function runEncode(file: string, flags: EncodeFlags, cmd: Command): Promise<void> {
  await withTrainedData(file, flags, cmd, 'encode', async (t, { bound, part }) => {
    const enc = await t.trained.encode(bound, { seed: flags.seed, particles: flags.particles });
    if (flags.out === '-') {
      // The results alone on stdout, for a pipe: JSON with --json, else CSV.
      process.stdout.write(flags.json ? `${JSON.stringify({ checkpoint: reportedPath(t.checkpointPath), split: flags.split, points: encodedJson(enc) })}\n` : encodedCsv(enc));
      return;
    }
    const csv = writeOut(t.outDir, 'encode.csv', encodedCsv(enc));
    const what = enc.latents.map((l) => `${l.name} (${l.dist}: ${Object.keys(l.stats).join(', ')})`).join('; ');
    process.stdout.write(`encoded ${enc.indices.length} points: ${what || 'no local latents'}\ncsv: ${csv}\n`);
    if (flags.json) {
      const json = writeOut(t.outDir, 'encode.json', `${JSON.stringify({ checkpoint: reportedPath(t.checkpointPath), split: part, points: encodedJson(enc) })}\n`);
      process.stdout.write(`json: ${json}\n`);
    }
  });
}

export function registerEncode(program: Command): void {
  trainedCommand(
    program,
    'encode',
    DESCRIPTIONS.encode,
    (cmd) =>
      addTrainedDataOptions(cmd)
        .option('--json', 'also write encode.json', false)
        .option('--particles <n>', 'draws for guides whose latents depend on other latents (exact otherwise)', positiveInt('--particles'), DEFAULT_ENCODE_PARTICLES),
    runEncode,
  );
}
