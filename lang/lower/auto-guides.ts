// Automatic guide sites (`w ~ auto`, written or implicit) become ordinary sites: the family of
// the latent's support (runtime/auto-guide.ts) over generated learnables. A global latent's
// arguments are parameters of the latent's shape; a local latent's are the heads of a generated
// net reading the data point: every data variable, flattened and joined, -> AUTO_GUIDE_HIDDEN
// relu units -> one head per argument.
import type { CheckedProgram, LatentInfo } from '../checked.js';
import type { Support } from '../../runtime/support.js';
import { AUTO_GUIDE_HIDDEN, AUTO_INIT_RADIUS, autoGuideFor, autoNetName, autoParamName, autoParamShape, type AutoGuide } from '../../runtime/auto-guide.js';
import { EVENT_AXIS } from '../../runtime/event-axis.js';
import { shapeSize } from '../../runtime/data/dataset.js';
import type { MlpNetSpec } from '../nets/mlp.js';
import type { LoweredArg, LoweredLatent, LoweredNet, LoweredParam, LoweredProgram } from './program.js';

export function autoFamily(latent: { name: string; support: Support }): AutoGuide {
  const auto = autoGuideFor(latent.support);
  if (!auto) throw new Error(`internal: no automatic guide for ${latent.name}`);
  return auto;
}

/** The size of a data point's joined input: the data's event sizes summed. */
export function joinedDataSize(data: readonly { shape: readonly number[] }[]): number {
  return data.reduce((n, d) => n + shapeSize(d.shape), 0);
}

export interface LoweredAutoGuide {
  args: LoweredArg[];
  params: LoweredParam[];
  nets: LoweredNet[];
}

export function lowerAutoGuide(program: CheckedProgram, latent: LatentInfo): LoweredAutoGuide {
  const auto = autoFamily(latent);
  if (latent.plate === 'global') {
    return {
      args: auto.params.map((p) => ({
        name: p.arg,
        value: { kind: 'param', name: autoParamName(latent.name, p.arg) },
        rank: EVENT_AXIS + autoParamShape(p, latent.shape).length,
      })),
      params: auto.params.map((p) => ({
        name: autoParamName(latent.name, p.arg),
        shape: autoParamShape(p, latent.shape),
        constraint: p.constraint,
        init: p.init,
        ...(p.jitter ? { jitter: AUTO_INIT_RADIUS, initStream: `auto/${latent.name}.${p.arg}` } : {}),
        generated: true,
      })),
      nets: [],
    };
  }
  const net = autoNetName(latent.name);
  const input = { kind: 'joinData', names: program.data.map((d) => d.name) } as const;
  return {
    args: auto.params.map((p) => ({
      name: p.arg,
      value: { kind: 'reshapeEvent', operand: { kind: 'field', object: { kind: 'net', net, input }, field: p.arg }, shape: autoParamShape(p, latent.shape) },
      rank: EVENT_AXIS + autoParamShape(p, latent.shape).length,
    })),
    params: [],
    nets: [
      {
        name: net,
        family: 'mlp',
        spec: { layers: [joinedDataSize(program.data), AUTO_GUIDE_HIDDEN], activation: 'relu' } satisfies MlpNetSpec,
        heads: auto.params.map((p) => ({ name: p.arg, size: shapeSize(autoParamShape(p, latent.shape)), constraint: p.constraint })),
        initStream: `auto/${net}`,
        generated: true,
      },
    ],
  };
}

/**
 * 'auto Normal(loc, scale) from its own parameters' or 'auto Categorical(logits) from net
 * auto.c: mlp(794 -> 200, relu) -> {logits: 10} on x, y', with '(implicit)' when the user wrote
 * no guide site.
 */
export function describeAutoGuide(program: LoweredProgram, latent: LoweredLatent): string {
  const auto = autoFamily(latent);
  const family = `${auto.distribution}(${auto.params.map((p) => p.arg).join(', ')})`;
  const source =
    latent.plate === 'global'
      ? 'its own parameters'
      : `net ${autoNetName(latent.name)}: mlp(${joinedDataSize(program.data)} -> ${AUTO_GUIDE_HIDDEN}, relu) -> {${auto.params.map((p) => `${p.arg}: ${shapeSize(autoParamShape(p, latent.shape))}`).join(', ')}} on ${program.data.map((d) => d.name).join(', ')}`;
  return `auto ${family} from ${source}${latent.guideSource === 'implicit' ? ' (implicit)' : ''}`;
}

/**
 * For a training run's header: 'z (amortized by net auto.z), w (own parameters); implicit (not
 * in the guide block): z', or undefined without automatic guides.
 */
export function listAutoGuides(program: LoweredProgram): string | undefined {
  const autos = program.latents.filter((l) => l.guideSource === 'auto' || l.guideSource === 'implicit');
  if (autos.length === 0) return undefined;
  const list = autos.map((l) => `${l.name} (${l.plate === 'global' ? 'own parameters' : `amortized by net ${autoNetName(l.name)}`})`).join(', ');
  const implicit = autos.filter((l) => l.guideSource === 'implicit').map((l) => l.name);
  return implicit.length ? `${list}; implicit (not in the guide block): ${implicit.join(', ')}` : list;
}
