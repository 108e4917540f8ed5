// `ppl sample FILE`: draws from the trained generative model by ancestral sampling, each data
// variable shown as its likelihood mean (default) or a draw; pictures as a PNG grid, vectors
// as CSV.
import type { Command } from 'commander';
import { imageLayout, modelledData, UserError, type ImageLayout, type PointValues } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { renderGrid, type GridLayout } from '../render/png.js';
import { figureTitle, trainedCommand, withTrained, writeFigure, writeOut, type TrainedFlags } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface SampleFlags extends TrainedFlags {
  n: number;
  mean?: boolean;
  sample?: boolean;
  scale: number;
}

/** CSV of n vectors: sample, then one column per value. */
export function vectorsCsv(v: PointValues, n: number, prefix: string): string {
  const per = v.shape.reduce((a, b) => a * b, 1);
  const header = ['sample', ...Array.from({ length: per }, (_, i) => `${prefix}_${i}`)];
  const lines = [header.join(',')];
  for (let s = 0; s < n; s++) {
    lines.push([s, ...Array.from(v.values.subarray(s * per, (s + 1) * per), (x) => Number(x.toPrecision(7)))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Tiles of n pictures of `layout`, as square a grid as n allows, and the grid's layout. */
export function pictureGrid(v: PointValues, n: number, scale: number, layout: ImageLayout): { png: Buffer; grid: GridLayout } {
  const per = layout.rows * layout.cols;
  const cols = Math.ceil(Math.sqrt(n));
  const tiles = Array.from({ length: n }, (_, s) => ({ values: v.values.subarray(s * per, (s + 1) * per) }));
  const grid = { rows: Math.ceil(n / cols), cols, tileRows: layout.rows, tileCols: layout.cols, scale };
  return { png: renderGrid(tiles, grid), grid };
}

export async function runSample(file: string, flags: SampleFlags): Promise<void> {
  if (flags.mean && flags.sample) throw new UserError('--mean and --sample exclude each other: choose one');
  const mode = flags.sample ? 'sample' : 'mean';
  await withTrained(file, flags, 'sample', async (t) => {
    const gen = t.trained.sample(flags.n, { mode, seed: flags.seed });
    const modelled = modelledData(t.trained.program.lowered);
    for (const d of modelled) {
      const v = gen.data.get(d.name)!;
      const stem = modelled.length === 1 ? 'samples' : `samples-${d.name}`;
      const layout = imageLayout(d.shape, t.trained.pictureOf(d.name));
      let out: string;
      if (layout) {
        const { png, grid } = pictureGrid(v, flags.n, flags.scale, layout);
        out = await writeFigure(t, `${stem}.png`, png, grid, {
          title: figureTitle(t, `${flags.n} draws of ${d.name}`),
          caption:
            mode === 'mean'
              ? `each tile: z ~ p(z), then the likelihood mean of ${d.name} given z (seed ${flags.seed})`
              : `each tile: z ~ p(z), then ${d.name} ~ p(${d.name} | z) (seed ${flags.seed})`,
        });
      } else out = writeOut(t.outDir, `${stem}.csv`, vectorsCsv(v, flags.n, d.name));
      process.stdout.write(`${flags.n} draws of ${d.name} (${mode === 'mean' ? 'likelihood mean at each z ~ p(z)' : 'x ~ p(x | z), z ~ p(z)'}): ${out}\n`);
    }
  });
}

export function registerSample(program: Command): void {
  trainedCommand(
    program,
    'sample',
    DESCRIPTIONS.sample,
    (cmd) =>
      cmd
        .option('--n <n>', 'number of draws', positiveInt('--n'), 64)
        .option('--mean', 'show the likelihood mean E[x | z] (default)')
        .option('--sample', 'show a draw x ~ p(x | z) instead of the mean')
        .option('--scale <s>', 'pixels per value in the PNG', positiveInt('--scale'), 2),
    runSample,
  );
}
