// The tables of docs/language.md that restate a registry, rendered from it so the docs cannot
// drift: distributions (DIST_SPECS), built-in functions (FUNCTIONS), site annotations
// (ANNOTATIONS) and automatic guides (autoGuideFor). Each sits in the docs between marker
// comments; `npm run docs` rewrites those regions and test/docs-tables.test.ts fails when one
// is stale. Plain strings only, so that the regions can be checked without touching the disk.
import { ANNOTATIONS, FUNCTIONS, type AnnotationSpec } from './builtins.js';
import { NET_FAMILIES } from './nets/registry.js';
import { DIST_SPECS, type DistSpec } from '../runtime/distributions/spec.js';
import { autoGuideFor } from '../runtime/auto-guide.js';
import { BINARY, CORR_CHOLESKY, COUNT, POSITIVE, REAL, SIMPLEX, UNIT, describeSupport, interval, intRange, type Support, type SupportKind } from '../runtime/support.js';

/** A generated part of a docs file: its name in the marker comments and its Markdown. */
export interface DocRegion {
  /** Path from the repository root, e.g. 'docs/language.md'. */
  file: string;
  name: string;
  render(): string;
}

// ---------------------------------------------------------------- regions in a file

function beginMarker(name: string): string {
  return `<!-- generated: ${name} (npm run docs) -->`;
}

function endMarker(name: string): string {
  return `<!-- end generated: ${name} -->`;
}

/** The whole region as it belongs in the file, markers included. */
export function regionBlock(name: string, body: string): string {
  return `${beginMarker(name)}\n\n${body}\n\n${endMarker(name)}`;
}

/** Where region `name` lies in `text` (markers included), or why it cannot be found. */
function locate(text: string, name: string): { start: number; end: number } | string {
  const begin = beginMarker(name);
  const end = endMarker(name);
  const start = text.indexOf(begin);
  if (start < 0) return `has no line '${begin}'`;
  if (text.indexOf(begin, start + 1) >= 0) return `has '${begin}' twice`;
  const stop = text.indexOf(end, start);
  if (stop < 0) return `has no '${end}' after '${begin}'`;
  return { start, end: stop + end.length };
}

/** The region's current text, markers included; a string saying why when it is missing. */
export function readRegion(text: string, name: string): { ok: true; block: string } | { ok: false; problem: string } {
  const at = locate(text, name);
  return typeof at === 'string' ? { ok: false, problem: at } : { ok: true, block: text.slice(at.start, at.end) };
}

/** `text` with region `name` replaced by `body`; throws when the markers are missing. */
export function writeRegion(text: string, name: string, body: string): string {
  const at = locate(text, name);
  if (typeof at === 'string') throw new Error(`region '${name}': the file ${at}`);
  return text.slice(0, at.start) + regionBlock(name, body) + text.slice(at.end);
}

// ---------------------------------------------------------------- Markdown helpers

function code(s: string): string {
  return `\`${s}\``;
}

