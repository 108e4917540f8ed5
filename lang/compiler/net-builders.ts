// The runtime module of each net family of lang/nets/registry.ts, built over the program's
// parameter store with its initial weights drawn from the net's own stream. Kept apart from
// the registry so that the checker never loads TensorFlow.js.
import { Mlp, type MlpHead, type NetModule } from '../../runtime/nets.js';
import { ConvDecoder, ConvEncoder } from '../../runtime/conv-nets.js';
import { Gru } from '../../runtime/gru.js';
import type { ParamStore } from '../../runtime/params.js';
import type { Rng } from '../../runtime/random.js';
import type { MlpNetSpec } from '../nets/mlp.js';
import type { ConvNetSpec, ConvTransposeNetSpec } from '../nets/conv.js';
import type { GruNetSpec } from '../nets/gru.js';

type Builder = (name: string, spec: object, heads: readonly MlpHead[] | undefined, store: ParamStore, rng: Rng) => NetModule;

const withHeads = (heads: readonly MlpHead[] | undefined): { heads?: readonly MlpHead[] } => (heads ? { heads } : {});

export const NET_BUILDERS: ReadonlyMap<string, Builder> = new Map<string, Builder>([
  ['mlp', (name, spec, heads, store, rng) => new Mlp({ name, ...(spec as MlpNetSpec), ...withHeads(heads) }, store, rng)],
  ['conv2d', (name, spec, heads, store, rng) => new ConvEncoder({ name, ...(spec as ConvNetSpec), ...withHeads(heads) }, store, rng)],
  ['conv_transpose2d', (name, spec, _heads, store, rng) => new ConvDecoder({ name, ...(spec as ConvTransposeNetSpec) }, store, rng)],
  ['gru', (name, spec, heads, store, rng) => new Gru({ name, ...(spec as GruNetSpec), ...withHeads(heads) }, store, rng)],
]);

export function buildNet(family: string, name: string, spec: object, heads: readonly MlpHead[] | undefined, store: ParamStore, rng: Rng): NetModule {
  const build = NET_BUILDERS.get(family);
  if (!build) throw new Error(`internal: no builder for net family '${family}'`);
  return build(name, spec, heads, store, rng);
}
