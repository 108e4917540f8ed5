// `ppl compare FILE`: train once per estimator from the same initial parameters, on the same
// minibatches, with the same budget; held-out ELBO curves against steps and seconds (compare.csv,
// compare.svg/png) and a summary (final ELBO, steps and seconds to reach a target). The work is
// experiments/compare.ts.
import * as path from 'node:path';
import { openBoundData } from '../open-data.js';
import { Option, type Command } from 'commander';
import type { TopLevelSpec } from 'vega-lite';
import {
  compareEstimators,
  defaultTarget,
  DEFAULT_TRAIN_OPTIONS,
  describeBackend,
  finalElbo,
  firstReaching,
  OPTIMIZERS,
  useBackend,
  UserError,
  type BackendChoice,
  type Binarize,
  type Budget,
  type EstimatorRun,
  type EvalSchedule,
  type KlMode,
  type OptimizerName,
} from '../../api/index.js';
import { loadProgram } from '../load.js';
import { runsDir } from '../runs.js';
import { writeOut } from '../trained.js';
import { chartFrame, writeChart } from '../render/chart.js';
import { finiteNumber, positiveInt, positiveNumber, unitInterval } from '../flags.js';
import { addDataOptions, backendOption, KL_MODES, seedOption } from '../options.js';
import { describeSpec, parseEstimatorList } from './grads.js';
import { DESCRIPTIONS } from './descriptions.js';

export interface CompareFlags {
  data: string;
  binarize: Binarize;
  threshold: number;
  trainSize?: number;
  testSize?: number;
  estimators: string;
  steps?: number;
  seconds?: number;
  evalEvery?: number;
  evalSize: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  particles: number;
  kl: KlMode;
  baselineDecay: number;
  nvilNormalize: boolean;
  target?: number;
  seed: string;
  out?: string;
  backend: BackendChoice;
}

const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

/** The budget and evaluation schedule the flags ask for (exactly one of --steps and --seconds). */
export function budgetOf(flags: Pick<CompareFlags, 'steps' | 'seconds' | 'evalEvery'>): { budget: Budget; evalEvery: EvalSchedule; text: string } {
  if (flags.steps !== undefined && flags.seconds !== undefined) throw new UserError('give either --steps or --seconds, not both');
  if (flags.steps !== undefined) {
    const every = flags.evalEvery ?? Math.max(1, Math.round(flags.steps / 20));
    return { budget: { steps: flags.steps }, evalEvery: { steps: every }, text: `${flags.steps} steps each, held-out ELBO every ${every} steps` };
  }
  if (flags.seconds !== undefined) {
    const evalEvery: EvalSchedule = flags.evalEvery !== undefined ? { steps: flags.evalEvery } : { seconds: flags.seconds / 20 };
    const how = 'steps' in evalEvery ? `every ${evalEvery.steps} steps` : `every ${evalEvery.seconds.toPrecision(3)} s of training`;
    return { budget: { seconds: flags.seconds }, evalEvery, text: `${flags.seconds} s of training each (evaluation not counted), held-out ELBO ${how}` };
  }
  throw new UserError('give a budget: --steps S (optimizer steps per estimator) or --seconds T (seconds of training per estimator)');
}

export const CURVES_CSV_HEADER = 'estimator,step,seconds,test_elbo,train_elbo';
export const SUMMARY_CSV_HEADER = 'estimator,status,final_test_elbo,steps,seconds,target,steps_to_target,seconds_to_target,note';

const cell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const numCell = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : String(v));

