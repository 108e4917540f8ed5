// Drawing what training shows: Vega-Lite charts through vega-embed, pictures (samples,
// reconstructions, the latent manifold) on canvases, the posterior summary as a table.
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import type { PosteriorSummary } from 'ppl-vi/engine';

const charts = new WeakMap<HTMLElement, Result>();

/** Replaces the chart in `el` by `spec` (the previous view is finalized). */
export async function showChart(el: HTMLElement, spec: TopLevelSpec): Promise<void> {
  const spec2 = { ...spec, config: { ...(spec as { config?: object }).config, font: 'system-ui, sans-serif' } } as TopLevelSpec;
  const result = await embed(el, spec2, { actions: { export: true, source: false, compiled: false, editor: false }, renderer: 'svg' });
  charts.get(el)?.finalize();
  charts.set(el, result);
}

export interface Picture {
  rows: number;
  cols: number;
}

/**
 * `count` pictures of rows x cols values (row-major, one after another in `values`) as a grid of
 * `columns` tiles; values are clamped to [0, 1] and drawn as brightness, as the command line's
 * PNGs draw them (white digits on black, faces as they are).
 */
export function drawGrid(canvas: HTMLCanvasElement, values: Float32Array, count: number, picture: Picture, columns: number, scale = 2, gap = 1): void {
  const { rows, cols } = picture;
  const gridRows = Math.ceil(count / columns);
  const w = columns * (cols + gap) - gap;
  const h = gridRows * (rows + gap) - gap;
  const image = new ImageData(Math.max(w, 1), Math.max(h, 1));
  image.data.fill(255);
  const per = rows * cols;
  for (let k = 0; k < count; k++) {
    const ox = (k % columns) * (cols + gap);
    const oy = Math.floor(k / columns) * (rows + gap);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = values[k * per + r * cols + c] ?? 0;
        const g = Math.round(255 * Math.min(1, Math.max(0, v)));
        const at = ((oy + r) * w + ox + c) * 4;
        image.data[at] = image.data[at + 1] = image.data[at + 2] = g;
      }
    }
  }
  canvas.width = image.width * scale;
  canvas.height = image.height * scale;
  const ctx = canvas.getContext('2d')!;
  const tile = document.createElement('canvas');
  tile.width = image.width;
  tile.height = image.height;
  tile.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, 0, 0, canvas.width, canvas.height);
  canvas.dataset.tiles = String(count);
}

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(3));

/** Mean, sd and 5/50/95% quantiles of each global latent and param (the first entries of large ones). */
export function summaryTable(summary: PosteriorSummary, maxEntries = 12): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'summary';
  table.innerHTML = '<thead><tr><th>name</th><th>kind</th><th>mean</th><th>sd</th><th>5%</th><th>50%</th><th>95%</th></tr></thead>';
  const body = document.createElement('tbody');
  for (const [name, v] of Object.entries(summary)) {
    const n = v.mean.length;
    for (let i = 0; i < Math.min(n, maxEntries); i++) {
      const row = document.createElement('tr');
      const label = n > 1 || v.shape.length ? `${name}[${i}]` : name;
      row.innerHTML = `<td>${label}</td><td>${v.kind}</td>` + [v.mean, v.sd, v.q05, v.q50, v.q95].map((a) => `<td>${fmt(a[i]!)}</td>`).join('');
      body.append(row);
    }
    if (n > maxEntries) {
      const row = document.createElement('tr');
      row.innerHTML = `<td colspan="7">${name}: ${n - maxEntries} more entries</td>`;
      body.append(row);
    }
  }
  table.append(body);
  return table;
}
