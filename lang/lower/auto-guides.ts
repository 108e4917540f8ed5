// Automatic guide sites (`w ~ auto`, written or implicit) become ordinary sites: the family of
// the latent's support (runtime/auto-guide.ts) over generated learnables. A global latent's
// arguments are parameters of the latent's shape; a local latent's are the heads of a generated
// net reading the data point: every data variable, flattened and joined, -> AUTO_GUIDE_HIDDEN
// relu units -> one head per argument.
import type { CheckedProgram, LatentInfo } from '../checked.js';
import type { SampleStmt } from '../ast.js';
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
import type { MlpNetSpec } from '../nets/mlp.js';
import type { LExpr, LoweredArg, LoweredLatent, LoweredNet, LoweredParam, LoweredProgram, LoweredSite, LoweredStmt } from './program.js';
import { FULLRANK_SITE, IAF_DEFAULT_FLOWS, iafHidden } from '../../runtime/auto-guide-options.js';
import { distributionSpec } from '../builtins.js';

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
  if (guide.distribution === 'Dirichlet') return lowerDirichletGuide(latent, guide);
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

/**
 * Dirichlet(softmax(m) e^(s k)) over the last axis: m has the latent's shape (log-means up to a
 * constant), k one value per point (the last axis 1). The softmax's sum is a product with a
 * matrix of ones, which keeps the class axis for broadcasting at any rank.
 */
