// `ppl eval FILE`: the held-out ELBO and the importance-sampled log p(x) (Burda et al. 2016),
// per data point in nats, with standard errors over points and the weights' effective sample
// size. Global latents, if any, are held at their guide means (see docs/using-a-trained-model.md).
import type { Command } from 'commander';
import { lowEssWarning } from '../../api/index.js';
import { positiveInt } from '../flags.js';
import { taskProgress } from '../task-progress.js';
import { addTrainedDataOptions, trainedCommand, withTrainedData, writeOut, type DataFlags, type TrainedFlags, reportedPath } from '../trained.js';
import { DESCRIPTIONS } from './descriptions.js';

interface EvalFlags extends TrainedFlags, DataFlags {
  k: number;
  batchSize: number;
  elboParticles: number;
}

const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : String(v));

export async function runEval(file: string, flags: EvalFlags, cmd: Command): Promise<void> {
  await withTrainedData(file, flags, cmd, 'eval', async (t, { bound, part }) => {
    const progress = taskProgress(`log p(x), K = ${flags.k}`, bound.dataset.size * flags.k);
    const started = performance.now();
    let ev;
    try {
      ev = await t.trained.evaluate(bound, {
        k: flags.k,
        seed: flags.seed,
        batchSize: flags.batchSize,
        elboParticles: flags.elboParticles,
        onProgress: (done) => progress.update(done),
      });
    } finally {
      progress.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const globals = t.trained.globals;
    const cond = globals.size ? ` given global latents ${[...globals.keys()].join(', ')} at their guide means` : '';
    const report = {
      checkpoint: reportedPath(t.checkpointPath),
      split: part,
      points: ev.count,
      k: ev.k,
      seed: flags.seed,
      conditionedOnGlobalGuideMeans: [...globals.keys()],
      elbo: ev.elboMean,
      logLikelihood: ev.logLikelihood,
      gap: ev.gap,
      distortion: ev.distortion,
      rate: ev.rate,
      meanEss: ev.meanEss,
      seconds,
    };
    const json = writeOut(t.outDir, 'eval.json', `${JSON.stringify(report, null, 2)}\n`);
    const lines = ['index,elbo,log_px,ess'];
    for (let i = 0; i < ev.count; i++) lines.push(`${i},${ev.elbo[i]!.toFixed(4)},${ev.logp[i]!.toFixed(4)},${ev.ess[i]!.toFixed(2)}`);
    const csv = writeOut(t.outDir, 'eval.csv', `${lines.join('\n')}\n`);
    const rows: [string, string][] = [
      ['ELBO', `${f2(ev.elboMean.mean)} +- ${f2(ev.elboMean.stderr)}`],
      [`log p(x), IS with K = ${ev.k}`, `${f2(ev.logLikelihood.mean)} +- ${f2(ev.logLikelihood.stderr)}`],
      ['log p(x) - ELBO', `${f2(ev.gap.mean)} +- ${f2(ev.gap.stderr)}`],
      ...(Number.isFinite(ev.rate.mean)
        ? ([
            ['distortion -E_q[log p(x | z)]', `${f2(ev.distortion.mean)} +- ${f2(ev.distortion.stderr)}`],
            ['rate KL(q(z | x) || p(z))', `${f2(ev.rate.mean)} +- ${f2(ev.rate.stderr)}`],
          ] as [string, string][])
        : []),
      ['mean effective sample size', `${ev.meanEss.toFixed(1)} of ${ev.k}`],
    ];
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    process.stdout.write(
      `${part} set, ${ev.count} points, nats per data point${cond} (+- one standard error over points):\n` +
        rows.map(([label, value]) => `  ${label.padEnd(width)}${value}\n`).join('') +
        `(${seconds.toFixed(1)} s) report: ${json}; per point: ${csv}\n`,
    );
    const warning = lowEssWarning({
      ess: ev.meanEss,
      k: ev.k,
      estimate: 'log p(x)',
      remedies: ['a larger --k', 'a model trained longer', 'training with --objective iwae (its guide covers more of the posterior)'],
    });
    if (warning) process.stderr.write(`${warning}\n`);
  });
}

export function registerEval(program: Command): void {
  trainedCommand(
    program,
    'eval',
    DESCRIPTIONS.eval,
    (cmd) =>
      addTrainedDataOptions(cmd)
        .option('--k <K>', 'importance samples per data point', positiveInt('--k'), 1000)
        .option('--batch-size <m>', 'data points per pass (the K samples are processed in chunks)', positiveInt('--batch-size'), 100)
        .option('--elbo-particles <L>', 'samples per data point for the ELBO estimate', positiveInt('--elbo-particles'), 1),
    runEval,
  );
}
