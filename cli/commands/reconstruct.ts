// `ppl reconstruct FILE`: originals beside their reconstructions x -> E_q[z | x] -> E[x | z].
import type { Command } from 'commander';
import { imageLayout, valuesPerPoint } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { renderGrid, type Tile } from '../render/png.js';
import { addTrainedDataOptions, figureTitle, trainedCommand, withTrainedData, writeFigure, writeOut, type DataFlags, type TrainedFlags, reportedPath } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface ReconstructFlags extends TrainedFlags, DataFlags {
  n: number;
  cols: number;
  scale: number;
}

/** Pairs of rows: originals, then their reconstructions, `cols` points per row. */
export function pairedRows(originals: Float32Array, recon: Float32Array, n: number, size: number, cols: number): { tiles: (Tile | undefined)[]; rows: number; cols: number } {
  const c = Math.min(cols, n);
  const groups = Math.ceil(n / c);
  const tiles: (Tile | undefined)[] = [];
  for (let g = 0; g < groups; g++) {
    for (const src of [originals, recon]) {
      for (let j = 0; j < c; j++) {
        const p = g * c + j;
        tiles.push(p < n ? { values: src.subarray(p * size, (p + 1) * size) } : undefined);
      }
    }
  }
  return { tiles, rows: 2 * groups, cols: c };
}

export async function runReconstruct(file: string, flags: ReconstructFlags, cmd: Command): Promise<void> {
  await withTrainedData(file, flags, cmd, 'reconstruct', async (t, { bound, part }) => {
    const r = await t.trained.reconstruct(bound, { n: flags.n, seed: flags.seed });
    const { originals, reconstructions: recon, error: err } = r;
    const size = valuesPerPoint(r.shape);
    const n = r.indices.length;
    const layout = imageLayout(r.shape, t.trained.pictureOf(r.data, bound));
    let out: string;
    if (layout) {
      const g = pairedRows(originals, recon, n, size, flags.cols);
      const grid = { rows: g.rows, cols: g.cols, tileRows: layout.rows, tileCols: layout.cols, scale: flags.scale };
      out = await writeFigure(t, 'reconstruct.png', renderGrid(g.tiles, grid), grid, {
        title: figureTitle(t, 'reconstructions'),
        caption: `${flags.split} points; each original above its reconstruction: x -> the guide's mean of z -> the likelihood mean`,
        rowLabels: Array.from({ length: g.rows }, (_, i) => (i % 2 === 0 ? 'original' : 'reconstruction')),
        colLabels: g.rows === 2 ? Array.from({ length: g.cols }, (_, j) => `#${r.indices[j]}`) : undefined,
      });
    } else {
      const header = ['index', ...Array.from({ length: size }, (_, i) => `${r.data}_${i}`), ...Array.from({ length: size }, (_, i) => `recon_${i}`)];
      const lines = [header.join(',')];
      for (let p = 0; p < n; p++) lines.push([r.indices[p], ...originals.subarray(p * size, (p + 1) * size), ...recon.subarray(p * size, (p + 1) * size)].join(','));
      out = writeOut(t.outDir, 'reconstruct.csv', `${lines.join('\n')}\n`);
    }
    const json = writeOut(t.outDir, 'reconstruct.json', `${JSON.stringify({ checkpoint: reportedPath(t.checkpointPath), split: part, points: n, mse: err.mse, bce: err.bce }, null, 2)}\n`);
    process.stdout.write(
      `${n} points and their reconstructions (${layout ? 'rows of originals, each followed by its reconstructions' : 'CSV'}): ${out}\n` +
        `reconstruction error per value: MSE ${err.mse.toFixed(4)}${err.bce === null ? '' : `, BCE ${err.bce.toFixed(4)}`} (${json})\n`,
    );
  });
}

export function registerReconstruct(program: Command): void {
  trainedCommand(
    program,
    'reconstruct',
    DESCRIPTIONS.reconstruct,
    (cmd) =>
      addTrainedDataOptions(cmd)
        .option('--n <n>', 'number of points (the first n of the split)', positiveInt('--n'), 16)
        .option('--cols <c>', 'points per row of the picture', positiveInt('--cols'), 16)
        .option('--scale <s>', 'pixels per value in the PNG', positiveInt('--scale'), 2),
    runReconstruct,
  );
}
