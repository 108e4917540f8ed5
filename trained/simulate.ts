// Synthetic data from a model's generative process (`ppl simulate`): global latents drawn once
// from their priors, then per data point the local latents from their priors and every modelled
// data variable from its likelihood (the model with nothing replayed and no data observed), with
// the params at their current values (declared inits, or a checkpoint's). Inputs (data never
// `~`-ed, e.g. regression covariates) are not part of the generative process: they are given,
// or drawn standard normal. The result writes as CSV under the csv: naming convention (so
// `ppl train FILE --data csv:OUT` reads it back) or, for binary 784-pixel images, as IDX.
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { onMinibatch } from '../inference/run.js';
import type { LoweredData, LoweredProgram } from '../lang/lower/program.js';
import { UserError } from '../runtime/errors.js';
import type { Rng } from '../runtime/random.js';
import { describeSupport, isDiscrete } from '../runtime/support.js';
import { declColumns, formatFloat32, formatShape, idxImagesFile } from '../runtime/data/index.js';
import type { PointValues } from './generate.js';
import { inputData, modelledData, valuesPerPoint } from './observed.js';
import { runModelWith, type FixedValue, type GlobalValues } from './replay.js';

export interface SimulateOptions {
  /**
   * Values of the model's inputs (data never `~`-ed in the model), row-major [n, ...shape] each.
   * An input not given is drawn standard normal when its domain is real, else it is an error.
   */
  inputs?: ReadonlyMap<string, Float32Array>;
  /** Data points per model run (default: about a million values per run). */
  chunk?: number;
  /**
   * Hold the global latents at these values (e.g. their guide means, globalGuideMeans) instead of
   * drawing them from their priors.
   */
  globals?: GlobalValues;
}

export interface Simulated {
  n: number;
  /** Every data declaration in declaration order, row-major [n, ...shape]. */
  data: Map<string, PointValues>;
  /** The global latents' values shared by all n points: one draw from their priors, or the given ones. */
  globals: Map<string, FixedValue>;
  /** The inputs that were drawn standard normal because none were given. */
  drawnInputs: string[];
}

/** A standard normal draw per entry (Box-Muller on the seeded Rng). */
function standardNormal(count: number, rng: Rng): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.uniform()));
    const t = 2 * Math.PI * rng.uniform();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

function prepareInputs(lowered: LoweredProgram, n: number, rng: Rng, given: ReadonlyMap<string, Float32Array> | undefined): { values: Map<string, Float32Array>; drawn: string[] } {
  const values = new Map<string, Float32Array>();
  const drawn: string[] = [];
  for (const d of inputData(lowered)) {
    const per = valuesPerPoint(d.shape);
    const v = given?.get(d.name);
    if (v) {
      if (v.length !== n * per) throw new UserError(`input data ${d.name}: ${v.length} values given, expected ${n} points x ${per} = ${n * per}`);
      values.set(d.name, v);
    } else if (d.support.kind === 'real') {
      values.set(d.name, standardNormal(n * per, rng.derive(`input/${d.name}`)));
      drawn.push(d.name);
    } else {
      throw new UserError(
        `${lowered.file}: data ${d.name} : ${describeSupport(d.support)} is an input (never ~-ed in the model), so the model cannot simulate it, ` +
          `and only real inputs are drawn standard normal; give its values as \`inputs\``,
      );
    }
  }
  return { values, drawn };
}

/**
 * n synthetic data points from the model's generative process, reproducible from `rng`. Models
 * that sum a latent out as a joint table (@enumerate) are not supported: their model block never
 * draws it. A Markov chain summed out by the forward algorithm is drawn step by step here.
 */
