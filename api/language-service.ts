// What an editor asks about a .ppl document: its diagnostics, a name's description on hover,
// where a name is declared, and what may be typed next. Plain data in LSP's coordinates
// (0-based lines and UTF-16 characters), no editor library and no Node module: the language
// server (api/node/language-server.ts) and a browser editor use the same code.
import type { Decl, Expr, LetStmt, Program, Span, Stmt } from '../lang/ast.js';
import { parseProgram } from '../lang/parser.js';
import { keywords } from '../lang/lexer.js';
import { ANNOTATIONS, DOMAINS, FUNCTIONS, distributionNames, distributionSpec, formatShape } from '../lang/builtins.js';
import { describeSupport } from '../runtime/support.js';
import type { CheckedProgram } from '../lang/checked.js';
import { describeAutoGuide } from '../lang/lower/auto-guides.js';
import { describeNet } from '../lang/nets/registry.js';
import { sitesOf, type LoweredProgram } from '../lang/lower/program.js';
import { lowerProgram } from '../lang/lower/lower.js';
import { checkModel } from './model.js';
import type { ModelDiagnostic, Severity } from './diagnostics.js';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based character in the line. */
  character: number;
}

export interface Range {
  start: Position;
  /** Exclusive. */
  end: Position;
}

export interface EditorDiagnostic {
  range: Range;
  severity: Severity;
  code: string;
  message: string;
}

export interface HoverInfo {
  range: Range;
  /** Markdown: a code line, then prose. */
  markdown: string;
}

export type CompletionKind = 'keyword' | 'variable' | 'distribution' | 'function' | 'argument' | 'annotation' | 'domain' | 'net' | 'constant';

export interface Completion {
  label: string;
  kind: CompletionKind;
  /** One line shown beside the label. */
  detail?: string;
  documentation?: string;
  /** What to insert when it differs from the label (`logits = `). */
  insertText?: string;
}

/** The language's keywords, from the lexer: a keyword added there is highlighted and completed here. */
export const KEYWORDS: readonly string[] = keywords.map((t) => (t.PATTERN as RegExp).source);

interface Declared {
  name: string;
  kind: 'const' | 'data' | 'latent' | 'global' | 'param' | 'net' | 'let';
  /** The span of the name where it is declared. */
  nameSpan: Span;
  /** The whole declaration. */
  span: Span;
  /** For `let`: the block and the statement. */
  block?: 'model' | 'guide';
  let?: LetStmt;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** One open document: parsed and checked once, asked many questions. */
export class ModelDocument {
  readonly diagnostics: readonly ModelDiagnostic[];
  private readonly ast: Program;
  private readonly checked?: CheckedProgram;
  private lowered?: LoweredProgram | null;
  private readonly lineStarts: number[];
  private readonly declared: Declared[];

  constructor(
    readonly source: string,
    readonly file = 'model.ppl',
  ) {
    const check = checkModel(source, { file });
    this.diagnostics = check.diagnostics;
    this.checked = check.model?.checked;
    this.ast = this.checked?.ast ?? parseProgram(file, source).program;
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.lineStarts.push(i + 1);
    this.declared = declarations(this.ast);
  }

  // ------------------------------------------------------------ coordinates

  offsetAt(p: Position): number {
    const start = this.lineStarts[Math.min(Math.max(p.line, 0), this.lineStarts.length - 1)]!;
    return Math.min(start + Math.max(p.character, 0), this.source.length);
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.lineStarts[lo]! };
  }

  rangeOf(span: { offset: number; length: number }): Range {
    return { start: this.positionAt(span.offset), end: this.positionAt(span.offset + Math.max(span.length, 1)) };
  }

  // ------------------------------------------------------------ questions

  /** Every error and warning, located. */
  editorDiagnostics(): EditorDiagnostic[] {
    return this.diagnostics.map((d) => ({ range: this.rangeOf(d.span), severity: d.severity, code: d.code, message: d.message }));
  }

  /** The name under the cursor, described: a declared name's declaration, shape, support and (for a latent) its guide and gradient estimator; a distribution's parameters and support; a function's signature. */
  hover(p: Position): HoverInfo | undefined {
    const word = this.wordAt(this.offsetAt(p));
    if (!word) return undefined;
    const range = this.rangeOf({ offset: word.offset, length: word.text.length });
    const decl = this.resolve(word.text, word.offset);
    if (decl) return { range, markdown: this.describe(decl) };
    const dist = distributionSpec(word.text);
    if (dist) return { range, markdown: describeDistribution(word.text) };
    const fn = FUNCTIONS.get(word.text);
    if (fn) return { range, markdown: `\`\`\`ppl\n${fn.signature.split('  ').join('\n')}\n\`\`\`\n${fn.doc}` };
    const argOf = this.callBefore(word.offset);
    const param = argOf ? distributionSpec(argOf)?.params.find((q) => q.name === word.text) : undefined;
    if (param) return { range, markdown: `\`${argOf}(${param.name} = ...)\`: ${param.doc} (${param.domain})` };
    const annotation = this.source[word.offset - 1] === '@' ? ANNOTATIONS.get(word.text) : undefined;
    if (annotation) return { range, markdown: `\`@${annotation.name}\`: ${annotation.doc}` };
    return undefined;
  }