/** A table cell: a `|` would end the cell, even inside a code span. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** 'a', 'a or b', 'a, b or c' (or `and`). */
function series(items: readonly string[], conjunction: 'or' | 'and'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/**
 * A paragraph folded at `width` columns, continuation lines indented by `indent`. Code spans
 * are never split, and no line starts with a token Markdown would read as a list item, a quote
 * or a heading (`- x`, `> x`, `# x`, `1. x`): such a token stays on the line before.
 */
function wrap(text: string, width: number, indent: string): string {
  const words: string[] = [];
  let open = false;
  for (const w of text.split(' ')) {
    if (open) words[words.length - 1] += ` ${w}`;
    else words.push(w);
    if ((w.match(/`/g) ?? []).length % 2 === 1) open = !open;
  }
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const blockStart = /^(?:[-+*>]|#+|\d+[.)])$/.test(w);
    if (line && line.length + 1 + w.length > width && !blockStart) {
      lines.push(line);
      line = indent + w;
    } else {
      line = line ? `${line} ${w}` : w;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

const WIDTH = 92;

// ---------------------------------------------------------------- distributions

function supportDoc(d: DistSpec): string {
  return d.supportDoc ?? describeSupport(d.support);
}

function reparamDoc(d: DistSpec): string {
  if (!d.reparameterizable) return 'no';
  const implicit = d.implicitIn ?? [];
  if (implicit.length === 0) return 'yes';
  if (implicit.length === d.params.length) return 'yes (implicit)';
  return `yes (implicit in ${series(implicit.map(code), 'and')})`;
}

/** The table of every distribution: parameters, parameterizations, support, event rank, gradient. */
export function renderDistributionTable(): string {
  const rows = [...DIST_SPECS.values()].map((d) => [
    code(d.name),
    d.params.map((p) => `${code(p.name)} (${p.domain}: ${p.doc})`).join(', '),
    series(d.parameterizations.map((ps) => code(ps.length === 1 ? ps[0]! : `(${ps.join(', ')})`)), 'or'),
    supportDoc(d),
    String(d.eventRank),
    reparamDoc(d),
  ]);
  return table(['distribution', 'parameters', 'parameterizations', 'support', 'event rank', 'reparameterizable'], rows);
}

/** One bullet per distribution: what it is, how it is sampled, an example. */
export function renderDistributionList(): string {
  return [...DIST_SPECS.values()]
    .map((d) => {
      const example = `Example: ${code(d.example)}${d.exampleContext ? ` ${d.exampleContext}` : ''}.`;
      return wrap(`- **${d.name}**: ${d.doc} ${example}`, WIDTH, '  ');
    })
    .join('\n');
}

// ---------------------------------------------------------------- functions

/** The built-in functions: call forms, arguments, result shape, what each computes. */
export function renderFunctionTable(): string {
  const rows = [...FUNCTIONS.values()].map((f) => [
    f.signature
      .split(/\s{2,}/)
      .map(code)
      .join(', '),
    f.argsDoc,
    f.resultDoc,
    f.doc,
  ]);
  return table(['function', 'arguments', 'result shape', 'meaning'], rows);
}

// ---------------------------------------------------------------- annotations

function annotationForm(a: AnnotationSpec): string {
  return code(a.form ?? `@${a.name}`);
}

/** Every site annotation, with the blocks it may appear in. */
export function renderAnnotationTable(): string {
  const rows = [...ANNOTATIONS.values()].map((a) => [annotationForm(a), a.blocks.join(', '), a.doc]);
  return table(['annotation', 'blocks', 'meaning'], rows);
}

/** The annotations of guide sites (how a site's gradient is estimated), for docs/estimators.md. */
export function renderGuideAnnotationTable(): string {
  const rows = [...ANNOTATIONS.values()].filter((a) => a.blocks.includes('guide')).map((a) => [annotationForm(a), a.doc]);
  return table(['annotation', 'meaning'], rows);
}

// ---------------------------------------------------------------- automatic guides

/**
 * The supports the auto-guide table shows, as the docs name them, for every kind: a kind with
 * bounds is shown once per case autoGuideFor tells apart (int(0, K - 1) and int(lo, hi) with
 * lo > 0). A Record, so that a new support kind fails to compile until it has a row.
 */
const AUTO_GUIDE_SUPPORTS: Readonly<Record<SupportKind, readonly { label: string; support: Support }[]>> = {
  real: [{ label: 'real', support: REAL }],
  positive: [{ label: 'positive', support: POSITIVE }],
  unit: [{ label: 'unit', support: UNIT }],
  binary: [{ label: 'binary', support: BINARY }],
  int: [
    { label: '`int(0, K - 1)`', support: intRange(0, 9) },
    { label: '`int(lo, hi)` with `lo > 0`', support: intRange(1, 9) },
  ],
  simplex: [{ label: 'simplex', support: SIMPLEX }],
  interval: [{ label: '`interval(lo, hi)`', support: interval(0, 1) }],
  count: [{ label: 'count', support: COUNT }],
  corr_cholesky: [{ label: '`corr_cholesky[D, D]`', support: CORR_CHOLESKY }],
};

/** The guide autoGuideFor gives each support, and how its gradient is estimated. */
export function renderAutoGuideTable(): string {
  const entries = Object.values(AUTO_GUIDE_SUPPORTS)
    .flat()
    .map((e) => ({ ...e, guide: autoGuideFor(e.support) }));
  const rows: string[][] = [];
  for (const { label, guide } of entries) {
    if (!guide) continue;
    const spec = DIST_SPECS.get(guide.distribution);
    if (!spec) throw new Error(`the automatic guide of ${label} is ${guide.distribution}, which is not in DIST_SPECS`);
    const classes = guide.params.filter((p) => p.classes !== undefined).map((p) => `, ${p.arg} of shape ${code('[..., K]')}`);
    const constants = (guide.constants ?? []).map((c) => `${c.arg} = ${c.arg === 'low' ? 'lo' : 'hi'}`);
    const written = `${code(`${guide.distribution}(${[...guide.params.map((p) => p.arg), ...constants].join(', ')})`)}${classes.join('')}`;
    const gradient = !spec.reparameterizable ? 'score function' : spec.implicitIn?.length ? 'pathwise (implicit reparameterization)' : 'pathwise';
    rows.push([label, written, gradient]);
  }
  // Supports without a guide after those with one.
  for (const { label, guide } of entries) if (!guide) rows.push([label, 'none: write the guide site', '—']);
  return table(["latent's support", 'guide', 'gradient'], rows);
}

// ---------------------------------------------------------------- the regions

// ---------------------------------------------------------------- net families

export function renderNetFamilyTable(): string {
  const rows = [...NET_FAMILIES.values()].map((f) => [code(f.name), f.summary, f.takesHeads ? 'yes' : 'no', code(f.example)]);
  return table(['family', 'what it is', 'heads', 'example'], rows);
}

export const LANGUAGE_DOC_REGIONS: readonly DocRegion[] = [
  { file: 'docs/language.md', name: 'net-families', render: renderNetFamilyTable },
  { file: 'docs/language.md', name: 'functions', render: renderFunctionTable },
  { file: 'docs/language.md', name: 'annotations', render: renderAnnotationTable },
  { file: 'docs/language.md', name: 'auto-guides', render: renderAutoGuideTable },
  { file: 'docs/language.md', name: 'distributions', render: renderDistributionTable },
  { file: 'docs/language.md', name: 'distribution-list', render: renderDistributionList },
  { file: 'docs/estimators.md', name: 'guide-annotations', render: renderGuideAnnotationTable },
];
