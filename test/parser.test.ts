import { describe, expect, it } from 'vitest';
import type { ConstDecl, DataDecl, Decl, Expr, GuideBlock, IndexItem, LatentDecl, ModelBlock, NetDecl, ParamDecl, SampleStmt, Span } from '../lang/ast.js';
import { parseProgram } from '../lang/parser.js';
import { VAE } from './helpers.js';

/** Parses a program that must have no diagnostics. */
function parseOk(source: string): Decl[] {
  const r = parseProgram('test.ppl', source);
  expect(r.diagnostics).toEqual([]);
  return r.program.decls;
}

/** The expression of `const e = <text>`. */
function parseExpr(text: string): Expr {
  const decls = parseOk(`const e = ${text}`);
  expect(decls).toHaveLength(1);
  return (decls[0] as ConstDecl).value;
}

/** A fully parenthesised rendering, to check precedence and associativity. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return String(e.value);
    case 'ident':
      return e.name;
    case 'unary':
      return `(-${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call':
      return `${e.callee.name}(${e.args.map((a) => (a.name ? `${a.name.name}=` : '') + show(a.value)).join(', ')})`;
    case 'field':
      return `${show(e.object)}.${e.field.name}`;
    case 'index':
      return `${show(e.object)}[${e.indices.map(showIndex).join(', ')}]`;
    case 'array':
      return `[${e.elements.map(show).join(', ')}]`;
  }
}

function showIndex(i: IndexItem): string {
  if (i.kind === 'at') return show(i.value);
  return `${i.start ? show(i.start) : ''}:${i.end ? show(i.end) : ''}`;
}

/** Line, column, end line, end column, as one compact string. */
function lc(s: Span): string {
  return `${s.line}:${s.column}-${s.endLine}:${s.endColumn}`;
}

/** Checks that a span's line/column pairs agree with its offset/length in `source`. */
function checkSpan(source: string, s: Span, where: string): void {
  const pos = (offset: number): [number, number] => {
    const before = source.slice(0, offset);
    const lines = before.split('\n');
    return [lines.length, lines[lines.length - 1]!.length + 1];
  };
  expect(s.length, where).toBeGreaterThan(0);
  expect(pos(s.offset), where).toEqual([s.line, s.column]);
  expect(pos(s.offset + s.length - 1), where).toEqual([s.endLine, s.endColumn]);
}

/** Every `span` in an AST, with the path to it. */
function allSpans(node: unknown, path = '$', out: [string, Span][] = []): [string, Span][] {
  if (Array.isArray(node)) node.forEach((n, i) => allSpans(n, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'span') out.push([path, v as Span]);
      else allSpans(v, `${path}.${k}`, out);
    }
  }
  return out;
}

