// The project's charts as Vega-Lite specs: the ELBO per epoch and per step, scatters of codes,
// the gradient-estimator comparison. Pure data, no rendering: the command line renders them to
// SVG and PNG (cli/render/chart.ts), a page hands them to vega-embed.
import type { TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from '../inference/checkpoint.js';
import { isNotApplicable, type GradientReport } from '../experiments/gradient-stats.js';

const FONT = 'DejaVu Sans, sans-serif';
/** The font and frame every chart shares. */
export const CHART_CONFIG = { font: FONT, view: { stroke: '#888' } } as const;
const CONFIG = CHART_CONFIG;

/** What every chart of the project shares: schema, title, font and frame, and its data. */
export function chartFrame(title: string, values: object[]) {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, config: CONFIG, data: { values } } as const;
}

/** Train and test ELBO per epoch, nats per data point. */
export function elboChartSpec(history: readonly EpochRecord[], title = 'ELBO per epoch'): TopLevelSpec {
  const values = history.flatMap((h) => [
    { epoch: h.epoch, elbo: h.trainElbo, set: 'train' },
    { epoch: h.epoch, elbo: h.testElbo, set: 'test' },
  ]);
  return {
    ...chartFrame(title, values),
    width: 420,
    height: 260,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' }, scale: { zero: false } },
      y: { field: 'elbo', type: 'quantitative', title: 'ELBO (nats per data point)', scale: { zero: false } },
      color: { field: 'set', type: 'nominal', title: 'data', sort: ['train', 'test'] },
    },
  };
}

export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
}

/** Points, coloured by label when they have one. */
export function scatterSpec(points: readonly ScatterPoint[], opts: { title: string; x: string; y: string; legend?: string }): TopLevelSpec {
  const labelled = points.some((p) => p.label !== undefined);
  return {
    ...chartFrame(opts.title, points.map((p) => ({ ...p }))),
    width: 480,
    height: 480,
    mark: { type: 'circle', size: 14, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.x, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: opts.y, scale: { zero: false } },
      ...(labelled ? { color: { field: 'label', type: 'nominal', title: opts.legend ?? 'label', scale: { scheme: 'category10' } } } : {}),
    },
  };
}

/** Two panels, bars grouped by parameter group: total variance (log scale) and SNR per estimator. */
export function gradsChartSpec(report: GradientReport, title: string): TopLevelSpec {
  const order = ['all', ...report.groups.map((g) => g.group)];
  const values = report.results.flatMap((r) =>
    isNotApplicable(r)
      ? []
      : [r.overall, ...r.groups].map((g) => ({ estimator: r.spec.label, group: g.group, totalVariance: g.totalVariance, snr: g.snr })),
  );
  const estimators = report.results.filter((r) => !isNotApplicable(r)).map((r) => r.spec.label);
  const panel = (field: 'totalVariance' | 'snr', axisTitle: string, log: boolean) => ({
    width: Math.max(240, 28 * order.length * Math.max(1, estimators.length) * 0.6),
    height: 260,
    transform: [{ filter: `isFinite(datum.${field}) && datum.${field} > 0` }],
    mark: { type: 'bar' as const },
    encoding: {
      x: { field: 'group', type: 'nominal' as const, sort: order, title: 'parameter group', axis: { labelAngle: -30 } },
      xOffset: { field: 'estimator', type: 'nominal' as const, sort: estimators },
      // No stacking: a stacked bar starts at 0, which a log scale cannot show.
      y: { field, type: 'quantitative' as const, title: axisTitle, stack: null, scale: log ? { type: 'log' as const } : {} },
      color: { field: 'estimator', type: 'nominal' as const, sort: estimators, title: 'estimator', scale: { scheme: 'category10' } },
    },
  });
  return {
    ...chartFrame(title, values),
    hconcat: [panel('totalVariance', 'total variance, trace of Cov (log scale)', true), panel('snr', 'signal-to-noise ratio |mean| / sqrt(tr Cov)', false)],
  };
}

export interface StepElboPoint {
  step: number;
  /** The minibatch's ELBO estimate per data point. */
  elbo: number;
  /** The mean of this epoch's estimates so far. */
  running: number;
}

/** The minibatch ELBO estimate after each optimizer step, with the epoch's running mean. */
export function stepElboChartSpec(points: readonly StepElboPoint[], title = 'ELBO per step'): TopLevelSpec {
  const values = points.flatMap((p) => [
    { step: p.step, elbo: p.elbo, series: 'minibatch' },
    { step: p.step, elbo: p.running, series: 'running mean (epoch)' },
  ]);
  return {
    ...chartFrame(title, values),
    width: 420,
    height: 220,
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'optimizer step', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'elbo', type: 'quantitative', title: 'ELBO (nats per data point)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: ['minibatch', 'running mean (epoch)'], scale: { range: ['#9ecae1', '#e6550d'] }, legend: { orient: 'bottom' } },
    },
  };
}