  /** Where the name under the cursor is declared (a `let` in the same block, before the cursor; else a top-level declaration). */
  definition(p: Position): Range | undefined {
    const word = this.wordAt(this.offsetAt(p));
    const decl = word && this.resolve(word.text, word.offset);
    return decl ? this.rangeOf(decl.nameSpan) : undefined;
  }

  /** What may be typed at the cursor: argument names inside a distribution's parentheses, distributions after `~`, annotations after `@`, domains after `:` in a declaration, else names, functions, distributions and keywords. */
  completions(p: Position): Completion[] {
    const offset = this.offsetAt(p);
    const lineStart = this.lineStarts[this.positionAt(offset).line]!;
    const before = this.source.slice(lineStart, offset);
    if (/@[A-Za-z_]*$/.test(before)) {
      return [...ANNOTATIONS.values()].map((a) => ({ label: a.name, kind: 'annotation', documentation: a.doc }));
    }
    if (/~\s*[A-Za-z_]*$/.test(before)) {
      return [...distributionNames().map((n) => distributionCompletion(n)), { label: 'auto', kind: 'keyword', detail: 'an automatic guide for this latent' }];
    }
    if (/^\s*(data|latent|global|param)\s+[A-Za-z_][A-Za-z0-9_]*\s*:\s*[A-Za-z_]*$/.test(before)) {
      return [...DOMAINS.keys()].map((d) => ({ label: d, kind: 'domain' }));
    }
    const names = this.visibleNames(offset).map((d) => ({ label: d.name, kind: completionKind(d), detail: firstLine(this.source, d.span) }));
    const callee = this.callBefore(offset);
    const dist = callee ? distributionSpec(callee) : undefined;
    if (dist) {
      const args: Completion[] = dist.params.map((q) => ({ label: q.name, kind: 'argument', detail: `${q.domain}`, documentation: q.doc, insertText: `${q.name} = ` }));
      return [...args, ...names, ...functionCompletions()];
    }
    const top = !this.insideBlock(offset);
    return [
      ...KEYWORDS.map((k): Completion => ({ label: k, kind: 'keyword' })),
      ...(top ? [] : [...names, ...functionCompletions(), ...distributionNames().map((n) => distributionCompletion(n))]),
    ];
  }

  // ------------------------------------------------------------ helpers

  private wordAt(offset: number): { text: string; offset: number } | undefined {
    let start = offset;
    while (start > 0 && /[A-Za-z0-9_]/.test(this.source[start - 1]!)) start--;
    IDENT.lastIndex = start;
    const m = IDENT.exec(this.source);
    if (!m || m.index !== start || start + m[0].length < offset) return undefined;
    return { text: m[0], offset: start };
  }

  /** The name of the innermost call whose parentheses are open at `offset` (`Normal` in `Normal(0, |`). */
  private callBefore(offset: number): string | undefined {
    let depth = 0;
    for (let i = offset - 1; i >= 0; i--) {
      const c = this.source[i];
      if (c === ')') depth++;
      else if (c === '(') {
        if (depth === 0) {
          const m = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(this.source.slice(Math.max(0, i - 64), i));
          return m?.[1];
        }
        depth--;
      } else if (c === '\n' && depth === 0 && i < offset - 1 && /^\s*(model|guide|data|latent|global|param|net|const)\b/.test(this.source.slice(i + 1))) return undefined;
    }
    return undefined;
  }

  private blockAt(offset: number): { kind: 'model' | 'guide'; body: Stmt[] } | undefined {
    for (const d of this.ast.decls) {
      if ((d.kind === 'model' || d.kind === 'guide') && offset >= d.span.offset && offset <= d.span.offset + d.span.length) return { kind: d.kind, body: d.body };
    }
    return undefined;
  }

  private insideBlock(offset: number): boolean {
    if (this.blockAt(offset)) return true;
    // An unfinished block the parser could not close: count the braces before the cursor.
    let depth = 0;
    for (let i = 0; i < offset; i++) {
      if (this.source[i] === '{') depth++;
      else if (this.source[i] === '}') depth--;
    }
    return depth > 0;
  }

  private visibleNames(offset: number): Declared[] {
    const block = this.blockAt(offset)?.kind;
    return this.declared.filter((d) => d.kind !== 'let' || (d.block === block && d.span.offset < offset));
  }

  private resolve(name: string, offset: number): Declared | undefined {
    const block = this.blockAt(offset)?.kind;
    const lets = this.declared.filter((d) => d.kind === 'let' && d.name === name && d.block === block && d.nameSpan.offset <= offset);
    return lets[lets.length - 1] ?? this.declared.find((d) => d.kind !== 'let' && d.name === name);
  }

  private lowering(): LoweredProgram | undefined {
    if (this.lowered === undefined) {
      try {
        this.lowered = this.checked ? lowerProgram(this.checked) : null;
      } catch {
        this.lowered = null;
      }
    }
    return this.lowered ?? undefined;
  }

