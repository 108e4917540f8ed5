// Automatic guide sites (`w ~ auto`, written or implicit) become ordinary sites: the family of
// the latent's support (runtime/auto-guide.ts) over generated learnables. A global latent's
// arguments are parameters of the latent's shape; a local latent's are the heads of a generated
// net reading the data point: every data variable, flattened and joined, -> AUTO_GUIDE_HIDDEN
// relu units -> one head per argument.
import type { CheckedProgram, LatentInfo } from '../checked.js';
import type { Support } from '../../runtime/support.js';
import type { Plate } from '../../runtime/effects/messages.js';
import {
  AUTO_CONCENTRATION_SCALE,
  AUTO_GUIDE_HIDDEN,
  AUTO_INIT_RADIUS,
  autoConcentrationName,
  autoGuideFor,
  autoMeanName,
  autoNetName,
  autoParamName,
  autoParamShape,
  concentrationGuideFor,
  type AutoGuide,
  type ConcentrationGuide,
} from '../../runtime/auto-guide.js';
import { foldNumber } from './expressions.js';
import { EVENT_AXIS } from '../../runtime/event-axis.js';
import { shapeSize } from '../../runtime/data/dataset.js';
import type { LExpr, LoweredArg, LoweredLatent, LoweredNet, LoweredParam, LoweredProgram } from './program.js';

export function autoFamily(latent: { name: string; support: Support }): AutoGuide {
  const auto = autoGuideFor(latent.support);
  if (!auto) throw new Error(`internal: no automatic guide for ${latent.name}`);
  return auto;
}

/** What decides a latent's automatic guide: its support, plate and the family of its prior. */
export interface AutoGuidedLatent {
  name: string;
  support: Support;
  plate: Plate;
  /** The distribution family of its prior (`Beta`, `Gamma`, ...). */
  prior: string;
}

/** The family of a latent's automatic guide: a mean-concentration Beta or Gamma for some globals, else its support's. */
export function autoDistribution(latent: AutoGuidedLatent): string {
  const concentration = latent.plate === 'global' ? concentrationGuideFor(latent.support, latent.prior) : undefined;
  return concentration?.distribution ?? autoFamily(latent).distribution;
}

/** The prior's arguments that are constants, by parameter name. */
function constantPriorArgs(program: CheckedProgram, latent: LatentInfo): Map<string, number> {
  const out = new Map<string, number>();
  const site = program.sites.find((s) => s.stmt === latent.prior);
  if (!site) return out;
  (latent.prior.dist.args ?? []).forEach((a, i) => {
    try {
      out.set(site.argNames[i]!, foldNumber(a.value, program.consts));
    } catch {
      // not a constant: the guide starts at its default
    }
  });
  return out;
}

const param = (name: string): LExpr => ({ kind: 'param', name });
const times = (left: LExpr, right: LExpr): LExpr => ({ kind: 'binary', op: '*', left, right });
const apply = (fn: string, operand: LExpr): LExpr => ({ kind: 'apply', fn, operand });

/** The mean-concentration guide of a global latent (runtime/auto-guide.ts, ConcentrationGuide). */
function lowerConcentrationGuide(latent: LatentInfo, guide: ConcentrationGuide): LoweredAutoGuide {
  const m = autoMeanName(latent.name);
  const k = autoConcentrationName(latent.name);
  const rank = EVENT_AXIS + latent.shape.length;
  // e^(s k): the concentration (Beta) or the shape (Gamma)
  const concentration = apply('exp', times({ kind: 'const', value: AUTO_CONCENTRATION_SCALE }, param(k)));
  const { mean, concentration: c0 } = guide.init;
  const beta = guide.distribution === 'Beta';
  const args: LoweredArg[] = beta
    ? [
        { name: 'concentration1', value: times(apply('sigmoid', param(m)), concentration), rank },
        { name: 'concentration0', value: times(apply('sigmoid', { kind: 'neg', operand: param(m) }), concentration), rank },
      ]
    : [
        { name: 'concentration', value: concentration, rank },
        // e^(s k - m) = shape / mean
        { name: 'rate', value: apply('exp', { kind: 'binary', op: '-', left: times({ kind: 'const', value: AUTO_CONCENTRATION_SCALE }, param(k)), right: param(m) }), rank },
      ];
  const learnable = (name: string, init: number): LoweredParam => ({ name, shape: [...latent.shape], constraint: 'real', init, generated: true });
  return {
    args,
    params: [learnable(m, beta ? Math.log(mean / (1 - mean)) : Math.log(mean)), learnable(k, Math.log(c0) / AUTO_CONCENTRATION_SCALE)],
    nets: [],
  };
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
    const concentration = concentrationGuideFor(latent.support, latent.prior.dist.name.name, constantPriorArgs(program, latent));
    if (concentration) return lowerConcentrationGuide(latent, concentration);
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
        layers: [joinedDataSize(program.data), AUTO_GUIDE_HIDDEN],
        activation: 'relu',
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
  const concentration = latent.plate === 'global' ? concentrationGuideFor(latent.support, latent.prior) : undefined;
  const family = concentration
    ? `${concentration.distribution}(${concentration.distribution === 'Beta' ? 'concentration1, concentration0' : 'concentration, rate'}) in mean-concentration form`
    : `${auto.distribution}(${auto.params.map((p) => p.arg).join(', ')})`;
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
