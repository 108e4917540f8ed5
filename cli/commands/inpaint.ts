// `ppl inpaint FILE --mask SPEC`: hide part of each input and infer it from the rest by the
// model's posterior (importance sampling or iterated conditional sampling). Writes a picture
// (rows: original, masked, filled, posterior draws) and the error on the hidden entries.
import * as fs from 'node:fs';
import { Option, type Command } from 'commander';
import {
  imageLayout,
  INPAINT_METHODS,
  lowEssWarning,
  meanWithError,
  parseMaskSpec,
  primaryData,
  UserError,
  valuesPerPoint,
  type HiddenError,
  type ImageLayout,
  type InpaintMethod,
  type MaskSpec } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { decodePngGrey, renderGrid, type Tile } from '../render/png.js';
import { addTrainedDataOptions, figureTitle, trainedCommand, withTrainedData, writeFigure, writeOut, type DataFlags, type TrainedFlags, reportedPath } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface InpaintFlags extends TrainedFlags, DataFlags {
  mask: string;
  method: InpaintMethod;
  samples: number;
  rounds: number;
  iterations: number;
  chains: number;
  init: 'mean' | 'half';
  n: number;
  show: number;
  keep: number;
  scale: number;
}

/** A mask file: a PNG (white = hidden) of the picture's size, or a CSV of 0/1 (1 = hidden). */
export function readMaskFile(file: string, size: number, layout: ImageLayout | undefined): MaskSpec {
  if (!fs.existsSync(file)) throw new UserError(`--mask ${file}: no such file (built-in masks: top, bottom, left, right, square:K, random:F)`);
  const hidden = new Uint8Array(size);
  if (/\.png$/i.test(file)) {
    const { width, height, grey } = decodePngGrey(fs.readFileSync(file), `--mask ${file}`);
    if (!layout || width !== layout.cols || height !== layout.rows) {
      const want = layout ? `${layout.cols}x${layout.rows}` : `a picture (a data point here is a vector of ${size} values; use a CSV mask)`;
      throw new UserError(`--mask ${file}: the image is ${width}x${height}, the data points are ${want}`);
    }
    for (let i = 0; i < size; i++) hidden[i] = grey[i]! > 0.5 ? 1 : 0;
    return { kind: 'pattern', hidden, origin: file };
  }
  const cells = fs.readFileSync(file, 'utf8').split(/[\s,;]+/).filter((c) => c.length > 0);
  if (cells.length !== size) throw new UserError(`--mask ${file}: has ${cells.length} values, a data point has ${size}`);
  cells.forEach((c, i) => {
    if (c !== '0' && c !== '1') throw new UserError(`--mask ${file}: value ${i + 1} is '${c}', expected 0 or 1 (1 = hidden)`);
    hidden[i] = c === '1' ? 1 : 0;
  });
  return { kind: 'pattern', hidden, origin: file };
}

function fmt(e: HiddenError): string {
  return `MSE ${e.mse.toFixed(4)}${e.bce === null ? '' : `, BCE ${e.bce.toFixed(4)}`}`;
}

