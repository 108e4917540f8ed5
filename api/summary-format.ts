// A posterior summary as text: an aligned table for reading (like CmdStan's stansummary or
// NumPyro's print_summary), CSV and JSON for programs. The table is shape-aware: a row per
// element for small tensors, one row of aggregates for large ones; CSV and JSON always carry
// every element.
import type { PosteriorSummary, VariableSummary } from './summary.js';

export const SUMMARY_FORMATS = ['table', 'csv', 'json'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export interface SummaryTableOptions {
  /** Tensors with more elements than this get one aggregate row. Default 20. */
  maxRows?: number;
  /** Significant digits. Default 4. */
  digits?: number;
}

const STATS = ['mean', 'sd', 'q05', 'q50', 'q95'] as const;
const HEADINGS = ['mean', 'sd', '5%', '50%', '95%'];

/** Row-major multi-index of element `i` of `shape`: `[1,2]`, or '' for a scalar. */
export function elementLabel(shape: readonly number[], i: number): string {
  if (shape.length === 0) return '';
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return `[${idx.join(',')}]`;
}

function how(v: VariableSummary): string {
  if (v.kind === 'param') return 'param';
  return `${v.guide ?? 'guide'}${v.method === 'exact' ? '' : ', draws'}`;
}

function num(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)]! + s[Math.ceil(h)]!) / 2;
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

function rowsOf(name: string, v: VariableSummary, maxRows: number, digits: number): string[][] {
  const n = v.mean.length;
  if (n <= maxRows) {
    return Array.from({ length: n }, (_, i) => [`${name}${elementLabel(v.shape, i)}`, how(v), ...STATS.map((k) => num(v[k][i]!, digits))]);
  }
  // One row for a large tensor: the mean of the means and of the sds, the smallest 5%
  // quantile, the median of the medians, the largest 95% quantile.
  return [
    [
      `${name}[${v.shape.join('x')}]*`,
      how(v),
      num(mean(v.mean), digits),
      num(mean(v.sd), digits),
      num(Math.min(...v.q05), digits),
      num(median(v.q50), digits),
      num(Math.max(...v.q95), digits),
    ],
  ];
}

/** An aligned text table; large tensors are aggregated and marked `*`, with a note saying how. */
export function summaryTable(summary: PosteriorSummary, options: SummaryTableOptions = {}): string {
  const maxRows = options.maxRows ?? 20;
  const digits = options.digits ?? 4;
  const rows: string[][] = [['name', 'guide', ...HEADINGS]];
  let aggregated = false;
  for (const [name, v] of Object.entries(summary)) {
    const r = rowsOf(name, v, maxRows, digits);
    if (v.mean.length > maxRows) aggregated = true;
    rows.push(...r);
  }
  if (rows.length === 1) return 'no global latents or params (local latents are per data point: see encode)\n';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  const notes = [
    'quantiles in the constrained space; "draws": sd and quantiles from draws of the guide, else exact',
    ...(aggregated ? ['*: more elements than fit: mean of the means, mean sd, smallest 5%, median 50%, largest 95% (csv or json for every element)'] : []),
  ];
  return `${lines.join('\n')}\n\n${notes.join('\n')}\n`;
}

/** CSV, one row per element: name, element index (row-major), its multi-index, kind, guide, method, statistics. */
export function summaryCsv(summary: PosteriorSummary): string {
  const lines = ['name,element,index,kind,guide,method,mean,sd,q05,q50,q95'];
  for (const [name, v] of Object.entries(summary)) {
    for (let i = 0; i < v.mean.length; i++) {
      const label = elementLabel(v.shape, i);
      lines.push([name, i, label ? `"${label}"` : '', v.kind, v.guide ?? '', v.method, ...STATS.map((k) => Number(v[k][i]!.toPrecision(7)))].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** JSON: the summary object itself, by name. */
export function summaryJson(summary: PosteriorSummary): string {
  return `${JSON.stringify(summary, null, 1)}\n`;
}

export function formatSummary(summary: PosteriorSummary, format: SummaryFormat, options: SummaryTableOptions = {}): string {
  if (format === 'csv') return summaryCsv(summary);
  if (format === 'json') return summaryJson(summary);
  return summaryTable(summary, options);
}