function lowerDirichletGuide(latent: LatentInfo, guide: ConcentrationGuide): LoweredAutoGuide {
  const m = autoMeanName(latent.name);
  const k = autoConcentrationName(latent.name);
  const classes = latent.shape[latent.shape.length - 1]!;
  const expM = apply('exp', param(m));
  const sums: LExpr = { kind: 'matmul', left: expM, right: { kind: 'tensor', shape: [classes, classes], values: new Array<number>(classes * classes).fill(1) } };
  const concentration = apply('exp', times({ kind: 'const', value: AUTO_CONCENTRATION_SCALE }, param(k)));
  const c0 = Number.isNaN(guide.init.concentration) ? classes : guide.init.concentration * classes;
  return {
    args: [{ name: 'concentration', value: times({ kind: 'binary', op: '/', left: expM, right: sums }, concentration), rank: EVENT_AXIS + latent.shape.length }],
    params: [
      { name: m, shape: [...latent.shape], constraint: 'real', init: 0, generated: true },
      { name: k, shape: [...latent.shape.slice(0, -1), 1], constraint: 'real', init: Math.log(c0) / AUTO_CONCENTRATION_SCALE, generated: true },
    ],
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

/** The constant arguments of an automatic guide (an interval's bounds), broadcasting over the latent. */
function constantArgs(auto: AutoGuide, latent: LatentInfo): LoweredArg[] {
  return (auto.constants ?? []).map((c) => ({ name: c.arg, value: { kind: 'const', value: c.value }, rank: EVENT_AXIS + latent.shape.length }));
}

export function lowerAutoGuide(program: CheckedProgram, latent: LatentInfo): LoweredAutoGuide {
  const auto = autoFamily(latent);
  if (latent.plate === 'global') {
    const concentration = concentrationGuideFor(latent.support, latent.prior.dist.name.name, constantPriorArgs(program, latent));
    if (concentration) return lowerConcentrationGuide(latent, concentration);
    return {
      args: [
        ...auto.params.map((p): LoweredArg => ({
          name: p.arg,
          value: { kind: 'param', name: autoParamName(latent.name, p.arg) },
          rank: EVENT_AXIS + autoParamShape(p, latent.shape).length,
        })),
        ...constantArgs(auto, latent),
      ],
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
    args: [
      ...auto.params.map((p): LoweredArg => ({
        name: p.arg,
        value: { kind: 'reshapeEvent', operand: { kind: 'field', object: { kind: 'net', net, input }, field: p.arg }, shape: autoParamShape(p, latent.shape) },
        rank: EVENT_AXIS + autoParamShape(p, latent.shape).length,
      })),
      ...constantArgs(auto, latent),
    ],
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
  if (latent.autoOption === 'fullrank') {
    const joint = program.latents.filter((l) => l.autoOption === 'fullrank');
    const d = joint.reduce((n, l) => n + shapeSize(l.shape), 0);
    return `auto full-rank Normal over ${joint.map((l) => l.name).join(', ')} (${d} unconstrained dimensions, jointly) from its own parameters`;
  }
  if (latent.autoOption === 'iaf') {
    const d = shapeSize(latent.shape);
    const steps = new Set(program.params.filter((p) => p.name.startsWith(`${autoNetName(latent.name)}.iaf`)).map((p) => p.name.split('.')[2])).size;
    return `auto Normal(loc, scale) from net ${autoNetName(latent.name)}: mlp(${joinedDataSize(program.data)} -> ${AUTO_GUIDE_HIDDEN}, relu) -> {loc: ${d}, scale: ${d}, context: ${iafHidden(d)}} on ${program.data.map((x) => x.name).join(', ')}, then ${steps} inverse autoregressive flow steps (MADE, ${iafHidden(d)} hidden units)`;
  }
  const concentration = latent.plate === 'global' ? concentrationGuideFor(latent.support, latent.prior) : undefined;
  const family = concentration
    ? `${concentration.distribution}(${concentration.distribution === 'Beta' ? 'concentration1, concentration0' : concentration.distribution === 'Gamma' ? 'concentration, rate' : 'concentration'}) in mean-concentration form`
    : `${auto.distribution}(${[...auto.params.map((p) => p.arg), ...(auto.constants ?? []).map((c) => `${c.arg} = ${c.value}`)].join(', ')})`;
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

/** The option of a written `~ auto(...)` site (`fullrank`), or undefined for a bare `auto`. */
export function autoOption(stmt: SampleStmt): string | undefined {
  const v = stmt.dist.autoOptions?.[0]?.value;
  return v?.kind === 'ident' ? v.name : undefined;
}

export interface LoweredFullRank {
  params: LoweredParam[];
  /** The joint draw and its correlated values, at the start of the guide. */
  prelude: LoweredStmt[];
  /** Each latent's Delta arguments: its part of the joint value, transformed, and minus the log-Jacobian. */
  args: Map<string, LoweredArg[]>;
}

/**
 * The full-rank guide of `latents` (global, real, positive or unit), as Pyro's
 * AutoMultivariateNormal: a = loc + scale * eps is one diagonal Normal site of the D unconstrained
 * values, u = a + T (a - loc) with T strictly lower triangular (learned) correlates them, so u is
 * Normal(loc, L L^T) with L = (I + T) diag(scale), any lower-triangular factor with a positive
 * diagonal. u -> a has unit Jacobian, so the site's log q(a) is log q(u). Each latent takes its
 * slice of u through exp (positive) or sigmoid (unit) as a Delta site whose log-density is minus
 * that transform's log-Jacobian: the guide's log q sums to the exact log-density of the latents.
 * T starts at 0: the start is the mean-field guide's.
 */
export function lowerFullRank(latents: readonly LatentInfo[]): LoweredFullRank {
  const sizes = latents.map((l) => shapeSize(l.shape));
  const d = sizes.reduce((a, b) => a + b, 0);
  const loc = `${FULLRANK_SITE}.loc`;
  const scale = `${FULLRANK_SITE}.scale`;
  const tril = `${FULLRANK_SITE}.tril`;
  const joint = `${FULLRANK_SITE}.u`;
  const mask: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) mask.push(j < i ? 1 : 0);
  const normal = distributionSpec('Normal');
  if (!normal) throw new Error('internal: no Normal distribution');
  const rule = { reparameterizable: true };
  const site: LoweredSite = {
    kind: 'sample',
    name: FULLRANK_SITE,
    block: 'guide',
    target: 'latent',
    plate: 'global',
    shape: [d],
    dist: normal,
    args: [
      { name: 'loc', value: param(loc), rank: EVENT_AXIS + 1 },
      { name: 'scale', value: param(scale), rank: EVENT_AXIS + 1 },
    ],
    estimator: 'reparam',
    rule,
    enumerated: false,
  };
  const a: LExpr = { kind: 'ref', name: FULLRANK_SITE };
  const correlated: LExpr = {
    kind: 'binary',
    op: '+',
    left: a,
    right: { kind: 'matmul', left: times(param(tril), { kind: 'tensor', shape: [d, d], values: mask }), right: { kind: 'binary', op: '-', left: a, right: param(loc) } },
  };
  const args = new Map<string, LoweredArg[]>();
  let offset = 0;
  latents.forEach((l, k) => {
    const part: LExpr = { kind: 'reshapeEvent', operand: { kind: 'index', object: { kind: 'ref', name: joint }, parts: [{ kind: 'slice', start: offset, end: offset + sizes[k]! }] }, shape: [...l.shape] };
    offset += sizes[k]!;
    const sum = (operand: LExpr): LExpr => ({ kind: 'reduce', op: 'sum', operand });
    let value: LExpr = part;
    let logDensity: LExpr = { kind: 'const', value: 0 };
    if (l.support.kind === 'positive') {
      value = apply('exp', part);
      logDensity = { kind: 'neg', operand: sum(part) };
    } else if (l.support.kind === 'unit') {
      value = apply('sigmoid', part);
      // -log(sigmoid(u) sigmoid(-u)) = softplus(-u) + softplus(u)
      logDensity = sum({ kind: 'binary', op: '+', left: apply('softplus', part), right: apply('softplus', { kind: 'neg', operand: part }) });
    }
    args.set(l.name, [
      { name: 'value', value, rank: EVENT_AXIS + l.shape.length },
      { name: 'log_density', value: logDensity, rank: EVENT_AXIS },
    ]);
  });
  return {
    params: [
      { name: loc, shape: [d], constraint: 'real', init: 0, jitter: AUTO_INIT_RADIUS, initStream: `auto/${loc}`, generated: true },
      { name: scale, shape: [d], constraint: 'positive', init: 0.1, generated: true },
      { name: tril, shape: [d, d], constraint: 'real', init: 0, generated: true },
    ],
    prelude: [site, { kind: 'let', name: joint, value: correlated }],
    args,
  };
}

export interface LoweredFlowGuide {
  params: LoweredParam[];
  nets: LoweredNet[];
  /** The base draw and the flow steps, just before the latent's site. */
  prelude: LoweredStmt[];
  /** The latent's Delta arguments: the last step's value and the log-determinants. */
  args: LoweredArg[];
}

/** The number of flow steps of a written `auto(iaf, flows = K)` (the checker checked it). */
export function autoFlows(stmt: SampleStmt, consts: ReadonlyMap<string, number>): number {
  const option = stmt.dist.autoOptions?.find((a) => a.name?.name === 'flows');
  return option ? foldNumber(option.value, consts) : IAF_DEFAULT_FLOWS;
}

/**
 * `z ~ auto(iaf, flows = K)` for a local real latent of D values (Kingma et al. 2016): the
 * generated encoder (as for `auto`, plus a context head h of H values) gives a diagonal Normal
 * site `auto.z.base`; each of the K steps is a masked autoencoder (MADE, Germain et al. 2015)
 * with one hidden layer of H relu units reading the previous value and h, whose outputs m and s
 * for element d depend only on the elements before d in the step's order (the order reverses
 * from step to step), and z' = sigmoid(s) z + (1 - sigmoid(s)) m, Kingma's numerically stable
 * update. Its Jacobian is triangular with log-determinant sum log sigmoid(s), so the latent's
 * Delta site carries sum softplus(-s) over the steps: the base site's log q plus it is the exact
 * log q(z). The steps start near the identity (small output weights, s's bias 2).
 */
export function lowerIafGuide(program: CheckedProgram, latent: LatentInfo, flows: number): LoweredFlowGuide {
  const d = shapeSize(latent.shape);
  const h = iafHidden(d);
  const net = autoNetName(latent.name);
  const q = `${net}.q`;
  const base = `${net}.base`;
  const input = { kind: 'joinData', names: program.data.map((x) => x.name) } as const;
  const field = (f: string): LExpr => ({ kind: 'field', object: { kind: 'ref', name: q }, field: f });
  const normal = distributionSpec('Normal');
  if (!normal) throw new Error('internal: no Normal distribution');
  const prelude: LoweredStmt[] = [
    { kind: 'let', name: q, value: { kind: 'net', net, input } },
    {
      kind: 'sample',
      name: base,
      block: 'guide',
      target: 'latent',
      plate: 'local',
      shape: [d],
      dist: normal,
      args: [
        { name: 'loc', value: field('loc'), rank: EVENT_AXIS + 1 },
        { name: 'scale', value: field('scale'), rank: EVENT_AXIS + 1 },
      ],
      estimator: 'reparam',
      rule: { reparameterizable: true },
      enumerated: false,
    },
  ];
  const params: LoweredParam[] = [];
  const learnable = (name: string, shape: number[], init: number, sd?: number): LExpr => {
    params.push({ name, shape, constraint: 'real', init, ...(sd ? { initRandom: { dist: 'normal' as const, a: 0, b: sd }, initStream: `auto/${name}` } : {}), generated: true });
    return param(name);
  };
  const masked = (w: LExpr, shape: [number, number], values: number[]): LExpr => times(w, { kind: 'tensor', shape, values });
  const plus = (left: LExpr, right: LExpr): LExpr => ({ kind: 'binary', op: '+', left, right });
  let previous: LExpr = { kind: 'ref', name: base };
  let logDet: LExpr | undefined;
  const hiddenDegree = (j: number): number => (j % Math.max(1, d - 1)) + 1;
  for (let k = 0; k < flows; k++) {
    const step = `${net}.iaf${k}`;
    // element i's place in this step's order: 1..D, reversed on odd steps
    const degree = (i: number): number => (k % 2 === 0 ? i + 1 : d - i);
    const inMask: number[] = [];
    for (let i = 0; i < d; i++) for (let j = 0; j < h; j++) inMask.push(hiddenDegree(j) >= degree(i) ? 1 : 0);
    const outMask: number[] = [];
    for (let j = 0; j < h; j++) for (let i = 0; i < d; i++) outMask.push(degree(i) > hiddenDegree(j) ? 1 : 0);
    const hidden: LExpr = apply(
      'relu',
      plus(
        plus({ kind: 'linear', input: previous, weight: masked(learnable(`${step}.w`, [d, h], 0, 1 / Math.sqrt(d)), [d, h], inMask) }, { kind: 'linear', input: field('context'), weight: learnable(`${step}.c`, [h, h], 0, 1 / Math.sqrt(h)) }),
        learnable(`${step}.b`, [h], 0),
      ),
    );
    const hiddenName = `${step}.h`;
    prelude.push({ kind: 'let', name: hiddenName, value: hidden });
    const out = (name: string, bias: number): LExpr =>
      plus({ kind: 'linear', input: { kind: 'ref', name: hiddenName }, weight: masked(learnable(`${step}.${name}`, [h, d], 0, 0.01), [h, d], outMask) }, learnable(`${step}.${name}_bias`, [d], bias));
    const sName = `${step}.s`;
    prelude.push({ kind: 'let', name: sName, value: out('s', 2) });
    const gate = apply('sigmoid', { kind: 'ref', name: sName });
    const next: LExpr = plus(times(gate, previous), times({ kind: 'binary', op: '-', left: { kind: 'const', value: 1 }, right: gate }, out('m', 0)));
    const zName = `${step}.z`;
    prelude.push({ kind: 'let', name: zName, value: next });
    // -log sigmoid(s) = softplus(-s)
    const term: LExpr = { kind: 'reduce', op: 'sum', operand: apply('softplus', { kind: 'neg', operand: { kind: 'ref', name: sName } }) };
    logDet = logDet ? plus(logDet, term) : term;
    previous = { kind: 'ref', name: zName };
  }
  return {
    params,
    nets: [
      {
        name: net,
        family: 'mlp',
        spec: { layers: [joinedDataSize(program.data), AUTO_GUIDE_HIDDEN], activation: 'relu' } satisfies MlpNetSpec,
        heads: [
          { name: 'loc', size: d, constraint: 'real' },
          { name: 'scale', size: d, constraint: 'positive' },
          { name: 'context', size: h, constraint: 'real' },
        ],
        initStream: `auto/${net}`,
        generated: true,
      },
    ],
    prelude,
    args: [
      { name: 'value', value: { kind: 'reshapeEvent', operand: previous, shape: [...latent.shape] }, rank: EVENT_AXIS + latent.shape.length },
      { name: 'log_density', value: logDet ?? { kind: 'const', value: 0 }, rank: EVENT_AXIS },
    ],
  };
}
