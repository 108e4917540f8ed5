// The generative direction: ancestral sampling from a trained model, and decoding given codes
// to the likelihood's mean (or a draw from it).
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { UserError } from '../runtime/errors.js';
import type { Rng } from '../runtime/random.js';
import type { Trace, TraceSite } from '../runtime/trace.js';
import { stackEvent } from '../runtime/functions.js';
import { inputData } from './observed.js';
import { runModelWith, type GlobalValues, type OtherLatents } from './replay.js';
import { plate, seed } from '../runtime/effects/handlers.js';
import type { Handler } from '../runtime/effects/messages.js';

/** 'mean': the likelihood's mean E[x | z]; 'sample': a draw x ~ p(x | z). */
export type DecodeMode = 'mean' | 'sample';

/** Per-point values of one variable, row-major [n, ...shape]. */
export interface PointValues {
  shape: number[];
  values: Float32Array;
}

export interface Generated {
  /** Every modelled data variable. */
  data: Map<string, PointValues>;
  /** Every local latent as drawn (or fixed). */
  latents: Map<string, PointValues>;
}

export interface GenerateOptions {
  mode: DecodeMode;
  /** Global latents held at these values (their guide means). */
  globals: GlobalValues;
  /** Values [1, n, ...shape] of data the model reads but does not generate, if it has any. */
  inputs?: ReadonlyMap<string, Tensor>;
}

function read(t: Tensor, rows: number, shape: readonly number[]): PointValues {
  const v = tf.broadcastTo(t, [1, rows, ...shape]);
  return { shape: [...shape], values: new Float32Array(v.dataSync()) };
}

/** A site's value, or its likelihood's mean, with the site's own value shape. */
function valueOf(site: TraceSite, mode: DecodeMode): Tensor {
  return site.kind === 'data' && mode === 'mean' ? tf.broadcastTo(site.dist.mean(), site.value.shape) : site.value;
}

function collect(trace: Trace, rows: number, mode: DecodeMode): Generated {
  const data = new Map<string, PointValues>();
  const latents = new Map<string, PointValues>();
  // A value drawn element by element (z[0], z[1], ...) is reported whole, its elements stacked.
  const elements = new Map<string, TraceSite[]>();
  const add = (name: string, kind: TraceSite['kind'], plate: TraceSite['plate'], value: Tensor): void => {
    const shape = value.shape.slice(2);
    if (kind === 'data') data.set(name, read(value, rows, shape));
    else if (plate === 'local') latents.set(name, read(value, rows, shape));
  };
  for (const site of trace.sites.values()) {
    if (site.element) elements.set(site.element.of, [...(elements.get(site.element.of) ?? []), site]);
    else if (!site.name.startsWith('factor@')) add(site.name, site.kind, site.plate, valueOf(site, mode));
  }
  for (const [name, sites] of elements) {
    const parts = [...sites].sort((a, b) => a.element!.at - b.element!.at).map((s) => valueOf(s, mode));
    add(name, sites[0]!.kind, sites[0]!.plate, stackEvent(parts));
  }
  return { data, latents };
}

function checkInputs(program: CompiledProgram, inputs: ReadonlyMap<string, Tensor> | undefined, what: string): void {
  const missing = inputData(program.lowered).filter((d) => !inputs?.has(d.name));
  if (missing.length) {
    throw new UserError(
      `${program.lowered.file}: ${what}: the model reads ${missing.map((d) => `data ${d.name}`).join(', ')} as input without generating it, so it cannot be sampled unconditionally`,
    );
  }
}

/** One draw per point for n points. */
function ancestral(n: number, rng: Rng): Handler[] {
  return [seed(rng), plate(1, n)];
}

/**
 * n draws from the generative model by ancestral sampling: local latents from their priors
 * (globals at `globals`), then each data variable's likelihood mean or a draw from it.
 */
export function sampleModel(program: CompiledProgram, n: number, rng: Rng, opts: GenerateOptions): Generated {
  checkInputs(program, opts.inputs, 'sample');
  let out: Generated | undefined;
  tf.tidy(() => {
    const trace = runModelWith(program, new Map(opts.inputs ?? []), ancestral(n, rng), new Map(), opts.globals, 'sample', false);
    out = collect(trace, n, opts.mode);
  });
  return out!;
}

/**
 * Decode n given codes: the local latents in `latents` are held at their values, the others
 * at their prior means ('prior-mean', default) or drawn ('sample'); returns the data
 * variables' likelihood means (or draws) and the latents used.
 */
export function decodeLatents(
  program: CompiledProgram,
  latents: ReadonlyMap<string, PointValues>,
  n: number,
  rng: Rng,
  opts: GenerateOptions & { others?: OtherLatents },
): Generated {
  checkInputs(program, opts.inputs, 'decode');
  let out: Generated | undefined;
  tf.tidy(() => {
    const fixed = new Map<string, Tensor>();
    for (const [name, v] of latents) fixed.set(name, tf.tensor(v.values, [1, n, ...v.shape], 'float32'));
    const trace = runModelWith(program, new Map(opts.inputs ?? []), ancestral(n, rng), fixed, opts.globals, opts.others ?? 'prior-mean');
    out = collect(trace, n, opts.mode);
  });
  return out!;
}