describe('the VAE example', () => {
  const r = parseProgram('vae.ppl', VAE);
  const decls = r.program.decls;

  it('parses without diagnostics into eight declarations', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.program.file).toBe('vae.ppl');
    expect(r.program.source).toBe(VAE);
    expect(decls.map((d) => d.kind)).toEqual(['const', 'const', 'data', 'latent', 'net', 'net', 'model', 'guide']);
  });

  it('has the expected declarations', () => {
    const d = decls[0] as ConstDecl;
    expect(d.name.name).toBe('D');
    expect(d.value).toMatchObject({ kind: 'num', value: 20 });
    expect(lc(d.span)).toBe('2:1-2:12');

    const x = decls[2] as DataDecl;
    expect(x.name.name).toBe('x');
    expect(x.type.domain.name).toBe('binary');
    expect(x.type.domainArgs).toEqual([]);
    expect(x.type.shape.map(show)).toEqual(['784']);
    expect(lc(x.type.span)).toBe('5:12-5:22');
    expect(lc(x.span)).toBe('5:1-5:22');

    const z = decls[3] as LatentDecl;
    expect(z).toMatchObject({ kind: 'latent', plate: 'local', name: { name: 'z' } });
    expect(z.type.shape.map(show)).toEqual(['D']);

    const dec = decls[4] as NetDecl;
    expect(dec.name.name).toBe('decoder');
    expect(dec.family.name).toBe('mlp');
    expect(dec.layers.map(show)).toEqual(['D', 'H', '784']);
    expect(dec.activation?.name).toBe('relu');
    expect(dec.heads).toBeUndefined();
    expect(lc(dec.span)).toBe('8:1-8:38');

    const enc = decls[5] as NetDecl;
    expect(enc.layers.map(show)).toEqual(['784', 'H']);
    expect(enc.activation?.name).toBe('relu');
    expect(enc.heads?.map((h) => [h.name.name, show(h.size), h.constraint?.name])).toEqual([
      ['loc', 'D', undefined],
      ['scale', 'D', 'positive'],
    ]);
    expect(lc(enc.heads![1]!.span)).toBe('9:48-9:64');
    expect(lc(enc.span)).toBe('9:1-9:66');
  });

  it('has the expected model and guide', () => {
    const model = decls[6] as ModelBlock;
    expect(model.kind).toBe('model');
    expect(lc(model.span)).toBe('11:1-14:1');
    expect(model.body).toHaveLength(2);
    const prior = model.body[0] as SampleStmt;
    expect(prior.kind).toBe('sample');
    expect(prior.target.name).toBe('z');
    expect(prior.dist.name.name).toBe('Normal');
    expect(prior.dist.args?.map((a) => show(a.value))).toEqual(['0', '1']);
    expect(prior.annotations).toEqual([]);
    expect(lc(prior.span)).toBe('12:3-12:18');

    const lik = model.body[1] as SampleStmt;
    expect(lik.dist.name.name).toBe('Bernoulli');
    const arg = lik.dist.args![0]!;
    expect(arg.name?.name).toBe('logits');
    expect(lc(arg.span)).toBe('13:17-13:35');
    expect(arg.value.kind).toBe('call');
    // decoder(z) spans from the callee's first character to the closing parenthesis. Line 13 is
    // `  x ~ Bernoulli(logits = decoder(z))`: the `d` is the 26th character (1-based).
    expect(arg.value.span).toEqual({ line: 13, column: 26, endLine: 13, endColumn: 35, offset: VAE.indexOf('decoder(z)'), length: 10 });
    expect(show(arg.value)).toBe('decoder(z)');
    expect(lc(lik.dist.span)).toBe('13:7-13:36');
    expect(lc(lik.span)).toBe('13:3-13:36');

    const guide = decls[7] as GuideBlock;
    expect(guide.kind).toBe('guide');
    expect(lc(guide.span)).toBe('16:1-19:1');
    const q = guide.body[0]!;
    expect(q.kind).toBe('let');
    if (q.kind !== 'let') return;
    expect(q.name.name).toBe('q');
    expect(show(q.value)).toBe('encoder(x)');
    expect(lc(q.span)).toBe('17:3-17:20');
    const site = guide.body[1] as SampleStmt;
    const loc = site.dist.args![0]!.value;
    expect(loc.kind).toBe('field');
    expect(show(loc)).toBe('q.loc');
    expect(lc(loc.span)).toBe('18:14-18:18');
  });

  it('gives every node a span consistent with its offset and length', () => {
    const spans = allSpans(decls);
    expect(spans.length).toBeGreaterThan(60);
    for (const [where, s] of spans) checkSpan(VAE, s, where);
  });

  it('parses a 50-line file in well under 10 ms after warm-up', () => {
    let src = VAE;
    while (src.split('\n').length < 50) src += 'param s : positive[784] = exp(-x[0:392] ^ 2) * 0.5\n';
    expect(src.split('\n').length).toBeGreaterThanOrEqual(50);
    for (let i = 0; i < 200; i++) parseProgram('f.ppl', src);
    // The best of several batches: other processes on the machine only ever add time.
    const batches = Array.from({ length: 5 }, () => {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) parseProgram('f.ppl', src);
      return (performance.now() - t0) / 20;
    });
    expect(Math.min(...batches)).toBeLessThan(3);
  });
});

