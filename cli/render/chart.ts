// Charts: a Vega-Lite spec compiled to Vega, rendered headless to SVG, then to PNG by resvg
// (a prebuilt binary shipped through npm). Where resvg cannot load, the SVG is still written and
// the result says the PNG was skipped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileSafely, type EpochRecord } from '../../api/index.js';

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
  writeFileSafely(files.svg, svg, { what: 'figure' });
  const png = await svgToPng(svg);
  if (typeof png === 'string') files.skipped = png;
  else {
    files.png = `${base}.png`;
    writeFileSafely(files.png, png, { what: 'figure' });
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

export async function writeElboChart(dir: string, history: readonly EpochRecord[]): Promise<ChartFiles> {
  return writeChart(elboChartSpec(history), path.join(dir, 'elbo'));
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
