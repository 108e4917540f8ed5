// Figures that explain themselves: a grid of pictures (renderGrid's PNG, pixel for pixel) inside
// the project's Vega-Lite frame, with a title naming the model and the run, a caption line, row
// and column labels, and for a manifold axes that give the latent value at each tile. Rendered
// as the charts are (Vega to SVG, resvg to PNG); where resvg cannot load, the bare grid is
// written instead and the result says so.
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, chartSvg, svgToPng } from './chart.js';
import { gridSize, type GridLayout } from './png.js';

export interface FigureAxis {
  title: string;
  /** The value at each column's (x) or row's (y, top row first) centre. */
  values: readonly number[];
}

export interface FigureText {
  /** What the figure is, the model and the run. */
  title: string;
  /** One line under the title saying how to read it. */
  caption: string;
  /** One label per row of tiles, left of the row. */
  rowLabels?: readonly string[];
  /** One label per column of tiles, above the column. */
  colLabels?: readonly string[];
  xAxis?: FigureAxis;
  yAxis?: FigureAxis;
}

/** `text` broken at spaces into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** Pixel centres of the tiles along one side of the grid. */
function centres(count: number, tile: number, sep: number): number[] {
  return Array.from({ length: count }, (_, i) => sep + i * (tile + sep) + tile / 2);
}

/** A Vega expression naming each centre's value: the label of tick `datum.value`. */
function labelExpr(values: readonly number[], first: number, step: number): string {
  const labels = values.map((v) => `'${Number(v.toPrecision(3))}'`).join(', ');
  return `[${labels}][round((datum.value - ${first}) / ${step})]`;
}

function axisLayer(channel: 'x' | 'y', axis: FigureAxis, extent: number, at: number[], step: number): object {
  return {
    data: { values: [{ px: 0 }, { px: extent }] },
    mark: { type: 'point', opacity: 0 },
    encoding: {
      [channel]: {
        field: 'px',
        type: 'quantitative',
        title: axis.title,
        scale: { domain: [0, extent], range: [0, extent], nice: false, zero: false },
        axis: { values: at, labelExpr: labelExpr(axis.values, at[0]!, step), grid: false, labelOverlap: true },
      },
    },
  };
}

/** The Vega-Lite spec of a labelled grid whose pixels are `png` (renderGrid's output for `layout`). */
export function figureSpec(png: Buffer, layout: GridLayout, text: FigureText): TopLevelSpec {
  const { width, height } = gridSize(layout);
  const s = layout.scale ?? 1;
  const sep = layout.separator ?? 1;
  const xs = centres(layout.cols, layout.tileCols * s, sep);
  const ys = centres(layout.rows, layout.tileRows * s, sep);
  const layers: object[] = [
    {
      data: { values: [{ url: `data:image/png;base64,${png.toString('base64')}` }] },
      mark: { type: 'image', width, height, align: 'left', baseline: 'top', aspect: false },
      encoding: { x: { value: 0 }, y: { value: 0 }, url: { field: 'url', type: 'nominal' } },
    },
  ];
  if (text.rowLabels?.length) {
    layers.push({
      data: { values: text.rowLabels.map((label, i) => ({ label, py: ys[i] })) },
      mark: { type: 'text', align: 'right', baseline: 'middle', dx: -6, fontSize: 11 },
      encoding: { x: { value: 0 }, y: { field: 'py', type: 'quantitative', scale: null }, text: { field: 'label', type: 'nominal' } },
    });
  }
  if (text.colLabels?.length) {
    layers.push({
      data: { values: text.colLabels.map((label, i) => ({ label, px: xs[i] })) },
      mark: { type: 'text', align: 'center', baseline: 'bottom', dy: -4, fontSize: 10 },
      encoding: { x: { field: 'px', type: 'quantitative', scale: null }, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
    });
  }
  if (text.xAxis) layers.push(axisLayer('x', text.xAxis, width, xs, layout.tileCols * s + sep));
  if (text.yAxis) layers.push(axisLayer('y', text.yAxis, height, ys, layout.tileRows * s + sep));
  const frame = chartFrame(text.title, []);
  return {
    $schema: frame.$schema,
    // Lines no wider than the grid and its labels (about 6 pixels a character), at least 60 characters.
    title: { text: wrap(text.title, Math.max(60, Math.round(width / 7))), subtitle: wrap(text.caption, Math.max(60, Math.round((width + (text.rowLabels ? 140 : 40)) / 6))), anchor: 'start', subtitleColor: '#444' },
    config: { ...frame.config, view: { stroke: null } },
    width,
    height,
    layer: layers,
  } as TopLevelSpec;
}

/** The labelled figure as PNG; the bare grid with the reason when the figure cannot be rendered. */
export async function figurePng(png: Buffer, layout: GridLayout, text: FigureText): Promise<{ png: Buffer; unlabelled?: string }> {
  const svg = await chartSvg(figureSpec(png, layout, text));
  const out = await svgToPng(svg, 1);
  return typeof out === 'string' ? { png, unlabelled: out } : { png: out };
}
