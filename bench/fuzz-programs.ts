// Random programs for fuzzing the front end (fast-check arbitraries), shared by
// test/fuzz.test.ts (a few thousand cases in the suite) and bench/fuzz.ts (100,000 and counts).
// Two sources: programs generated from the grammar, with names, functions, distributions,
// domains and annotations drawn from the registries (so many of them check, and the rest fail
// deep in the checker, not only in the parser), and the example models with random edits.
// The property: the front end answers with either a checked program (which also lowers) or
// located diagnostics; never an exception other than a UserError, never a hang.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ANNOTATIONS, DOMAINS, FUNCTIONS, ACTIVATIONS } from '../lang/builtins.js';
import { DIST_SPECS } from '../runtime/distributions/spec.js';
import { checkModel, lowerModel, UserError } from '../api/index.js';

const NAMES = ['x', 'y', 'z', 'w', 'mu', 'c', 'h', 'q', 'K', 'D', 'f', 'enc', 'dec', 'loc', 'scale', 'undefinedName', 'Normal', 'exp', 'model'];
const DISTS = [...DIST_SPECS.keys(), 'Nrmal', 'auto'];
const FNS = [...FUNCTIONS.keys(), 'nope'];
const DOMS = [...DOMAINS.keys(), 'simplex', 'positive', 'unit', 'wat'];
const ANNS = [...ANNOTATIONS.keys(), 'unknown'];
const ACTS = [...ACTIVATIONS.keys()];

const name = fc.constantFrom(...NAMES);
const number = fc.oneof(
  fc.constantFrom('0', '1', '2', '0.5', '.5', '1e-3', '784', '1e9', '4294967297', '99999999', '1e400', '3.'),
  fc.nat({ max: 50 }).map(String),
);

/** Expressions of bounded depth, from the grammar's productions. */
const { expr } = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    number,
    name,
    tie('expr').map((e) => `(${e})`),
    fc.tuple(fc.constantFrom(...FNS), fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(name, fc.constantFrom('loc', 'scale', 'a')).map(([o, f]) => `${o}.${f}`),
    fc.tuple(name, fc.array(fc.oneof(tie('expr'), fc.constant(':'), fc.constant('0:2')), { minLength: 1, maxLength: 2 })).map(([o, ix]) => `${o}[${ix.join(', ')}]`),
    fc.tuple(fc.constantFrom('axis', 'n', 'logits'), tie('expr')).map(([k, v]) => `${k} = ${v}`),
    fc.array(tie('expr'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc.tuple(tie('atom'), fc.constantFrom('+', '-', '*', '/', '^'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `-${e}`),
  ),
}));

const args = fc.array(fc.oneof(expr, fc.tuple(fc.constantFrom('loc', 'scale', 'probs', 'logits', 'rate', 'low', 'high', 'alpha', 'temperature'), expr).map(([k, v]) => `${k} = ${v}`)), { maxLength: 3 });
const dist = fc.oneof(fc.constant('auto'), fc.tuple(fc.constantFrom(...DISTS), args).map(([d, a]) => `${d}(${a.join(', ')})`));
const annotation = fc.tuple(fc.constantFrom(...ANNS), fc.option(fc.array(expr, { maxLength: 1 }))).map(([a, x]) => ` @${a}${x ? `(${x.join(', ')})` : ''}`);
const target = fc.oneof(name, fc.tuple(name, fc.oneof(name, number, fc.constant('t - 1'))).map(([n, i]) => `${n}[${i}]`));
const simpleStatement = fc.oneof(
  fc.tuple(name, expr).map(([n, e]) => `let ${n} = ${e}`),
  fc.tuple(target, dist, fc.option(annotation)).map(([n, d, a]) => `${n} ~ ${d}${a ?? ''}`),
  fc.tuple(expr, fc.option(fc.constantFrom(' @scale(2)', ' @scale(0.5)', ' @enumerate'))).map(([e, a]) => `factor(${e})${a ?? ''}`),
);
const statement = fc.oneof(
  { weight: 4, arbitrary: simpleStatement },
  fc.tuple(fc.constantFrom('t', 'i', 'x'), fc.oneof(number, name), fc.oneof(number, name, expr), fc.array(simpleStatement, { maxLength: 3 })).map(
    ([v, from, to, body]) => `for ${v} in ${from}:${to} {\n${body.map((s) => `    ${s}`).join('\n')}\n  }`,
  ),
);
const shape = fc.option(fc.array(fc.oneof(number, name), { minLength: 1, maxLength: 3 }).map((s) => `[${s.join(', ')}]`));
const type = fc
  .tuple(fc.constantFrom(...DOMS), fc.option(fc.array(number, { minLength: 1, maxLength: 2 })), shape)
  .map(([d, a, s]) => `${d}${a ? `(${a.join(', ')})` : ''}${s ?? ''}`);
