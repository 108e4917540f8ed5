// `ppl grads FILE`: gradient estimators compared at fixed parameters (a checkpoint, or the
// initial values) on a fixed minibatch (the first M training points): R estimates each,
// summarized per parameter group. The work is experiments/gradient-stats.ts; this prints a
// table and writes grads.csv and a chart (grads.svg, grads.png).
import * as path from 'node:path';
import { openBoundData } from '../open-data.js';
import { Option, type Command } from 'commander';
import { describeBackend, isNotApplicable, parseEstimatorSpec, untrainedModel, useBackend, UserError, type BackendChoice, type Binarize, type BoundData, type EstimatorSpec, type GradientReport, type GroupStats, type KlMode, type TrainedModel, formatCount } from '../../api/index.js';
import { loadProgram } from '../load.js';
import { runsDir } from '../runs.js';
import { openTrained, openTrainedData, writeOut } from '../trained.js';
import { writeChart } from '../render/chart.js';
import { gradsChartSpec } from '../../api/charts.js';
import { positiveInt } from '../flags.js';
import { addDataOptions, backendOption, KL_MODES, seedOption } from '../options.js';
import { DESCRIPTIONS } from './descriptions.js';

export interface GradsFlags {
  checkpoint?: string;
  data: string;
  binarize: Binarize;
  threshold: number;
  trainSize?: number;
  testSize?: number;
  estimators: string[];
  repeats: number;
  particles: number;
  batchSize: number;
  warmup: number;
  referenceRepeats: number;
  referenceParticles: number;
  kl: KlMode;
  perGroup: boolean;
  seed: string;
  out?: string;
  backend: BackendChoice;
}

export const DEFAULT_ESTIMATORS = 'reparam,score,score+mavg,score+nvil,score+loo';

/** "a,b,c" into estimator specs; duplicates and unknown names are errors. */
export function parseEstimatorList(value: string, particles: number): EstimatorSpec[] {
  const labels = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (labels.length === 0) throw new UserError('--estimators names no estimator (e.g. --estimators reparam,score,score+mavg)');
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) throw new UserError(`--estimators lists '${l}' twice`);
    seen.add(l);
  }
  return labels.map((l) => parseEstimatorSpec(l, particles));
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Three significant digits, switching to exponent form for very small or large magnitudes. */
export function num(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-2) return v.toExponential(2);
  return v.toPrecision(3);
}

export const describeSpec = (s: EstimatorSpec): string => `${s.label}${s.particles > 1 ? ` (L=${s.particles})` : ''}`;

