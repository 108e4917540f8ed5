// Reconstruction: x -> the guide's posterior mean of every local latent -> the model's
// likelihood mean E[x | z].
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { Rng } from '../runtime/random.js';
import type { Minibatch } from '../inference/svi.js';
import { encodeBatch } from './encode.js';
import { decodeLatents, type Generated, type PointValues } from './generate.js';
import { modelledData } from './observed.js';
import type { GlobalValues } from './replay.js';

/** The minibatch's reconstructions (likelihood means) and the codes they were decoded from. */
export function reconstructBatch(program: CompiledProgram, batch: Minibatch, rng: Rng, globals: GlobalValues): Generated {
  const codes = new Map<string, PointValues>();
  for (const l of encodeBatch(program, batch, rng)) {
    const centre = l.stats['mean'] ?? l.stats['prob'];
    if (!centre) throw new Error(`internal: no posterior mean of latent '${l.name}'`);
    codes.set(l.name, { shape: l.shape, values: centre });
  }
  const modelled = new Set(modelledData(program.lowered).map((d) => d.name));
  const inputs = new Map([...batch.data].filter(([name]) => !modelled.has(name)));
  return decodeLatents(program, codes, batch.size, rng, { mode: 'mean', globals, inputs });
}