const net = fc
  .tuple(name, fc.array(fc.oneof(number, name), { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom(...ACTS)), fc.option(fc.array(fc.tuple(name, number, fc.option(fc.constantFrom('positive', 'unit', 'simplex', 'interval(0, 1)'))), { minLength: 1, maxLength: 2 })))
  .map(([n, layers, act, heads]) => {
    const trunk = `mlp(${layers.join(' -> ')}${act ? `, ${act}` : ''})`;
    return `net ${n} : ${trunk}${heads ? ` -> { ${heads.map(([h, s, c]) => `${h}: ${s}${c ? ` ${c}` : ''}`).join(', ')} }` : ''}`;
  });
const declaration = fc.oneof(
  fc.tuple(name, expr).map(([n, e]) => `const ${n} = ${e}`),
  fc.tuple(fc.constantFrom('data', 'latent', 'global'), name, type, fc.boolean()).map(([k, n, t, missing]) => `${k} ${n} : ${t}${missing ? ' missing' : ''}`),
  fc.tuple(name, type, fc.option(expr)).map(([n, t, e]) => `param ${n} : ${t}${e ? ` = ${e}` : ''}`),
  net,
  fc.tuple(fc.constantFrom('model', 'guide'), fc.array(statement, { maxLength: 5 })).map(([b, ss]) => `${b} {\n${ss.map((s) => `  ${s}`).join('\n')}\n}`),
);

/** A program from the grammar, with a model and a guide block most of the time. */
export const grammarProgram: fc.Arbitrary<string> = fc
  .tuple(fc.array(declaration, { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r', ' ; ', '\n// note\n', '\n/* c */\n'), fc.boolean())
  .map(([decls, sep, bom]) => `${bom ? '\uFEFF' : ''}${decls.join(sep)}\n`);

// ---------------------------------------------------------------- mutations of real models

function exampleModels(): string[] {
  const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'models');
  const here = fs.existsSync(dir) ? dir : path.resolve('models');
  return fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.ppl'))
    .sort()
    .map((f) => fs.readFileSync(path.join(here, f), 'utf8'));
}

const SNIPPETS = ['for t in 1:3 {', 'factor(', ' missing', '(', ')', '{', '}', '[', ']', '~', '=', '->', '@enumerate', '@score', '/*', '*/', '//', '\r', '\uFEFF', '😀', '#', 'latent', 'model', 'guide', '1e9', '-', '^', ',', ':', '.', ';', 'let', 'Normal(0, 1)', '99999999', '\0'];

type Edit = (s: string) => string;

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(position, fc.nat({ max: 40 })).map(([p, n]): Edit => (s) => {
    const at = Math.floor(p * s.length);
    return s.slice(0, at) + s.slice(at + n);
  }),
  fc.tuple(position, fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 4 }))).map(([p, t]): Edit => (s) => {
    const at = Math.floor(p * s.length);
    return s.slice(0, at) + t + s.slice(at);
  }),
  fc.tuple(position, position).map(([a, b]): Edit => (s) => {
    const [from, to] = [Math.floor(Math.min(a, b) * s.length), Math.floor(Math.max(a, b) * s.length)];
    return s.slice(0, to) + s.slice(from, to) + s.slice(to);
  }),
  fc.tuple(position, fc.constantFrom('0', '-1', '1e9', '99999999', '4294967297', '0.5', '1e-400')).map(([p, v]): Edit => (s) => {
    const numbers = [...s.matchAll(/\d+(\.\d*)?/g)];
    const m = numbers[Math.floor(p * numbers.length)];
    return m ? s.slice(0, m.index) + v + s.slice(m.index + m[0].length) : s;
  }),
  position.map((p): Edit => (s) => s.slice(0, Math.floor(p * s.length))),
  fc.constant((s: string) => s.replace(/\n/g, '\r')),
);

/** An example model with one to five random edits. */
export const mutatedModel: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...exampleModels()), fc.array(edit, { minLength: 1, maxLength: 5 }))
  .map(([source, edits]) => edits.reduce((s, e) => e(s), source));

export const fuzzProgram: fc.Arbitrary<string> = fc.oneof(grammarProgram, mutatedModel);

// ---------------------------------------------------------------- the property

export type Outcome = 'ok' | 'located-error' | 'unlocated-error' | 'internal-error';

export interface CaseResult {
  outcome: Outcome;
  ms: number;
  detail?: string;
}

/** The front end on one source, as `ppl check` runs it (and lowering, for a program that checks). */
export function runCase(source: string): CaseResult {
  const t0 = performance.now();
  let outcome: Outcome;
  let detail: string | undefined;
  try {
    const r = checkModel(source, { file: 'fuzz.ppl' });
    if (r.ok) {
      lowerModel(r.model!);
      outcome = 'ok';
    } else {
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      const located = errors.length > 0 && errors.every((d) => d.span.line >= 1 && d.span.column >= 1 && d.formatted.startsWith(`fuzz.ppl:${d.span.line}:`));
      outcome = located ? 'located-error' : 'unlocated-error';
      if (!located) detail = r.text.slice(0, 300);
    }
  } catch (e) {
    if (e instanceof UserError) {
      outcome = e.message.includes('fuzz.ppl:') ? 'located-error' : 'unlocated-error';
      if (outcome === 'unlocated-error') detail = e.message.slice(0, 300);
    } else {
      outcome = 'internal-error';
      detail = e instanceof Error ? `${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n') ?? ''}` : String(e);
    }
  }
  return { outcome, ms: performance.now() - t0, detail };
}