describe('expressions', () => {
  it.each([
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['a ^ b ^ c', '(a ^ (b ^ c))'],
    ['-x ^ 2', '(-(x ^ 2))'],
    ['a + b * c', '(a + (b * c))'],
    ['a * b + c', '((a * b) + c)'],
    ['(a + b) * c', '((a + b) * c)'],
    ['2 ^ -1', '(2 ^ (-1))'],
    ['- - a', '(-(-a))'],
    ['-a * b', '((-a) * b)'],
    ['a ^ b * c', '((a ^ b) * c)'],
    ['exp(x).loc[0]', 'exp(x).loc[0]'],
    ['encoder(x).loc', 'encoder(x).loc'],
    ['f()', 'f()'],
    ['x[0:392]', 'x[0:392]'],
    ['m[1, :]', 'm[1, :]'],
    ['m[:3, 2:]', 'm[:3, 2:]'],
    ['x[i + 1]', 'x[(i + 1)]'],
    ['1.5e3 + .5 + 2.', '((1500 + 0.5) + 2)'],
  ])('%s', (text, expected) => {
    expect(show(parseExpr(text))).toBe(expected);
  });

  it('spans a binary expression from its left operand to its right operand', () => {
    const e = parseExpr('a - b - c');
    expect(e.kind).toBe('binary');
    if (e.kind !== 'binary') return;
    expect(lc(e.span)).toBe('1:11-1:19');
    expect(lc(e.left.span)).toBe('1:11-1:15');
    expect(lc(e.right.span)).toBe('1:19-1:19');
  });

  it('spans unary minus from the sign, and parentheses are included in a node span', () => {
    const e = parseExpr('-x ^ 2');
    expect(lc(e.span)).toBe('1:11-1:16');
    const p = parseExpr('(a + b) * c');
    if (p.kind !== 'binary') throw new Error('expected binary');
    expect(lc(p.left.span)).toBe('1:11-1:17');
    expect(p.left.span.offset).toBe(10);
    expect(p.left.span.length).toBe(7);
    expect(lc(p.span)).toBe('1:11-1:21');
  });

  it('spans slices and index accesses', () => {
    const e = parseExpr('m[1, :]');
    if (e.kind !== 'index') throw new Error('expected index');
    expect(lc(e.span)).toBe('1:11-1:17');
    expect(e.indices[0]).toMatchObject({ kind: 'at', value: { kind: 'num', value: 1 } });
    expect(e.indices[1]).toEqual({ kind: 'slice', span: { line: 1, column: 16, endLine: 1, endColumn: 16, offset: 15, length: 1 } });
    const s = parseExpr('x[0:392]');
    if (s.kind !== 'index') throw new Error('expected index');
    const slice = s.indices[0]!;
    expect(slice.kind).toBe('slice');
    expect(lc(slice.span)).toBe('1:13-1:17');
  });
});

