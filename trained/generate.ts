// The generative direction: ancestral sampling from a trained model, and decoding given codes
// to the likelihood's mean (or a draw from it).
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { UserError } from '../runtime/errors.js';
import type { Rng } from '../runtime/random.js';
import type { Trace } from '../runtime/trace.js';
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

function collect(trace: Trace, rows: number, mode: DecodeMode): Generated {
  const data = new Map<string, PointValues>();
  const latents = new Map<string, PointValues>();
  for (const site of trace.sites.values()) {
    const shape = site.value.shape.slice(2);
    if (site.kind === 'data') data.set(site.name, read(mode === 'mean' ? site.dist.mean() : site.value, rows, shape));
    else if (site.plate === 'local') latents.set(site.name, read(site.value, rows, shape));
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
    const trace = runModelWith(program, new Map(opts.inputs ?? []), ancestral(n, rng), new Map(), opts.globals, 'sample');
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
