// `ppl manifold FILE`: the learned data manifold of Kingma & Welling (2014, Fig. 4): a grid
// of codes in the prior's quantiles, each decoded to its likelihood mean, tiled into one PNG.
import type { Command } from 'commander';
import { imageLayout, UserError, valuesPerPoint } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { renderGrid } from '../render/png.js';
import { figureTitle, trainedCommand, withTrained, writeFigure, writeOut, type TrainedFlags, reportedPath } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface ManifoldFlags extends TrainedFlags {
  grid: number;
  dims: [number, number];
  latent?: string;
  scale: number;
}

function parseDims(v: string): [number, number] {
  const parts = v.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 2 || nums.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new UserError(`--dims must be two latent dimensions as I,J (e.g. 0,1), got '${v}'`);
  }
  return [nums[0]!, nums[1]!];
}

export async function runManifold(file: string, flags: ManifoldFlags): Promise<void> {
  await withTrained(file, flags, 'manifold', async (t) => {
    const m = t.trained.manifold({ grid: flags.grid, dims: flags.dims, latent: flags.latent, seed: flags.seed });
    const layout = imageLayout(m.shape, t.trained.pictureOf(m.data));
    const json = writeOut(
      t.outDir,
      'manifold.json',
      `${JSON.stringify({ checkpoint: reportedPath(t.checkpointPath), latent: m.latent, dims: m.dims, grid: m.grid, columns: m.columnValues, rows: m.rowValues }, null, 2)}\n`,
    );
    let out: string;
    if (layout) {
      const size = valuesPerPoint(m.shape);
      const tiles = Array.from({ length: m.grid * m.grid }, (_, k) => ({ values: m.values.subarray(k * size, (k + 1) * size) }));
      const grid = { rows: m.grid, cols: m.grid, tileRows: layout.rows, tileCols: layout.cols, scale: flags.scale };
      out = await writeFigure(t, 'manifold.png', renderGrid(tiles, grid), grid, {
        title: figureTitle(t, `learned manifold of ${m.latent}`),
        caption: `each tile decodes a code at prior quantiles (i + 0.5)/${m.grid} of ${m.latent}_${m.dims[0]} and ${m.latent}_${m.dims[1]} to its likelihood mean; other dimensions at the prior mean`,
        xAxis: { title: `${m.latent}_${m.dims[0]}`, values: m.columnValues },
        yAxis: { title: `${m.latent}_${m.dims[1]}`, values: m.rowValues },
      });
    } else {
      const size = valuesPerPoint(m.shape);
      const lines = [['row', 'col', `${m.latent}_${m.dims[0]}`, `${m.latent}_${m.dims[1]}`, ...Array.from({ length: size }, (_, i) => `${m.data}_${i}`)].join(',')];
      for (let r = 0; r < m.grid; r++) {
        for (let c = 0; c < m.grid; c++) {
          const k = r * m.grid + c;
          lines.push([r, c, m.columnValues[c], m.rowValues[r], ...m.values.subarray(k * size, (k + 1) * size)].join(','));
        }
      }
      out = writeOut(t.outDir, 'manifold.csv', `${lines.join('\n')}\n`);
    }
    process.stdout.write(
      `${m.grid}x${m.grid} decodings of ${m.latent}: dimension ${m.dims[0]} left to right, ${m.dims[1]} bottom to top, ` +
        `at the prior quantiles (i + 0.5)/${m.grid} (from ${m.columnValues[0]!.toFixed(2)} to ${m.columnValues[m.grid - 1]!.toFixed(2)}); other dimensions at the prior mean\n` +
        `${out}\n${json}\n`,
    );
  });
}

export function registerManifold(program: Command): void {
  trainedCommand(
    program,
    'manifold',
    DESCRIPTIONS.manifold,
    (cmd) =>
      cmd
        .option('--grid <g>', 'tiles per side', positiveInt('--grid'), 20)
        .option('--dims <i,j>', 'the two latent dimensions to vary; the others stay at the prior mean', parseDims, [0, 1] as [number, number])
        .option('--latent <name>', "the local latent to vary (default: the model's only one)")
        .option('--scale <s>', 'pixels per value in the PNG', positiveInt('--scale'), 1),
    runManifold,
  );
}