describe('arguments and annotations', () => {
  it('parses positional and named arguments', () => {
    const [m] = parseOk('model { y ~ Normal(mu, scale = exp(s), 3) }');
    const site = (m as ModelBlock).body[0] as SampleStmt;
    const args = site.dist.args!;
    expect(args.map((a) => a.name?.name)).toEqual([undefined, 'scale', undefined]);
    expect(args.map((a) => show(a.value))).toEqual(['mu', 'exp(s)', '3']);
    expect(lc(args[1]!.span)).toBe('1:24-1:37');
    expect('name' in args[0]!).toBe(false);
  });

  it('parses a bare distribution name and an empty argument list', () => {
    const [m] = parseOk('guide { z ~ auto\n w ~ Flat() }');
    const body = (m as GuideBlock).body as SampleStmt[];
    expect(body[0]!.dist.args).toBeUndefined();
    expect(lc(body[0]!.dist.span)).toBe('1:13-1:16');
    expect(body[1]!.dist.args).toEqual([]);
  });

  it('parses annotations with and without arguments', () => {
    const [m] = parseOk('model {\n  x ~ Bernoulli(logits = f(z)) @score @baseline(b(x)) @enumerate()\n}');
    const site = (m as ModelBlock).body[0] as SampleStmt;
    expect(site.annotations.map((a) => a.name.name)).toEqual(['score', 'baseline', 'enumerate']);
    expect(site.annotations[0]!.args).toEqual([]);
    expect(lc(site.annotations[0]!.span)).toBe('2:32-2:37');
    expect(site.annotations[1]!.args.map((a) => show(a.value))).toEqual(['b(x)']);
    expect(lc(site.annotations[1]!.span)).toBe('2:39-2:53');
    expect(site.annotations[2]!.args).toEqual([]);
    expect(lc(site.span)).toBe('2:3-2:66');
  });
});

describe('declarations', () => {
  it('parses global latents, params with and without initial values, typed domains', () => {
    const decls = parseOk('global w : real[3, D]\nparam s : positive[784] = 1.0\nparam b : real\ndata y : int(0, 9)\ndata t : int(0, 9)[5]');
    expect(decls[0]).toMatchObject({ kind: 'latent', plate: 'global', name: { name: 'w' } });
    expect((decls[0] as LatentDecl).type.shape.map(show)).toEqual(['3', 'D']);
    const s = decls[1] as ParamDecl;
    expect(show(s.init!)).toBe('1');
    expect(lc(s.span)).toBe('2:1-2:29');
    const b = decls[2] as ParamDecl;
    expect('init' in b).toBe(false);
    expect(lc(b.span)).toBe('3:1-3:14');
    const y = decls[3] as DataDecl;
    expect(y.type.domain.name).toBe('int');
    expect(y.type.domainArgs.map(show)).toEqual(['0', '9']);
    expect(y.type.shape).toEqual([]);
    expect(lc(y.type.span)).toBe('4:10-4:18');
    const t = decls[4] as DataDecl;
    expect(t.type.shape.map(show)).toEqual(['5']);
    expect(lc(t.type.span)).toBe('5:10-5:21');
  });

  it('parses a net without activation and heads with a trailing comma', () => {
    const [n] = parseOk('net f : mlp(3 -> 2) -> { a: 1, b: 2 softplus, }');
    const net = n as NetDecl;
    expect(net.layers.map(show)).toEqual(['3', '2']);
    expect(net.activation).toBeUndefined();
    expect(net.heads?.map((h) => h.name.name)).toEqual(['a', 'b']);
    expect(lc(net.span)).toBe('1:1-1:47');
  });

  it('parses head constraints with constant arguments: interval(lo, hi)', () => {
    const src = 'const S = 2\nnet f : mlp(3 -> 4) -> { loc: 2, rate: 3 interval(0.5, 2), shift: 2 interval(-S, S * 2), }';
    const [, n] = parseOk(src);
    const net = n as NetDecl;
    expect(net.heads?.map((h) => [h.name.name, show(h.size), h.constraint?.name, h.constraintArgs?.map(show)])).toEqual([
      ['loc', '2', undefined, undefined],
      ['rate', '3', 'interval', ['0.5', '2']],
      ['shift', '2', 'interval', ['(-S)', '(S * 2)']],
    ]);
    const [, rate, shift] = net.heads!;
    // The head's span runs to the closing parenthesis; each bound keeps its own span.
    expect(lc(rate!.span)).toBe('2:34-2:57');
    expect(lc(rate!.constraint!.span)).toBe('2:42-2:49');
    expect(rate!.constraintArgs!.map((a) => lc(a.span))).toEqual(['2:51-2:53', '2:56-2:56']);
    expect(shift!.constraintArgs!.map((a) => lc(a.span))).toEqual(['2:78-2:79', '2:82-2:86']);
    for (const [where, sp] of allSpans(net)) checkSpan(src, sp, where);
    // Without parentheses there are no arguments (the checker reports interval's missing bounds).
    const [m] = parseOk('net g : mlp(3 -> 4) -> { rate: 3 interval }');
    expect('constraintArgs' in (m as NetDecl).heads![0]!).toBe(false);
  });

  it('accepts optional semicolons after declarations and statements', () => {
    const decls = parseOk('const a = 1; const b = 2;\nmodel { z ~ Normal(0, 1); let y = z; x ~ Normal(y, 1); };\nguide { z ~ auto }');
    expect(decls.map((d) => d.kind)).toEqual(['const', 'const', 'model', 'guide']);
    expect((decls[2] as ModelBlock).body.map((s) => s.kind)).toEqual(['sample', 'let', 'sample']);
    // The semicolon is not part of the span.
    expect(lc(decls[0]!.span)).toBe('1:1-1:11');
  });

  it('treats keyword-prefixed names as identifiers', () => {
    const [d] = parseOk('const constant = models + letter');
    expect((d as ConstDecl).name.name).toBe('constant');
    expect(show((d as ConstDecl).value)).toBe('(models + letter)');
  });
});