/** The stdout table: per estimator the overall row, then its groups when `perGroup`. */
export function gradsTable(report: GradientReport, perGroup: boolean): string {
  const header = ['estimator', 'group', 'size', '|mean g|', 'tr Cov', 'SNR', 'cos ref', 'ms/est', 'trCov x ms'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of report.results) {
    if (isNotApplicable(r)) {
      notes.push(`${describeSpec(r.spec)}: not applicable: ${r.notApplicable}`);
      continue;
    }
    const line = (label: string, g: GroupStats): string[] => [
      label,
      g.group,
      formatCount(g.size),
      num(g.meanNorm),
      num(g.totalVariance),
      num(g.snr),
      Number.isFinite(g.cosine) ? g.cosine.toFixed(3) : 'n/a',
      r.msPerEstimate.toFixed(1),
      num(g.totalVariance * r.msPerEstimate),
    ];
    rows.push(line(describeSpec(r.spec), r.overall));
    if (perGroup) for (const g of r.groups) rows.push(line('', g));
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string =>
    row.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [fmt(header), ...rows.map(fmt)];
  for (const n of notes) out.push(n);
  return out.join('\n');
}

const CSV_COLUMNS = ['estimator', 'mode', 'baselines', 'objective', 'particles', 'group', 'size', 'mean_norm', 'total_variance', 'snr', 'cosine', 'ms_per_estimate', 'variance_x_ms', 'status', 'note'];
export const GRADS_CSV_HEADER = CSV_COLUMNS.join(',');

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '' : String(v)) : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per estimator x group (the overall 'all' group first); one 'all' row for an estimator that was not run. */
export function gradsCsv(report: GradientReport): string {
  const lines = [GRADS_CSV_HEADER];
  for (const r of report.results) {
    const s = r.spec;
    const head = [s.label, s.mode, s.baselines.join('+'), s.objective, s.particles];
    if (isNotApplicable(r)) {
      lines.push([...head, 'all', '', '', '', '', '', '', '', 'not applicable', r.notApplicable].map(csvCell).join(','));
      continue;
    }
    for (const g of [r.overall, ...r.groups]) {
      lines.push(
        [...head, g.group, g.size, g.meanNorm, g.totalVariance, g.snr, g.cosine, r.msPerEstimate, g.totalVariance * r.msPerEstimate, 'ok', ''].map(csvCell).join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export { gradsChartSpec };

interface Setup {
  trained: TrainedModel;
  train: BoundData;
  outDir: string;
  where: string;
}

async function setUp(file: string, flags: GradsFlags, cmd: Command): Promise<Setup> {
  if (flags.checkpoint !== undefined) {
    const t = await openTrained(file, { checkpoint: flags.checkpoint, out: flags.out, backend: flags.backend, seed: flags.seed }, 'grads');
    try {
      // N as in training: global terms are charged 1/N per data point.
      const saved = t.checkpoint.flags['trainSize'];
      const trainSize = flags.trainSize ?? (typeof saved === 'number' ? saved : undefined);
      const { bound } = await openTrainedData(t, { ...flags, trainSize, split: 'train' }, cmd);
      return { trained: t.trained, train: bound, outDir: t.outDir, where: `the parameters of ${t.checkpointPath}` };
    } catch (e) {
      t.trained.dispose();
      throw e;
    }
  }
  const { model, warnings } = loadProgram(file);
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  const backend = await useBackend(flags.backend);
  process.stdout.write(`${describeBackend(backend)}\n`);
  const { split, bindings } = await openBoundData(model, flags);
  const trained = untrainedModel(model, { seed: flags.seed });
  return { trained, train: { dataset: split.train, bindings, warnings: [] }, outDir: flags.out ?? path.join(runsDir(file), 'grads'), where: `the initial parameters (seed ${flags.seed})` };
}

/** Progress on stderr: in place on a terminal, else a line as each estimator finishes. */
function stderrProgress(): { update: (label: string, done: number, total: number) => void; stop: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  let started = performance.now();
  let current = '';
  return {
    update: (label, done, total) => {
      if (label !== current) {
        current = label;
        started = performance.now();
      }
      if (tty) process.stderr.write(`\r\x1b[K  grads: ${label} ${done}/${total}`);
      else if (done === total) process.stderr.write(`  grads: ${label} ${total} estimates in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    },
    stop: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

export async function runGrads(file: string, flags: GradsFlags, cmd: Command): Promise<void> {
  const specs = parseEstimatorList(flags.estimators.join(','), flags.particles);
  const { trained, train, outDir, where } = await setUp(file, flags, cmd);
  try {
    const size = train.dataset.size;
    const points = Math.min(flags.batchSize, size);
    process.stdout.write(
      `gradient of the ELBO per data point at ${where}, on the first ${points} training points (N = ${formatCount(size)}); ` +
        `${flags.repeats} estimates per estimator, KL ${flags.kl}\n`,
    );
    const progress = stderrProgress();
    let report: GradientReport;
    try {
      report = await trained.gradientStats(train, specs, {
        batchSize: flags.batchSize,
        repeats: flags.repeats,
        referenceRepeats: flags.referenceRepeats,
        referenceParticles: flags.referenceParticles,
        warmup: flags.warmup,
        kl: flags.kl,
        seed: flags.seed,
        onProgress: progress.update,
      });
    } finally {
      progress.stop();
    }
    const ref = report.reference;
    process.stdout.write(`reference gradient: ${ref.spec.label}, mean of ${ref.repeats} estimates with ${ref.spec.particles} particles each\n\n`);
    const perGroup = flags.perGroup || report.groups.length <= 8;
    process.stdout.write(`${gradsTable(report, perGroup)}\n`);
    if (!perGroup) process.stdout.write(`(${report.groups.length} parameter groups: --per-group lists them; grads.csv has every one)\n`);
    const csv = writeOut(outDir, 'grads.csv', gradsCsv(report));
    const chart = await writeChart(gradsChartSpec(report, `gradient estimators, R = ${flags.repeats}, M = ${points}`), path.join(outDir, 'grads'));
    process.stdout.write(`\ntable: ${csv}\nchart: ${chart.svg}${chart.png ? `, ${chart.png}` : ` (PNG skipped: ${chart.skipped ?? 'unknown reason'})`}\n`);
  } finally {
    trained.dispose();
  }
}

export function registerGrads(program: Command): void {
  const cmd = program
    .command('grads')
    .description(DESCRIPTIONS.grads)
    .argument('<file>', 'the .ppl model')
    .option('--checkpoint <path>', 'checkpoint written by ppl train, or its run folder (default: the initial parameters)');
  addDataOptions(cmd)
    .addOption(
      new Option('--estimators <list>', 'comma-separated: reparam, score, auto, each with +mavg, +nvil, +loo; iwae, vimco')
        .argParser(splitList)
        .default(splitList(DEFAULT_ESTIMATORS), DEFAULT_ESTIMATORS),
    )
    .option('--repeats <R>', 'independent gradient estimates per estimator', positiveInt('--repeats'), 50)
    .option('--particles <L>', 'samples of the latents per data point and estimate (loo, iwae, vimco use at least 2)', positiveInt('--particles'), 1)
    .option('--batch-size <M>', 'the minibatch: the first M training points', positiveInt('--batch-size'), 100)
    .option('--warmup <W>', 'steps that fit the baselines (mavg, nvil) with the model held fixed, before measuring', (v: string) => nonNegativeInt('--warmup', v), 200)
    .option('--reference-repeats <n>', 'estimates averaged for the reference gradient', positiveInt('--reference-repeats'), 20)
    .option('--reference-particles <L>', 'particles of each reference estimate', positiveInt('--reference-particles'), 10)
    .addOption(new Option('--kl <mode>', 'KL term: closed form where prior and guide allow, or Monte Carlo').choices(KL_MODES).default('analytic'))
    .option('--per-group', 'list every parameter group in the table (default when there are at most 8)', false)
    .addOption(seedOption())
    .option('--out <dir>', 'output folder (default: grads/ beside the checkpoint, or runs/<model>/grads)')
    .addOption(backendOption())
    .action(async (file: string, opts: GradsFlags, c: Command) => runGrads(file, opts, c));
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} must be a whole number, 0 or more (got '${value}')`);
  return n;
}
