// Why training diverged: when a step's objective is not finite, the step is not applied and the
// same minibatch is traced once more through the ordinary handler stack (guide, then the model on
// its draws). The first site, in execution order, whose distribution arguments, value or
// log-density is not finite is the cause; what is wrong with it decides the advice. Nothing here
// is a new field in the compiler: it reads a trace, as every objective does.
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { TraceSite } from '../runtime/trace.js';
import { guideThenModel, type BatchRun, type Minibatch } from './run.js';

/** What a tensor holds, for the message: how many entries are NaN or infinite, and the range of the rest. */
export interface ValueSummary {
  size: number;
  nan: number;
  posInf: number;
  negInf: number;
  /** Over the finite entries (NaN when there are none). */
  min: number;
  max: number;
}

export type DivergenceKind =
  /** A parameter of the program was already not finite: an earlier step's gradient was not. */
  | 'parameter'
  /** An argument of a site's distribution is not finite. */
  | 'argument'
  /** A site's value (a guide's draw) is not finite. */
  | 'value'
  /** The arguments and value are finite, the log-density is not: a value outside the support, or a scale of 0. */
  | 'log-density'
  /** Every site is finite on a fresh draw: the step size (or the objective's own terms) is to blame. */
  | 'none-found';

export interface DivergenceCause {
  kind: DivergenceKind;
  /** The site (or parameter) and its block. */
  site?: string;
  block?: 'model' | 'guide';
  /** The distribution, for sites. */
  distribution?: string;
  /** The argument's name, for kind 'argument'. */
  argument?: string;
  summary?: ValueSummary;
  /** The value's summary alongside a non-finite log-density. */
  valueSummary?: ValueSummary;
}

export function summarize(t: Tensor): ValueSummary {
  const values = t.dataSync();
  const s: ValueSummary = { size: values.length, nan: 0, posInf: 0, negInf: 0, min: NaN, max: NaN };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) s.nan++;
    else if (v === Infinity) s.posInf++;
    else if (v === -Infinity) s.negInf++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min <= max) {
    s.min = min;
    s.max = max;
  }
  return s;
}

const finite = (s: ValueSummary): boolean => s.nan + s.posInf + s.negInf === 0;

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(3));

/** "3 NaN and 1 -Infinity of 400 values (the others in [-2.1, 5])". */
export function describeSummary(s: ValueSummary): string {
  const bad = [s.nan ? `${s.nan} NaN` : '', s.posInf ? `${s.posInf} Infinity` : '', s.negInf ? `${s.negInf} -Infinity` : ''].filter(Boolean);
  const range = Number.isNaN(s.min) ? '' : bad.length ? ` (the others in [${num(s.min)}, ${num(s.max)}])` : ` in [${num(s.min)}, ${num(s.max)}]`;
  return bad.length ? `${bad.join(' and ')} of ${s.size} values${range}` : `${s.size} finite values${range}`;
}

/** The tensors a distribution was built from, by argument name (its own tensor fields). */
function argumentsOf(site: TraceSite): [string, Tensor][] {
  return Object.entries(site.dist).filter((e): e is [string, Tensor] => e[1] instanceof tf.Tensor);
}

function siteCause(site: TraceSite): DivergenceCause | undefined {
  const base = { site: site.name, block: site.block, distribution: site.dist.spec.name };
  for (const [argument, t] of argumentsOf(site)) {
    const summary = summarize(t);
    if (!finite(summary)) return { kind: 'argument', ...base, argument, summary };
  }
  const valueSummary = summarize(site.value);
  if (!finite(valueSummary)) return { kind: 'value', ...base, summary: valueSummary };
  const summary = summarize(site.logProb);
  if (!finite(summary)) return { kind: 'log-density', ...base, summary, valueSummary };
  return undefined;
}

/**
 * The first non-finite thing in one more pass over `batch` with the program's current
 * parameters: a parameter, else a site of the guide, else of the model (each in the order they
 * ran). `run` is the failed step's batch run with a fresh random stream.
 */
export function diagnoseDivergence(program: CompiledProgram, batch: Minibatch, run: BatchRun): DivergenceCause {
  for (const name of program.params.names()) {
    const summary = summarize(program.params.variable(name));
    if (!finite(summary)) return { kind: 'parameter', site: name, summary };
  }
  let found: DivergenceCause = { kind: 'none-found' };
  tf.tidy(() => {
    const { guide, model } = guideThenModel(program, batch, run);
    for (const trace of [guide, model]) {
      for (const site of trace.sites.values()) {
        const cause = siteCause(site);
        if (cause) {
          found = cause;
          return;
        }
      }
    }
  });
  return found;
}

/** What to try, for this cause (the learning rate only where it is the likely culprit). */
export function adviceFor(cause: DivergenceCause, lr: number, step = 1): string {
  const advice = siteAdvice(cause, lr);
  // After some steps went well, the last step may have carried a parameter to the edge.
  const late = step > 1 && (cause.kind === 'log-density' || cause.kind === 'value') ? `; it came after ${step - 1} good step(s), so the step size may have pushed a parameter there: a smaller \`lr\` (now ${lr}) may also help` : '';
  return `${advice}${late}`;
}

function siteAdvice(cause: DivergenceCause, lr: number): string {
  const s = cause.summary;
  switch (cause.kind) {
    case 'parameter':
      return `an earlier step's gradient was not finite (a function with an infinite slope, such as sqrt at 0 or log near 0, or a division by a value near 0, on the path to it); keep such arguments away from 0, or try a smaller \`lr\` (now ${lr})`;
    case 'argument':
      if (s && s.nan > 0) {
        return 'an expression feeding this argument produced NaN: a function outside its domain (sqrt or log of a negative number, 0/0, Infinity - Infinity); keep its input in the domain (exp(.) or softplus(.) for a positive quantity, sigmoid(.) for one in (0, 1))';
      }
      return `an expression feeding this argument overflowed (exp of a large number, a division by a value near 0); bound it (softplus instead of exp, a small floor added to a divisor), or try a smaller \`lr\` (now ${lr})`;
    case 'value':
      return `the draw overflowed: its distribution's arguments are finite but extreme; bound them (a scale through softplus, not exp), or try a smaller \`lr\` (now ${lr})`;
    case 'log-density':
      if (cause.block === 'model' && s && s.negInf + s.nan > 0) {
        return 'the value lies outside the support of the distribution, or a scale reached 0: check the data against the declared type (a data value outside the support has density 0), and give scales a floor (softplus(s) + 1e-3)';
      }
      return 'a scale or concentration reached 0 or the value sits on the edge of the support; give scales a floor (softplus(s) + 1e-3) and keep values inside the support';
    case 'none-found':
      return `every site is finite on a fresh draw from the same parameters, so the step itself overshot: try a smaller \`lr\` (now ${lr}), more \`particles\`, or a baseline for score-function sites`;
  }
}