describe('comments', () => {
  it('skips line and block comments and keeps spans right after them', () => {
    const src = [
      '// header',
      'const a = 1 // trailing',
      '/* block */ const b = /* inside */ 2',
      '/* a block',
      '   spanning lines */ const c = a',
      'const d = 4 /* x */ + /**/ 5',
    ].join('\n');
    const decls = parseOk(src) as ConstDecl[];
    expect(decls.map((d) => d.name.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(lc(decls[0]!.span)).toBe('2:1-2:11');
    expect(lc(decls[1]!.span)).toBe('3:13-3:36');
    expect(lc(decls[1]!.value.span)).toBe('3:36-3:36');
    expect(lc(decls[2]!.span)).toBe('5:22-5:32');
    expect(decls[2]!.span.offset).toBe(src.indexOf('const c'));
    expect(lc(decls[3]!.value.span)).toBe('6:11-6:28');
    for (const [where, s] of allSpans(decls)) checkSpan(src, s, where);
  });

  it('handles CRLF line endings', () => {
    const decls = parseOk('const a = 1\r\nconst b = 2\r\n') as ConstDecl[];
    expect(lc(decls[1]!.span)).toBe('2:1-2:11');
  });
});

describe('syntax errors', () => {
  interface Bad {
    what: string;
    source: string;
    errors: [string, number, number][]; // message substring, line, column
    decls?: string[];
  }
  const cases: Bad[] = [
    { what: 'missing =', source: 'const D 20', errors: [["expected '=' but found '20'", 1, 9]] },
    {
      what: 'missing )',
      source: 'model {\n  x ~ Bernoulli(logits = decoder(z)\n}',
      errors: [["expected ')' but found '}'", 3, 1]],
    },
    { what: 'bad character', source: 'const a = 1\nconst b = 2 # 3', errors: [["unexpected character '#'", 2, 13]], decls: ['const', 'const'] },
    { what: 'bad character inside an expression', source: 'const b = 2#3\nconst c = 1', errors: [["unexpected character '#'", 1, 12]], decls: ['const', 'const'] },
    { what: 'unterminated comment', source: 'const a = 1\n  /* never closed\nconst b = 2', errors: [['unterminated block comment', 2, 3]], decls: ['const'] },
    {
      what: 'unterminated comment inside a block',
      source: 'model {\n  z ~ Normal(0, 1) /* oops\n}',
      errors: [['unterminated block comment', 2, 20]],
      decls: [],
    },
    { what: 'keyword used as a name', source: 'data model : real[3]\nconst x = 1', errors: [["expected a name but found keyword 'model'", 1, 6]], decls: ['const'] },
    { what: 'keyword let as a name', source: 'model { let let = 1 }', errors: [["found keyword 'let'", 1, 13]] },
    {
      what: 'stray token at top level',
      source: 'const a = 1\nfoo bar\nconst b = 2',
      errors: [["expected a declaration (const, data, latent, global, param, net, model, guide) but found 'foo'", 2, 1]],
      decls: ['const', 'const'],
    },
    {
      what: 'unexpected end of file inside a block',
      source: 'model {\n  z ~ Normal(0, 1)\n',
      errors: [["unexpected end of file: expected '}'", 2, 19]],
    },
    { what: 'end of file after =', source: 'const a =', errors: [['unexpected end of file: expected an expression', 1, 10]] },
    {
      what: 'two errors in two declarations',
      source: 'const D 20\ndata x binary[784]\nlatent z : real[D]',
      errors: [
        ["expected '=' but found '20'", 1, 9],
        ["expected ':' but found 'binary'", 2, 8],
      ],
      decls: ['latent'],
    },
    {
      what: 'errors in model and guide',
      source: 'model {\n  z ~ Normal(0 1)\n}\nguide {\n  z ~ Normal(, 1)\n}\nconst k = 2',
      errors: [
        ["expected ')' but found '1'", 2, 16],
        ["expected an argument or ')' but found ','", 5, 14],
      ],
      decls: ['const'],
    },
    { what: 'missing expression', source: 'const a = (1 + )', errors: [["expected an expression but found ')'", 1, 16]] },
    { what: 'statement expected', source: 'model { 3 ~ Normal(0, 1) }', errors: [["expected a statement ('let', 'for', 'factor' or NAME ~ ...) or '}' but found '3'", 1, 9]] },
    { what: 'assignment instead of let', source: 'guide { q = encoder(x) }', errors: [["expected '~' but found '=' (use 'let NAME = ...'", 1, 11]] },
    { what: 'empty index', source: 'const a = x[]', errors: [["expected an index (an expression or a slice 'a:b') but found ']'", 1, 13]] },
    {
      what: 'forgotten } before the next block',
      source: 'model {\n  z ~ Normal(0, 1)\nguide {\n  z ~ auto\n}',
      errors: [["expected '}' to close the block but found keyword 'guide'", 3, 1]],
      decls: ['guide'],
    },
    {
      what: 'declaration inside a block (no cascade on the rest of the block)',
      source: 'model {\n  const c = 3\n  z ~ Normal(c, 1)\n}\nguide { z ~ auto }',
      errors: [['a const is declared at the top of the file, not in a block', 2, 3]],
      decls: ['const', 'guide'],
    },
    {
      what: 'declaration inside a block, then a real error in a later declaration',
      source: 'model {\n  const c = 3\n  z ~ Normal(c, 1) { }\n}\nguide { z ~ auto }\nconst e = )',
      errors: [
        ['a const is declared at the top of the file, not in a block', 2, 3],
        ["expected an expression but found ')'", 6, 11],
      ],
      decls: ['const', 'guide'],
    },
    {
      what: 'stray closing brace at top level',
      source: 'const a = 1\n}\nconst b = 2',
      errors: [["expected a declaration (const, data, latent, global, param, net, model, guide) but found '}'", 2, 1]],
      decls: ['const', 'const'],
    },
    {
      what: 'head constraint arguments without a comma',
      source: 'net f : mlp(3 -> 4) -> { rate: 3 interval(0.5 2) }\nconst a = 1',
      errors: [["expected ',' or ')' after an argument of the head constraint but found '2'", 1, 47]],
      decls: ['const'],
    },
    {
      what: 'head constraint arguments not closed',
      source: 'net f : mlp(3 -> 4) -> { rate: 3 interval(0.5, 2 }',
      errors: [["expected ',' or ')' after an argument of the head constraint but found '}'", 1, 50]],
    },
    { what: 'empty head constraint arguments', source: 'net f : mlp(3 -> 4) -> { rate: 3 interval() }', errors: [["expected an expression but found ')'", 1, 43]] },
    { what: 'net missing )', source: 'net f : mlp(3 -> 2, relu\nconst a = 1', errors: [["expected ')' but found keyword 'const'", 2, 1]], decls: ['const'] },
    { what: 'statement at top level', source: 'z ~ Normal(0, 1)\nx ~ Normal(z, 1)', errors: [["expected a declaration (const, data, latent, global, param, net, model, guide) but found 'z'", 1, 1]] },
  ];

  it.each(cases)('$what', ({ source, errors, decls }) => {
    const r = parseProgram('bad.ppl', source);
    expect(r.diagnostics.map((d) => [d.message, d.span.line, d.span.column])).toEqual(
      errors.map(([msg, line, col]) => [expect.stringContaining(msg), line, col]),
    );
    for (const d of r.diagnostics) {
      expect(d.severity).toBe('error');
      expect(['syntax', 'lex']).toContain(d.code);
    }
    if (decls) expect(r.program.decls.map((d) => d.kind)).toEqual(decls);
  });

  it('uses code lex for bad characters and syntax otherwise, with exact spans', () => {
    const lex = parseProgram('a.ppl', 'const a = 1 @# 2').diagnostics;
    expect(lex.map((d) => d.code)).toContain('lex');
    const r = parseProgram('a.ppl', 'const D 20');
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'syntax',
        message: "expected '=' but found '20'",
        span: { line: 1, column: 9, endLine: 1, endColumn: 10, offset: 8, length: 2 },
      },
    ]);
    const c = parseProgram('a.ppl', 'x\n /* a').diagnostics.find((d) => d.code === 'lex');
    expect(c?.span).toEqual({ line: 2, column: 2, endLine: 2, endColumn: 3, offset: 3, length: 2 });
  });

  it('points just past the last token at end of file', () => {
    const [d] = parseProgram('a.ppl', 'model {\n  z ~ Normal(0, 1)  // comment\n\n').diagnostics;
    expect(d?.span).toEqual({ line: 2, column: 19, endLine: 2, endColumn: 19, offset: 26, length: 0 });
  });

  it('reports (not throws) nesting too deep for the call stack, and goes on', () => {
    const src = `const a = 1\nconst b = ${'('.repeat(5000)}1${')'.repeat(5000)}\nconst c = 2`;
    const r = parseProgram('deep.ppl', src);
    expect(r.diagnostics.map((d) => [d.message, d.span.line, d.span.column])).toEqual([['this declaration is nested too deeply to parse', 2, 1]]);
    expect(r.program.decls.map((d) => (d as ConstDecl).name.name)).toEqual(['a', 'c']);
  });

  it('never throws on garbage and keeps spans inside the source', () => {
    const pieces = ['const', 'data', 'model', 'guide', 'net', 'let', 'x', '1', '(', ')', '{', '}', '[', ']', ',', ':', ';', '=', '~', '@', '.', '+', '-', '*', '^', '->', '#', '/*', '\n', ' '];
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 300; k++) {
      const src = Array.from({ length: 1 + rand(40) }, () => pieces[rand(pieces.length)]).join(' ');
      const r = parseProgram('g.ppl', src);
      for (const d of r.diagnostics) {
        expect(d.span.offset).toBeGreaterThanOrEqual(0);
        expect(d.span.offset + d.span.length).toBeLessThanOrEqual(src.length);
        expect(Number.isInteger(d.span.line) && Number.isInteger(d.span.column)).toBe(true);
      }
      for (const [where, s] of allSpans(r.program.decls)) checkSpan(src, s, where);
    }
  });
});