export function simulate(program: CompiledProgram, n: number, rng: Rng, opts: SimulateOptions = {}): Simulated {
  const lowered = program.lowered;
  if (!Number.isInteger(n) || n < 1) throw new UserError(`the number of points to simulate must be a positive integer, got ${n}`);
  const enumerated = lowered.latents.filter((l) => l.enumerated && !l.chain).map((l) => l.name);
  if (enumerated.length) {
    throw new UserError(`${lowered.file}: cannot simulate a model that sums latents out (@enumerate on ${enumerated.join(', ')}): its model block does not draw them`);
  }
  const { values: inputs, drawn } = prepareInputs(lowered, n, rng, opts.inputs);
  const modelled = modelledData(lowered);
  const widest = Math.max(1, ...lowered.data.map((d) => valuesPerPoint(d.shape)), ...lowered.latents.map((l) => valuesPerPoint(l.shape)));
  const chunk = Math.min(n, opts.chunk ?? Math.max(1, Math.floor(2 ** 20 / widest)));
  const out = new Map<string, Float32Array>(modelled.map((d) => [d.name, new Float32Array(n * valuesPerPoint(d.shape))]));
  const globals = new Map<string, FixedValue>(opts.globals ?? []);
  const sampleRng = rng.derive('model');
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    tf.tidy(() => {
      const data = new Map<string, Tensor>();
      for (const d of inputData(lowered)) {
        const per = valuesPerPoint(d.shape);
        data.set(d.name, tf.tensor(inputs.get(d.name)!.subarray(start * per, (start + m) * per), [1, m, ...d.shape], 'float32'));
      }
      // The first run draws the globals from their priors; later runs replay that one draw.
      const trace = runModelWith(program, data, onMinibatch({ data, size: m }, { particles: 1, rng: sampleRng }), new Map(), globals, 'sample', false);
      if (start === 0 && !opts.globals) {
        for (const site of trace.latents()) {
          if (site.plate !== 'global') continue;
          const shape = site.value.shape.slice(2);
          globals.set(site.name, { shape, values: new Float32Array(tf.reshape(site.value, shape).dataSync()) });
        }
      }
      for (const d of modelled) {
        const value = trace.wholeValue(d.name);
        if (!value) throw new Error(`internal: the model did not draw data ${d.name}`);
        const per = valuesPerPoint(d.shape);
        const v = tf.broadcastTo(value, [1, m, ...d.shape]).dataSync();
        out.get(d.name)!.set(v, start * per);
      }
    });
  }
  const result = new Map<string, PointValues>();
  for (const d of lowered.data) {
    const values = out.get(d.name) ?? inputs.get(d.name)!;
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new UserError(`${lowered.file}: simulated data ${d.name} is ${values[bad]} at point ${Math.floor(bad / valuesPerPoint(d.shape))}: check the model's parameters`);
    }
    result.set(d.name, { shape: [...d.shape], values });
  }
  return { n, data: result, globals, drawnInputs: drawn };
}

/** The CSV of a simulation: one column per scalar (`x`, or `X_0 .. X_{n-1}` row-major), one row per point. */
export function simulatedCsv(lowered: LoweredProgram, sim: Simulated): string {
  const decls = lowered.data;
  const header = decls.flatMap((d) => declColumns(d.name, d.shape));
  const columns = decls.map((d) => ({ values: sim.data.get(d.name)!.values, per: valuesPerPoint(d.shape), integer: isDiscrete(d.support) }));
  const lines: string[] = [header.join(',')];
  for (let i = 0; i < sim.n; i++) {
    const row: string[] = [];
    for (const c of columns) {
      for (let j = 0; j < c.per; j++) {
        const v = c.values[i * c.per + j]!;
        row.push(c.integer ? String(Math.round(v)) : formatFloat32(v));
      }
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The one data declaration written as IDX images: binary, 784 values per point; undefined when the program has another shape of data. */
export function idxImageData(lowered: LoweredProgram): LoweredData | undefined {
  if (lowered.data.length !== 1) return undefined;
  const d = lowered.data[0]!;
  return d.support.kind === 'binary' && valuesPerPoint(d.shape) === 784 ? d : undefined;
}

/** An IDX image file (28 x 28, pixel 0 or 255) of the simulated binary images. */
export function simulatedIdx(lowered: LoweredProgram, sim: Simulated): Uint8Array {
  const d = idxImageData(lowered);
  if (!d) {
    throw new UserError(
      `${lowered.file}: IDX output holds one binary[784] data declaration; this program has ${lowered.data.map((x) => `data ${x.name} : ${describeSupport(x.support)} ${formatShape(x.shape)}`).join(', ')}: write CSV`,
    );
  }
  const values = sim.data.get(d.name)!.values;
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) pixels[i] = values[i]! >= 0.5 ? 255 : 0;
  return idxImagesFile(pixels, sim.n, 28, 28);
}