export function curvesCsv(runs: readonly EstimatorRun[]): string {
  const lines = [CURVES_CSV_HEADER];
  for (const r of runs) {
    for (const p of r.curve) lines.push([cell(r.spec.label), p.step, p.seconds.toFixed(3), p.testElbo.toFixed(4), Number.isFinite(p.trainElbo) ? p.trainElbo.toFixed(4) : ''].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function status(r: EstimatorRun): string {
  if (r.notApplicable !== undefined) return 'not applicable';
  if (r.diverged) return 'diverged';
  return 'ok';
}

export function summaryCsv(runs: readonly EstimatorRun[], target: number): string {
  const lines = [SUMMARY_CSV_HEADER];
  for (const r of runs) {
    const reached = r.notApplicable === undefined ? firstReaching(r, target) : undefined;
    const note = r.notApplicable ?? (r.diverged ? `objective became ${r.diverged.value} at step ${r.diverged.step}` : reached ? '' : 'target not reached');
    lines.push(
      [cell(r.spec.label), status(r), numCell(finalElbo(r)), String(r.steps), r.seconds.toFixed(3), numCell(target), numCell(reached?.step), numCell(reached?.seconds), cell(note)].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The summary table printed on stdout. */
export function summaryTable(runs: readonly EstimatorRun[], target: number, targetNote: string): string {
  const header = ['estimator', 'final test ELBO', 'steps', 'train s', 'ms/step', `reaches ${f2(target)} (${targetNote})`];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of runs) {
    if (r.notApplicable !== undefined) {
      notes.push(`${describeSpec(r.spec)}: not applicable: ${r.notApplicable}`);
      continue;
    }
    const reached = firstReaching(r, target);
    const when = reached ? `step ${reached.step}, ${reached.seconds.toFixed(1)} s` : 'not reached';
    rows.push([
      describeSpec(r.spec),
      f2(finalElbo(r)),
      String(r.steps),
      r.seconds.toFixed(1),
      r.steps ? ((1000 * r.seconds) / r.steps).toFixed(1) : 'n/a',
      r.diverged ? `${when}; diverged at step ${r.diverged.step}` : when,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string => row.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [fmt(header), ...rows.map(fmt), ...notes].join('\n');
}

/** Held-out ELBO against steps and against seconds, one line per estimator, side by side. */
export function compareChartSpec(runs: readonly EstimatorRun[], title: string): TopLevelSpec {
  const estimators = runs.filter((r) => r.curve.length).map((r) => r.spec.label);
  const values = runs.flatMap((r) => r.curve.map((p) => ({ estimator: r.spec.label, step: p.step, seconds: p.seconds, elbo: p.testElbo })));
  const panel = (x: 'step' | 'seconds', xTitle: string) => ({
    width: 360,
    height: 260,
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: x, type: 'quantitative' as const, title: xTitle },
      y: { field: 'elbo', type: 'quantitative' as const, title: 'held-out ELBO (nats per data point)', scale: { zero: false } },
      color: { field: 'estimator', type: 'nominal' as const, sort: estimators, title: 'estimator', scale: { scheme: 'category10' } },
    },
  });
  return {
    ...chartFrame(title, values),
    hconcat: [panel('step', 'optimizer steps'), panel('seconds', 'seconds of training')],
  };
}

export async function runCompare(file: string, flags: CompareFlags): Promise<void> {
  const specs = parseEstimatorList(flags.estimators, flags.particles);
  const { budget, evalEvery, text } = budgetOf(flags);
  const { model, warnings } = loadProgram(file);
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  const backend = await useBackend(flags.backend);
  process.stdout.write(`${describeBackend(backend)}\n`);
  const bound = await openBoundData(model, flags);
  const split = bound.split;
  const evalSize = Math.min(flags.evalSize, split.test.size);
  process.stdout.write(
    `comparing ${specs.map((s) => s.label).join(', ')} on ${file}: same initial parameters and minibatches (seed ${flags.seed}), ` +
      `batch ${flags.batchSize}, ${flags.optimizer} lr ${flags.lr}; ${text}, on the first ${evalSize} test points\n`,
  );
  const runs = await compareEstimators(model, bound, specs, {
    budget,
    evalEvery,
    evalSize,
    batchSize: flags.batchSize,
    lr: flags.lr,
    optimizer: flags.optimizer,
    kl: flags.kl,
    seed: flags.seed,
    baselineDecay: flags.baselineDecay,
    nvilNormalize: flags.nvilNormalize,
    onProgress: (e) => {
      if (e.testElbo === undefined) return;
      process.stderr.write(`  [${e.index + 1}/${e.count}] ${e.label}: step ${e.step}, ${e.seconds.toFixed(1)} s, test ELBO ${f2(e.testElbo)}\n`);
    },
  });
  const target = flags.target ?? defaultTarget(runs);
  const targetNote = flags.target !== undefined ? '--target' : 'the worst final ELBO';
  process.stdout.write(`\n${summaryTable(runs, target, targetNote)}\n`);
  const outDir = flags.out ?? path.join(runsDir(file), 'compare');
  const curves = writeOut(outDir, 'compare.csv', curvesCsv(runs));
  const summary = writeOut(outDir, 'summary.csv', summaryCsv(runs, target));
  const chart = await writeChart(compareChartSpec(runs, `held-out ELBO by estimator (${path.basename(file)}, batch ${flags.batchSize}, lr ${flags.lr})`), path.join(outDir, 'compare'));
  process.stdout.write(
    `\ncurves: ${curves}\nsummary: ${summary}\nchart: ${chart.svg}${chart.png ? `, ${chart.png}` : ` (PNG skipped: ${chart.skipped ?? 'unknown reason'})`}\n`,
  );
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description(DESCRIPTIONS.compare)
    .argument('<file>', 'the .ppl model')
    .requiredOption('--estimators <list>', 'comma-separated: reparam, score, auto, each with +mavg, +nvil, +loo; iwae, vimco')
    .option('--steps <S>', 'budget: optimizer steps per estimator', positiveInt('--steps'))
    .option('--seconds <T>', 'budget: seconds of training per estimator (evaluation not counted)', positiveNumber('--seconds'))
    .option('--eval-every <K>', 'evaluate every K steps (default: 20 evaluations over the budget)', positiveInt('--eval-every'))
    .option('--eval-size <n>', 'test points the held-out ELBO is computed on', positiveInt('--eval-size'), 500)
    .option('--target <elbo>', 'held-out ELBO to reach (default: the worst estimator\'s final ELBO)', finiteNumber('--target'));
  addDataOptions(cmd)
    .option('--batch-size <m>', 'minibatch size M', positiveInt('--batch-size'), DEFAULT_TRAIN_OPTIONS.batchSize)
    .option('--lr <rate>', 'learning rate', positiveNumber('--lr'), DEFAULT_TRAIN_OPTIONS.lr)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default(DEFAULT_TRAIN_OPTIONS.optimizer))
    .option('--particles <L>', 'samples of the latents per data point and step (loo, iwae, vimco use at least 2)', positiveInt('--particles'), 1)
    .addOption(new Option('--kl <mode>', 'KL term: closed form where prior and guide allow, or Monte Carlo').choices(KL_MODES).default(DEFAULT_TRAIN_OPTIONS.kl))
    .option('--baseline-decay <d>', 'decay of the moving averages of mavg and NVIL centring', unitInterval('--baseline-decay'), DEFAULT_TRAIN_OPTIONS.baselineDecay)
    .option('--nvil-normalize', 'NVIL: divide the centred signal by its running standard deviation', false)
    .addOption(seedOption())
    .option('--out <dir>', 'output folder (default: runs/<model>/compare)')
    .addOption(backendOption())
    .action(async (file: string, opts: CompareFlags) => runCompare(file, opts));
}
