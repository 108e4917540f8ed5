// `ppl plot-latent FILE`: a scatter of the encoded means of a local latent (its two dimensions,
// or its first two principal components), coloured by label when the data have labels.
import type { Command } from 'commander';
import { principalComponents, UserError } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { scatterSpec, writeChart, type ScatterPoint } from '../render/chart.js';
import { addTrainedDataOptions, trainedCommand, withTrainedData, type DataFlags, type TrainedFlags } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface PlotLatentFlags extends TrainedFlags, DataFlags {
  latent?: string;
  n?: number;
}

export async function runPlotLatent(file: string, flags: PlotLatentFlags, cmd: Command): Promise<void> {
  await withTrainedData(file, flags, cmd, 'plot-latent', async (t, { bound, part }) => {
    const enc = await t.trained.encode(bound, { seed: flags.seed, limit: flags.n });
    const candidates = enc.latents.filter((l) => l.stats['mean'] && (flags.latent === undefined || l.name === flags.latent));
    if (candidates.length === 0) {
      throw new UserError(`${file}: plot-latent: ${flags.latent === undefined ? 'no local latent with a mean' : `no local latent named '${flags.latent}'`} (local latents: ${enc.latents.map((l) => l.name).join(', ') || 'none'})`);
    }
    if (candidates.length > 1) throw new UserError(`${file}: plot-latent: several local latents (${candidates.map((l) => l.name).join(', ')}); choose one with --latent`);
    const l = candidates[0]!;
    const d = l.shape.reduce((a, b) => a * b, 1);
    if (d < 2) throw new UserError(`${file}: plot-latent: latent ${l.name} has ${d} dimension; the scatter needs two`);
    const means = l.stats['mean']!;
    const n = enc.indices.length;
    let xs: ArrayLike<number>;
    let axis: [string, string];
    let stride = 2;
    if (d === 2) {
      xs = means;
      axis = [`${l.name}[0] (posterior mean)`, `${l.name}[1] (posterior mean)`];
    } else {
      const p = principalComponents(means, n, d, 2);
      xs = p.coords;
      stride = 2;
      axis = p.explained.map((e, i) => `PC${i + 1} of the posterior means of ${l.name} (${(100 * e).toFixed(1)}% of variance)`) as [string, string];
    }
    const points: ScatterPoint[] = Array.from({ length: n }, (_, i) => ({
      x: xs[i * stride]!,
      y: xs[i * stride + 1]!,
      ...(enc.labels ? { label: String(enc.labels[i]) } : {}),
    }));
    const files = await writeChart(
      scatterSpec(points, { title: `Encoded means of ${l.name}: ${part} set, ${n} points`, x: axis[0], y: axis[1], legend: 'label' }),
      `${t.outDir}/latent`,
    );
    process.stdout.write(`scatter of ${n} encoded means: ${files.svg}${files.png ? `, ${files.png}` : ` (PNG skipped: ${files.skipped})`}\n`);
  });
}

export function registerPlotLatent(program: Command): void {
  trainedCommand(
    program,
    'plot-latent',
    DESCRIPTIONS['plot-latent'],
    (cmd) =>
      addTrainedDataOptions(cmd)
        .option('--latent <name>', "the local latent (default: the model's only one)")
        .option('--n <n>', 'only the first n points of the split', positiveInt('--n')),
    runPlotLatent,
  );
}