  private describe(d: Declared): string {
    const code = `\`\`\`ppl\n${firstLine(this.source, d.span)}\n\`\`\``;
    const c = this.checked;
    if (!c) return `${code}\n(the file has errors: shapes and supports are shown once it checks)`;
    const typed = (support: Parameters<typeof describeSupport>[0], shape: readonly number[]) => `${describeSupport(support)}, shape ${shape.length ? formatShape(shape) : 'scalar'}`;
    switch (d.kind) {
      case 'const':
        return `${code}\nconstant = ${c.consts.get(d.name)}`;
      case 'data': {
        const info = c.data.find((x) => x.name === d.name);
        const modelled = c.sites.some((s) => s.targetKind === 'data' && s.target === d.name);
        return info ? `${code}\ndata, one value per data point: ${typed(info.support, info.shape)}${modelled ? '' : ' (an input: never ~-ed)'}` : code;
      }
      case 'latent':
      case 'global': {
        const info = c.latents.find((x) => x.name === d.name);
        if (!info) return code;
        const lines = [`${info.plate === 'local' ? 'local latent, one per data point' : 'global latent, shared by all data points'}: ${typed(info.support, info.shape)}`, `prior: ${firstLine(this.source, info.prior.dist.span)}`];
        const lowered = this.lowering();
        const latent = lowered?.latents.find((l) => l.name === d.name);
        if (info.enumerated) lines.push('summed out exactly (@enumerate): no guide');
        else if (lowered && latent) {
          const auto = latent.guideSource === 'auto' || latent.guideSource === 'implicit';
          const site = sitesOf(lowered, 'guide').find((s) => s.name === d.name);
          lines.push(`guide: ${auto ? describeAutoGuide(lowered, latent) : info.guide ? firstLine(this.source, info.guide.dist.span) : latent.guide}`);
          if (site) lines.push(`gradient: ${site.estimator === 'reparam' ? 'pathwise (reparameterized)' : 'score function (REINFORCE)'}`);
        }
        return `${code}\n${lines.join('  \n')}`;
      }
      case 'param': {
        const info = c.params.find((x) => x.name === d.name);
        return info ? `${code}\nparam (a learnable point value): ${typed(info.constraint, info.shape)}, initially ${info.init}` : code;
      }
      case 'net': {
        const info = c.nets.find((x) => x.name === d.name);
        if (!info) return code;
        const heads = info.heads ? `; heads ${info.heads.map((h) => `${h.name}: ${h.size} ${describeSupport(h.constraint)}`).join(', ')}` : '';
        return `${code}\nnet: ${describeNet(info)}${heads}`;
      }
      case 'let': {
        const shape = d.let ? c.shapes.get(d.let.value as Expr) : undefined;
        return `${code}\nlocal name in the ${d.block} block${shape ? `, shape ${shape.length ? formatShape(shape) : 'scalar'}` : ''}`;
      }
    }
  }
}

function declarations(ast: Program): Declared[] {
  const out: Declared[] = [];
  const add = (d: Decl): void => {
    switch (d.kind) {
      case 'const':
      case 'data':
      case 'param':
      case 'net':
        out.push({ name: d.name.name, kind: d.kind, nameSpan: d.name.span, span: d.span });
        break;
      case 'latent':
        out.push({ name: d.name.name, kind: d.plate === 'global' ? 'global' : 'latent', nameSpan: d.name.span, span: d.span });
        break;
      case 'model':
      case 'guide':
        for (const s of d.body) if (s.kind === 'let') out.push({ name: s.name.name, kind: 'let', nameSpan: s.name.span, span: s.span, block: d.kind, let: s });
        break;
    }
  };
  for (const d of ast.decls) add(d);
  return out;
}

function firstLine(source: string, span: Span): string {
  return source.slice(span.offset, span.offset + span.length).split('\n')[0]!.trim();
}

function completionKind(d: Declared): CompletionKind {
  if (d.kind === 'net') return 'net';
  if (d.kind === 'const') return 'constant';
  return 'variable';
}

function describeDistribution(name: string): string {
  const spec = distributionSpec(name)!;
  const forms = spec.parameterizations.map((ps) => `${name}(${ps.join(', ')})`).join('\n');
  const params = spec.params.map((q) => `- \`${q.name}\` (${q.domain}): ${q.doc}`).join('\n');
  const support = spec.supportDoc ?? describeSupport(spec.support);
  return `\`\`\`ppl\n${forms}\n\`\`\`\nsupport: ${support}; ${spec.reparameterizable ? 'pathwise (reparameterized) gradients' : 'score-function gradients'} as a guide\n\n${params}`;
}

function distributionCompletion(name: string): Completion {
  const spec = distributionSpec(name)!;
  return { label: name, kind: 'distribution', detail: spec.parameterizations.map((ps) => `${name}(${ps.join(', ')})`).join('  '), documentation: describeDistribution(name) };
}

function functionCompletions(): Completion[] {
  return [...FUNCTIONS.values()].map((f) => ({ label: f.name, kind: 'function', detail: f.signature, documentation: f.doc }));
}