export async function runInpaint(file: string, flags: InpaintFlags, cmd: Command): Promise<void> {
  await withTrainedData(file, flags, cmd, 'inpaint', async (t, { split, bound, part }) => {
    const d = primaryData(t.trained.program.lowered, 'inpaint');
    const size = valuesPerPoint(d.shape);
    const layout = imageLayout(d.shape, t.trained.pictureOf(d.name, bound));
    const parsed = parseMaskSpec(flags.mask);
    const mask = parsed.kind === 'file' ? readMaskFile(parsed.path, size, layout) : parsed;
    const result = await t.trained.inpaint(bound, {
      mask,
      reference: split.train,
      method: flags.method,
      samples: flags.samples,
      rounds: flags.rounds,
      iterations: flags.iterations,
      chains: flags.chains,
      init: flags.init,
      n: flags.n,
      keep: flags.keep,
      seed: flags.seed,
    });
    const { truth, hidden, error, baseline, seconds } = result;
    const n = result.indices.length;
    const report = {
      checkpoint: reportedPath(t.checkpointPath),
      split: part,
      points: n,
      mask: flags.mask,
      method: flags.method,
      ...(flags.method === 'is' ? { samples: flags.samples, rounds: flags.rounds } : { chains: flags.chains, iterations: flags.iterations }),
      init: flags.init,
      seed: flags.seed,
      hiddenPerPoint: error.hidden / n,
      error: { mse: error.mse, bce: error.bce },
      baselineMeanImage: { mse: baseline.mse, bce: baseline.bce },
      ...(result.ess ? { ess: meanWithError(result.ess) } : {}),
      seconds,
    };
    const json = writeOut(t.outDir, 'inpaint.json', `${JSON.stringify(report, null, 2)}\n`);
    let picture = '';
    if (layout) {
      const cols = Math.min(flags.show, n);
      const rows: Tile[][] = [
        [...Array(cols).keys()].map((p) => ({ values: truth.subarray(p * size, (p + 1) * size) })),
        [...Array(cols).keys()].map((p) => ({ values: truth.subarray(p * size, (p + 1) * size), hidden: hidden.subarray(p * size, (p + 1) * size) })),
        [...Array(cols).keys()].map((p) => ({ values: result.filled.subarray(p * size, (p + 1) * size) })),
        ...result.samples.map((s) => [...Array(cols).keys()].map((p) => ({ values: s.subarray(p * size, (p + 1) * size) }))),
      ];
      const grid = { rows: rows.length, cols, tileRows: layout.rows, tileCols: layout.cols, scale: flags.scale };
      const how = flags.method === 'is' ? `importance sampling, K = ${flags.samples}${flags.rounds > 1 ? ` x ${flags.rounds} rounds` : ''}` : `iterated conditional sampling, ${flags.chains} chains x ${flags.iterations} sweeps`;
      picture = await writeFigure(t, 'inpaint.png', renderGrid(rows.flat(), grid), grid, {
        title: figureTitle(t, 'inpainting'),
        caption: `mask ${flags.mask} on ${flags.split} points; the hidden part inferred from the observed part by ${how}`,
        rowLabels: ['original', 'observed (hidden in red)', 'filled: posterior mean', ...result.samples.map((_, i) => `posterior draw ${i + 1}`)],
        colLabels: [...Array(cols).keys()].map((p) => `#${result.indices[p]}`),
      });
    }
    process.stdout.write(
      `inpainted ${n} points, ${error.hidden / n} hidden values each (mask ${flags.mask}), by ${flags.method === 'is' ? `importance sampling, K = ${flags.samples}${flags.rounds > 1 ? ` in each of ${flags.rounds} adaptive rounds` : ''}` : `iterated conditional sampling, ${flags.chains} chains x ${flags.iterations} sweeps`} in ${seconds.toFixed(1)} s\n` +
        `error on the hidden values: ${fmt(error)}\n` +
        `filling with the training mean image instead: ${fmt(baseline)}\n` +
        (result.ess ? `mean effective sample size: ${meanWithError(result.ess).mean.toFixed(1)} of ${flags.samples * flags.rounds}\n` : '') +
        (picture ? `picture (rows: original, masked with hidden in red, filled = posterior mean, ${result.samples.length} posterior draws): ${picture}\n` : '') +
        `report: ${json}\n`,
    );
    const warning = result.ess
      ? lowEssWarning({
          ess: meanWithError(result.ess).mean,
          k: flags.samples * flags.rounds,
          estimate: 'the filled-in part',
          remedies: ['--method gibbs (no weights)', 'more --rounds (each adapts the proposal to the last)', 'more --samples', 'a model trained longer'],
        })
      : undefined;
    if (warning) process.stderr.write(`${warning}\n`);
  });
}

export function registerInpaint(program: Command): void {
  trainedCommand(
    program,
    'inpaint',
    DESCRIPTIONS.inpaint,
    (cmd) =>
      addTrainedDataOptions(cmd.requiredOption('--mask <spec>', 'top, bottom, left, right, square:K, random:F, or a PNG (white = hidden) / CSV of 0/1 (1 = hidden)'))
        .addOption(new Option('--method <m>', 'is: importance sampling with the guide as proposal; gibbs: iterated conditional sampling').choices(INPAINT_METHODS).default('is'))
        .option('--samples <K>', 'is: importance samples per point and round', positiveInt('--samples'), 1000)
        .option('--rounds <R>', 'is: adaptive rounds; round r proposes from the guide at the estimate of round r-1, all draws pooled', positiveInt('--rounds'), 3)
        .option('--iterations <T>', 'gibbs: sweeps per chain (the second half is averaged)', positiveInt('--iterations'), 100)
        .option('--chains <C>', 'gibbs: chains per point', positiveInt('--chains'), 10)
        .addOption(new Option('--init <fill>', 'the hidden values before inference: the training mean image, or 0.5').choices(['mean', 'half']).default('mean'))
        .option('--n <n>', 'points to inpaint (the first n of the split)', positiveInt('--n'), 100)
        .option('--show <n>', 'points shown in the picture', positiveInt('--show'), 10)
        .option('--keep <n>', 'posterior draws shown per point', (v: string) => {
          const k = Number(v);
          if (!Number.isInteger(k) || k < 0) throw new UserError(`--keep must be a whole number >= 0 (got '${v}')`);
          return k;
        }, 3)
        .option('--scale <s>', 'pixels per value in the PNG', positiveInt('--scale'), 2),
    runInpaint,
  );
}
