// Charts: a Vega-Lite spec compiled to Vega, rendered headless to SVG, then to PNG by resvg
// (a prebuilt binary shipped through npm). Where resvg cannot load, the SVG is still written and
// the result says the PNG was skipped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from '../../api/index.js';

export interface ChartFiles {
  svg: string;
  png?: string;
  /** Why no PNG was written. */
  skipped?: string;
}

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: Promise<ResvgModule | string> | undefined;

function loadResvg(): Promise<ResvgModule | string> {
  resvg ??= import('@resvg/resvg-js').catch((e: unknown) => `@resvg/resvg-js could not be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  return resvg;
}

/** The SVG text of a Vega-Lite spec. */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** An SVG rendered to PNG at `zoom` times its size; a string says why it could not be. */
export async function svgToPng(svg: string, zoom = 2): Promise<Buffer | string> {
  const mod = await loadResvg();
  if (typeof mod === 'string') return mod;
  const r = new mod.Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

/** Writes `<base>.svg` and `<base>.png`. */
export async function writeChart(spec: TopLevelSpec, base: string): Promise<ChartFiles> {
  fs.mkdirSync(path.dirname(base), { recursive: true });
  const svg = await chartSvg(spec);
  const files: ChartFiles = { svg: `${base}.svg` };
  fs.writeFileSync(files.svg, svg);
  const png = await svgToPng(svg);
  if (typeof png === 'string') files.skipped = png;
  else {
    files.png = `${base}.png`;
    fs.writeFileSync(files.png, png);
  }
  return files;
}

const FONT = 'DejaVu Sans, sans-serif';
const CONFIG = { font: FONT, view: { stroke: '#888' } } as const;

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

/** One optimizer step's minibatch ELBO estimate (per data point). */
export interface StepElbo {
  step: number;
  elbo: number;
}

/** Means over a centred window of `width` steps (narrower at the ends). */
export function smooth(values: readonly number[], width: number): number[] {
  const half = Math.max(0, Math.floor(width / 2));
  const prefix = new Float64Array(values.length + 1);
  values.forEach((v, i) => (prefix[i + 1] = prefix[i]! + v));
  return values.map((_, i) => {
    const lo = Math.max(0, i - half);
    const hi = Math.min(values.length, i + half + 1);
    return (prefix[hi]! - prefix[lo]!) / (hi - lo);
  });
}

/** At most about `most` points, evenly spaced, the last one kept. */
function thin<T>(points: readonly T[], most: number): T[] {
  const stride = Math.max(1, Math.ceil(points.length / most));
  const out = points.filter((_, i) => i % stride === 0);
  if (points.length && out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]!);
  return out;
}

const SERIES = ['train, per step', 'train, smoothed', 'test, per epoch'];

/**
 * The training chart: every step's minibatch ELBO (faint), its moving average over about 2% of
 * the run, and the test ELBO at the end of each epoch (left out without a test set), against
 * optimizer steps. The y axis follows the smoothed curve and the test points, so the noisy first
 * steps do not flatten the rest.
 */
export function trainingChartSpec(steps: readonly StepElbo[], history: readonly EpochRecord[], title: { text: string; subtitle?: string }): TopLevelSpec {
  const width = Math.min(500, Math.max(1, Math.round(steps.length / 50)));
  const smoothed = smooth(steps.map((s) => s.elbo), width);
  const raw = thin(steps.map((s) => ({ step: s.step, elbo: s.elbo, series: SERIES[0] })), 2000);
  const curve = thin(steps.map((s, i) => ({ step: s.step, elbo: smoothed[i]!, series: SERIES[1] })), 2000);
  let at = 0;
  const test = history.flatMap((h) => {
    at += h.steps;
    return Number.isFinite(h.testElbo) ? [{ step: at, elbo: h.testElbo, series: SERIES[2], epoch: h.epoch }] : [];
  });
  const shown = [...curve.map((p) => p.elbo), ...test.map((p) => p.elbo)].filter(Number.isFinite);
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  const pad = Math.max((hi - lo) * 0.05, 1e-3);
  const series = test.length ? SERIES : SERIES.slice(0, 2);
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: ['#c7d7ea', '#1f77b4', '#d62728'].slice(0, series.length) } } as const;
  const x = { field: 'step', type: 'quantitative', title: 'optimizer step', scale: { zero: false } } as const;
  const y = {
    field: 'elbo',
    type: 'quantitative',
    title: 'ELBO (nats per data point)',
    scale: shown.length ? { domain: [lo - pad, hi + pad], zero: false } : { zero: false },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title.text, ...(title.subtitle ? { subtitle: title.subtitle } : {}) },
    config: CONFIG,
    width: 480,
    height: 280,
    layer: [
      { data: { values: raw }, mark: { type: 'line', clip: true, strokeWidth: 1 }, encoding: { x, y, color } },
      { data: { values: curve }, mark: { type: 'line', clip: true, strokeWidth: 2 }, encoding: { x, y, color } },
      ...(test.length ? [{ data: { values: test }, mark: { type: 'line' as const, point: test.length <= 60, clip: true }, encoding: { x, y, color } }] : []),
    ],
  } as TopLevelSpec;
}

/** `elbo.svg` and `elbo.png` in `dir`: the training chart of the run. */
export async function writeTrainingChart(dir: string, steps: readonly StepElbo[], history: readonly EpochRecord[], title: { text: string; subtitle?: string }): Promise<ChartFiles> {
  return writeChart(trainingChartSpec(steps, history, title), path.join(dir, 'elbo'));
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
