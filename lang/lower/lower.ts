// Lowering: the checked program becomes the lowered program (program.ts). This is where the
// annotations are read (@score, @reparam, @enumerate, @baseline), where latents the guide block
// does not mention get their automatic guide sites, where automatic guides become ordinary
// sites over generated learnables, and where each site's estimator is decided.
import type { Annotation, SampleStmt, Stmt } from '../ast.js';
import type { CheckedProgram, LatentInfo, ParamInfo, SiteInfo } from '../checked.js';
import { supportValues } from '../../runtime/enumeration.js';
import { distributionSpec } from '../builtins.js';
import { paramEventRank } from '../../runtime/distributions/spec.js';
import { constraintOfSupport } from '../../runtime/constraint-kinds.js';
import { EVENT_AXIS } from '../../runtime/event-axis.js';
import { resolveEstimator, type EstimatorKind, type EstimatorMode, type EstimatorRule } from '../../runtime/estimator-rule.js';
import { ExpressionLowering, foldNumber } from './expressions.js';
import { autoDistribution, autoFlows, autoOption, lowerAutoGuide, lowerFullRank, lowerIafGuide } from './auto-guides.js';
import { DELTA_SPEC } from '../../runtime/distributions/delta-spec.js';
import type { LoweredLatent, LoweredNet, LoweredParam, LoweredProgram, LoweredSite, LoweredStmt } from './program.js';

export interface LowerOptions {
  /** How guide sites' gradients are estimated where no annotation pins them; 'auto' is pathwise where possible. */
  estimator?: EstimatorMode;
}

function annotation(stmt: SampleStmt, name: string): Annotation | undefined {
  return stmt.annotations.find((a) => a.name.name === name);
}

function isAuto(stmt: SampleStmt): boolean {
  return stmt.dist.name.name === 'auto' && !stmt.dist.args;
}

function pinnedEstimator(stmt: SampleStmt): EstimatorKind | undefined {
  if (annotation(stmt, 'score')) return 'score';
  if (annotation(stmt, 'reparam')) return 'reparam';
  return undefined;
}

function ruleOf(site: SiteInfo): EstimatorRule {
  const pinned = pinnedEstimator(site.stmt);
  return { ...(pinned ? { pinned } : {}), reparameterizable: site.dist.reparameterizable };
}


/** `@scale(c)`'s constant, if the statement has one. */
function scaleOf(annotations: readonly Annotation[], checked: CheckedProgram): number | undefined {
  const an = annotations.find((a) => a.name.name === 'scale');
  return an ? foldNumber(an.args[0]!.value, checked.consts) : undefined;
}

/** A param's initial values: one number, values per element, or a seeded draw (its stream is its name). */
function paramInit(p: ParamInfo): Pick<LoweredParam, 'init' | 'initValues' | 'initRandom' | 'initStream'> {
  const init = p.init;
  if (init.kind === 'value') return { init: init.value };
  if (init.kind === 'array') return { init: 0, initValues: { shape: init.array.shape, values: init.array.values } };
  return { init: 0, initRandom: { dist: init.dist, a: init.a, b: init.b }, initStream: `param/${p.name}` };
}

/**
 * The model's top-level statements with each Markov chain's span (from `z[0] ~` through its
 * loop) gathered into one chain statement, which the compiler sums out by the forward algorithm.
 */
function withChains(checked: CheckedProgram, model: LoweredStmt[]): LoweredStmt[] {
  const spans = [...checked.chains].sort((a, b) => b[1].first - a[1].first);
  const out = [...model];
  for (const [latent, { first, last }] of spans) {
    const loop = out[last];
    if (loop?.kind !== 'loop') throw new Error(`internal: the chain of ${latent} does not end in a loop`);
    const info = checked.latents.find((l) => l.name === latent)!;
    const values = supportValues(info.support);
    if (!values) throw new Error(`internal: the chain ${latent} has no finite support`);
    out.splice(first, last - first + 1, { kind: 'chain', latent, values, init: out.slice(first, last), loop });
  }
  return out;
}

