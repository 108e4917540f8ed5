// The learned data manifold (Kingma & Welling 2014, Fig. 4): codes on a regular grid in the
// prior's quantiles, z = Phi^-1(u) with u = (i + 0.5) / G, each decoded to its likelihood mean.
// With more than two latent dimensions two chosen ones vary and the rest stay at the prior mean.
import { tf } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { plate, seed } from '../runtime/effects/handlers.js';
import { OptionError, UserError } from '../runtime/errors.js';
import { Normal } from '../runtime/distributions/index.js';
import type { Rng } from '../runtime/random.js';
import { decodeLatents } from './generate.js';
import { inputData, primaryData, valuesPerPoint } from './observed.js';
import { normalQuantile } from './normal-quantile.js';
import { runModelWith, type GlobalValues } from './replay.js';

export interface ManifoldOptions {
  /** Tiles per side (G). */
  grid: number;
  /** The two latent dimensions that vary (flat indices into the latent's shape). */
  dims: [number, number];
  /** The local latent to vary; default: the model's only local latent. */
  latent?: string;
  globals: GlobalValues;
}

export interface Manifold {
  grid: number;
  latent: string;
  dims: [number, number];
  /** The decoded data variable and its shape. */
  data: string;
  shape: number[];
  /** Values of dims[0] along the columns (left to right) and of dims[1] along the rows (top to bottom, decreasing). */
  columnValues: number[];
  rowValues: number[];
  /** The prior's location and scale of the latent (other dimensions are held at the location). */
  priorLoc: Float32Array;
  priorScale: Float32Array;
  /** G * G decoded points, row-major over tiles: tile (r, c) starts at (r * G + c) * size. */
  values: Float32Array;
}

function chooseLatent(program: CompiledProgram, name: string | undefined): string {
  const locals = program.lowered.latents.filter((l) => l.plate === 'local');
  if (name !== undefined) {
    if (!locals.some((l) => l.name === name)) {
      throw new UserError(`${program.lowered.file}: manifold: no local latent named '${name}' (local latents: ${locals.map((l) => l.name).join(', ') || 'none'})`);
    }
    return name;
  }
  if (locals.length === 1) return locals[0]!.name;
  if (locals.length === 0) throw new UserError(`${program.lowered.file}: manifold: the model has no local latent to vary`);
  throw new UserError(`${program.lowered.file}: manifold: the model has several local latents (${locals.map((l) => l.name).join(', ')}); choose one`);
}

/** The prior of `latent` (others at their prior means): its location and scale, flat. */
function priorOf(program: CompiledProgram, latent: string, globals: GlobalValues, rng: Rng): { loc: Float32Array; scale: Float32Array } {
  let out: { loc: Float32Array; scale: Float32Array } | undefined;
  tf.tidy(() => {
    const trace = runModelWith(program, new Map(), [seed(rng), plate(1, 1)], new Map(), globals, 'prior-mean');
    const site = trace.get(latent);
    if (!site) throw new Error(`internal: no model site for latent '${latent}'`);
    if (!(site.dist instanceof Normal)) {
      throw new UserError(`${program.lowered.file}: manifold: the prior of ${latent} is ${site.dist.spec.name}; the quantile grid needs a Normal prior`);
    }
    const shape = site.value.shape;
    out = {
      loc: new Float32Array(tf.broadcastTo(site.dist.loc, shape).dataSync()),
      scale: new Float32Array(tf.broadcastTo(site.dist.scale, shape).dataSync()),
    };
  });
  return out!;
}

export function latentManifold(program: CompiledProgram, rng: Rng, opts: ManifoldOptions): Manifold {
  const G = opts.grid;
  if (!Number.isInteger(G) || G < 1) throw new OptionError('grid', `must be a positive whole number (got ${G})`);
  const inputs = inputData(program.lowered);
  if (inputs.length) throw new UserError(`${program.lowered.file}: manifold: the model reads ${inputs.map((d) => `data ${d.name}`).join(', ')} as input; a code alone cannot be decoded`);
  const latent = chooseLatent(program, opts.latent);
  const info = program.lowered.latents.find((l) => l.name === latent)!;
  const size = valuesPerPoint(info.shape);
  const [d0, d1] = opts.dims;
  if (size < 2) throw new UserError(`${program.lowered.file}: manifold: latent ${latent} has ${size} dimension; the grid needs two`);
  for (const d of opts.dims) {
    if (!Number.isInteger(d) || d < 0 || d >= size) throw new OptionError('dims', `\`dims\` ${d0},${d1}: latent ${latent} has dimensions 0..${size - 1}`);
  }
  if (d0 === d1) throw new OptionError('dims', `\`dims\` ${d0},${d1}: choose two different dimensions`);
  const data = primaryData(program.lowered, 'manifold');
  const { loc, scale } = priorOf(program, latent, opts.globals, rng);
  const quantiles = Array.from({ length: G }, (_, i) => normalQuantile((i + 0.5) / G));
  const columnValues = quantiles.map((q) => loc[d0]! + scale[d0]! * q);
  const rowValues = quantiles.map((_, r) => loc[d1]! + scale[d1]! * quantiles[G - 1 - r]!);
  const codes = new Float32Array(G * G * size);
  for (let r = 0; r < G; r++) {
    for (let c = 0; c < G; c++) {
      const at = (r * G + c) * size;
      codes.set(loc, at);
      codes[at + d0] = columnValues[c]!;
      codes[at + d1] = rowValues[r]!;
    }
  }
  const decoded = decodeLatents(program, new Map([[latent, { shape: [...info.shape], values: codes }]]), G * G, rng, {
    mode: 'mean',
    globals: opts.globals,
    others: 'prior-mean',
  });
  const values = decoded.data.get(data.name);
  if (!values) throw new Error(`internal: decoding gave no '${data.name}'`);
  return {
    grid: G,
    latent,
    dims: [d0, d1],
    data: data.name,
    shape: [...data.shape],
    columnValues,
    rowValues,
    priorLoc: loc,
    priorScale: scale,
    values: values.values,
  };
}
