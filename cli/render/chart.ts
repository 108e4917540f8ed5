// Charts: a Vega-Lite spec compiled to Vega, rendered headless to SVG, then to PNG by resvg
// (a prebuilt binary shipped through npm). Where resvg cannot load, the SVG is still written and
// the result says the PNG was skipped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from '../../api/index.js';
import { elboChartSpec } from '../../api/charts.js';

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

export { chartFrame, elboChartSpec, scatterSpec, type ScatterPoint } from '../../api/charts.js';

export async function writeElboChart(dir: string, history: readonly EpochRecord[]): Promise<ChartFiles> {
  return writeChart(elboChartSpec(history), path.join(dir, 'elbo'));
}