export function lowerProgram(checked: CheckedProgram, options: LowerOptions = {}): LoweredProgram {
  const mode = options.estimator ?? 'auto';
  const exprs = new ExpressionLowering(checked);
  const sitesByStmt = new Map(checked.sites.map((s) => [s.stmt, s]));
  const latentByName = new Map(checked.latents.map((l) => [l.name, l]));
  const autoParams: LoweredParam[] = [];
  const autoNets: LoweredNet[] = [];
  // A model site on a latent takes its guide site's rule; data sites are never sampled in training.
  const guideRules = new Map(checked.sites.filter((s) => s.block === 'guide').map((s) => [s.target, ruleOf(s)]));

  const implicitAutoSite = (program: CheckedProgram, latent: LatentInfo): LoweredSite => {
    const auto = lowerAutoGuide(program, latent);
    autoParams.push(...auto.params);
    autoNets.push(...auto.nets);
    const family = autoDistribution({ ...latent, prior: latent.prior.dist.name.name });
    const dist = distributionSpec(family);
    if (!dist) throw new Error(`internal: no distribution ${family}`);
    const rule: EstimatorRule = { reparameterizable: dist.reparameterizable };
    return {
      kind: 'sample',
      name: latent.name,
      block: 'guide',
      target: 'latent',
      plate: latent.plate,
      shape: latent.shape,
      dist,
      args: auto.args,
      estimator: resolveEstimator(rule, mode),
      rule,
      enumerated: false,
    };
  };

  // Global latents whose guide is `auto(fullrank)` share one joint Normal drawn at the start of the guide.
  const fullRankLatents = checked.latents.filter((l) => l.guide && isAuto(l.guide) && autoOption(l.guide) === 'fullrank');
  const fullRank = fullRankLatents.length ? lowerFullRank(fullRankLatents) : undefined;
  if (fullRank) autoParams.push(...fullRank.params);

  // `~ auto(iaf)`: the flow's statements go just before the latent's site
  const preludes = new Map<SampleStmt, LoweredStmt[]>();

  const lowerSite = (site: SiteInfo): LoweredSite => {
    const stmt = site.stmt;
    let rule = (site.block === 'model' ? guideRules.get(site.target) : undefined) ?? ruleOf(site);
    let args;
    let dist = site.dist;
    const joint = site.block === 'guide' ? fullRank?.args.get(site.target) : undefined;
    if (joint) {
      args = joint;
      dist = DELTA_SPEC;
      rule = { reparameterizable: true };
    } else if (site.block === 'guide' && isAuto(stmt) && autoOption(stmt) === 'iaf') {
      const flow = lowerIafGuide(checked, latentByName.get(site.target)!, autoFlows(stmt, checked.consts));
      autoParams.push(...flow.params);
      autoNets.push(...flow.nets);
      preludes.set(stmt, flow.prelude);
      args = flow.args;
      dist = DELTA_SPEC;
      rule = { reparameterizable: true };
    } else if (site.block === 'guide' && isAuto(stmt)) {
      const latent = latentByName.get(site.target)!;
      const auto = lowerAutoGuide(checked, latent);
      autoParams.push(...auto.params);
      autoNets.push(...auto.nets);
      args = auto.args;
      // a global positive latent with a Gamma prior gets a Gamma (the checker's spec is its support's family)
      const family = autoDistribution({ ...latent, prior: latent.prior.dist.name.name });
      dist = distributionSpec(family) ?? dist;
    } else {
      args = (stmt.dist.args ?? []).map((a, i) => {
        const name = site.argNames[i]!;
        // Each argument gets the axes of the site's batch of events plus its own event axes (a
        // class axis for Categorical's probs), inserted after the batch axis: sum(z) beside
        // x : real[3] must broadcast over x's axis, not against the batch.
        const rank = EVENT_AXIS + site.shape.length - site.dist.eventRank + paramEventRank(site.dist, name);
        return { name, value: exprs.lower(a.value), rank };
      });
    }
    const baseline = site.block === 'guide' ? annotation(stmt, 'baseline')?.args[0] : undefined;
    const scale = scaleOf(stmt.annotations, checked);
    const count = [...checked.latents, ...checked.data].find((d) => d.name === site.target)?.shape[0] ?? 0;
    const element = site.element
      ? site.element.kind === 'at'
        ? { kind: 'at' as const, at: site.element.at, count }
        : { kind: 'loop' as const, variable: site.element.loop.variable.name, count }
      : undefined;
    return {
      kind: 'sample',
      name: site.target,
      block: site.block,
      // A guide site on data proposes its missing entries: a latent value.
      target: site.block === 'guide' ? 'latent' : site.targetKind,
      plate: site.plate,
      shape: site.shape,
      dist,
      args,
      estimator: resolveEstimator(rule, mode),
      rule,
      enumerated: Boolean(annotation(stmt, 'enumerate')),
      ...(baseline ? { baseline: exprs.lower(baseline.value) } : {}),
      ...(element ? { element } : {}),
      ...(scale !== undefined ? { scale } : {}),
    };
  };

  const factorPlates = new Map(checked.factors.map((f) => [f.stmt, f.plate]));

  const lowerBlock = (stmts: readonly Stmt[]): LoweredStmt[] =>
    stmts.flatMap((stmt): LoweredStmt[] => {
      const lowered = lowerStmt(stmt);
      const prelude = stmt.kind === 'sample' ? preludes.get(stmt) : undefined;
      return prelude ? [...prelude, lowered] : [lowered];
    });

  const lowerStmt = (stmt: Stmt): LoweredStmt => {
      if (stmt.kind === 'let') return { kind: 'let', name: stmt.name.name, value: exprs.lower(stmt.value) };
      if (stmt.kind === 'for') {
        const range = checked.loops.get(stmt);
        if (!range) throw new Error(`internal: the loop at ${stmt.span.line}:${stmt.span.column} has no range`);
        return { kind: 'loop', variable: stmt.variable.name, from: range.from, to: range.to, body: lowerBlock(stmt.body) };
      }
      if (stmt.kind === 'factor') {
        const scale = scaleOf(stmt.annotations, checked);
        return {
          kind: 'factor',
          name: `factor@${stmt.span.line}:${stmt.span.column}`,
          plate: factorPlates.get(stmt) ?? 'global',
          value: exprs.lower(stmt.value),
          ...(scale !== undefined ? { scale } : {}),
        };
      }
      const site = sitesByStmt.get(stmt);
      if (!site) throw new Error(`internal: no checked site for '${stmt.target.name}' at ${stmt.span.line}:${stmt.span.column}`);
      return lowerSite(site);
  };

  // A latent the guide does not mention gets `name ~ auto` at the start of the guide, in
  // declaration order: such sites read only data and their own learnables, and the written
  // guide statements may use their values.
  const implicit = checked.latents.filter((l) => l.implicitGuide).map((l) => implicitAutoSite(checked, l));
  for (const site of implicit) guideRules.set(site.name, site.rule);
  const guide = [...implicit, ...(fullRank?.prelude ?? []), ...lowerBlock(checked.guide)];
  const model = withChains(checked, lowerBlock(checked.model));
  const modelled = new Set(checked.sites.filter((s) => s.block === 'model' && s.targetKind === 'data').map((s) => s.target));
  // data whose missing entries the model sums out (@enumerate on its site)
  const enumeratedData = new Set(checked.sites.filter((s) => s.block === 'model' && s.targetKind === 'data' && annotation(s.stmt, 'enumerate')).map((s) => s.target));

  const latents: LoweredLatent[] = checked.latents.map((l) => ({
    name: l.name,
    plate: l.plate,
    shape: l.shape,
    support: l.support,
    enumerated: l.enumerated,
    ...(checked.chains.has(l.name) ? { chain: true } : {}),
    prior: l.prior.dist.name.name,
    ...(l.implicitGuide ? { guide: autoDistribution({ ...l, prior: l.prior.dist.name.name }), guideSource: 'implicit' as const } : {}),
    ...(l.guide
      ? {
          guide: isAuto(l.guide) ? (autoOption(l.guide) === 'fullrank' || autoOption(l.guide) === 'iaf' ? 'Delta' : autoDistribution({ ...l, prior: l.prior.dist.name.name })) : l.guide.dist.name.name,
          ...(isAuto(l.guide) && autoOption(l.guide) ? { autoOption: autoOption(l.guide) } : {}),
          guideSource: isAuto(l.guide) ? ('auto' as const) : ('written' as const),
        }
      : {}),
  }));

  return {
    file: checked.file,
    source: checked.source,
    data: checked.data.map((d) => ({ name: d.name, shape: d.shape, support: d.support, modelled: modelled.has(d.name), missing: d.missing, proposed: checked.sites.some((s) => s.block === 'guide' && s.target === d.name), ...(enumeratedData.has(d.name) ? { enumerated: true } : {}) })),
    latents,
    params: [
      ...autoParams,
      ...checked.params.map((p): LoweredParam => ({ name: p.name, shape: p.shape, constraint: constraintOfSupport(p.constraint), generated: false, ...paramInit(p) })),
    ],
    nets: [
      ...autoNets,
      ...checked.nets.map((n) => ({
        name: n.name,
        family: n.family,
        spec: n.spec,
        ...(n.heads ? { heads: n.heads.map((h) => ({ name: h.name, size: h.size, constraint: constraintOfSupport(h.constraint) })) } : {}),
        initStream: n.name,
        generated: false,
      })),
    ],
    guide,
    model,
  };
}
