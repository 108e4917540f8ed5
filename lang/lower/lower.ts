// Lowering: the checked program becomes the lowered program (program.ts). This is where the
// annotations are read (@score, @reparam, @enumerate, @baseline), where latents the guide block
// does not mention get their automatic guide sites, where automatic guides become ordinary
// sites over generated learnables, and where each site's estimator is decided.
import type { Annotation, SampleStmt, Stmt } from '../ast.js';
import type { CheckedProgram, LatentInfo, SiteInfo } from '../checked.js';
import { distributionSpec } from '../builtins.js';
import { paramEventRank } from '../../runtime/distributions/spec.js';
import { constraintOfSupport } from '../../runtime/constraint-kinds.js';
import { EVENT_AXIS } from '../../runtime/event-axis.js';
import { isActivation, type Activation } from '../../runtime/activations.js';
import { resolveEstimator, type EstimatorKind, type EstimatorMode, type EstimatorRule } from '../../runtime/estimator-rule.js';
import { ExpressionLowering } from './expressions.js';
import { autoFamily, lowerAutoGuide } from './auto-guides.js';
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

function activationOf(name: string): Activation {
  if (!isActivation(name)) throw new Error(`internal: unknown activation '${name}' passed the checker`);
  return name;
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
    const dist = distributionSpec(autoFamily(latent).distribution);
    if (!dist) throw new Error(`internal: no distribution ${autoFamily(latent).distribution}`);
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

  const lowerSite = (site: SiteInfo): LoweredSite => {
    const stmt = site.stmt;
    const rule = (site.block === 'model' ? guideRules.get(site.target) : undefined) ?? ruleOf(site);
    let args;
    if (site.block === 'guide' && isAuto(stmt)) {
      const auto = lowerAutoGuide(checked, latentByName.get(site.target)!);
      autoParams.push(...auto.params);
      autoNets.push(...auto.nets);
      args = auto.args;
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
    return {
      kind: 'sample',
      name: site.target,
      block: site.block,
      target: site.targetKind,
      plate: site.plate,
      shape: site.shape,
      dist: site.dist,
      args,
      estimator: resolveEstimator(rule, mode),
      rule,
      enumerated: site.block === 'model' && Boolean(annotation(stmt, 'enumerate')),
      ...(baseline ? { baseline: exprs.lower(baseline.value) } : {}),
    };
  };

  const lowerBlock = (stmts: readonly Stmt[]): LoweredStmt[] =>
    stmts.map((stmt): LoweredStmt => {
      if (stmt.kind === 'let') return { kind: 'let', name: stmt.name.name, value: exprs.lower(stmt.value) };
      const site = sitesByStmt.get(stmt);
      if (!site) throw new Error(`internal: no checked site for '${stmt.target.name}' at ${stmt.span.line}:${stmt.span.column}`);
      return lowerSite(site);
    });

  // A latent the guide does not mention gets `name ~ auto` at the start of the guide, in
  // declaration order: such sites read only data and their own learnables, and the written
  // guide statements may use their values.
  const implicit = checked.latents.filter((l) => l.implicitGuide).map((l) => implicitAutoSite(checked, l));
  for (const site of implicit) guideRules.set(site.name, site.rule);
  const guide = [...implicit, ...lowerBlock(checked.guide)];
  const model = lowerBlock(checked.model);
  const modelled = new Set(checked.sites.filter((s) => s.block === 'model' && s.targetKind === 'data').map((s) => s.target));

  const latents: LoweredLatent[] = checked.latents.map((l) => ({
    name: l.name,
    plate: l.plate,
    shape: l.shape,
    support: l.support,
    enumerated: l.enumerated,
    prior: l.prior.dist.name.name,
    ...(l.implicitGuide ? { guide: autoFamily(l).distribution, guideSource: 'implicit' as const } : {}),
    ...(l.guide
      ? {
          guide: isAuto(l.guide) ? autoFamily(l).distribution : l.guide.dist.name.name,
          guideSource: isAuto(l.guide) ? ('auto' as const) : ('written' as const),
        }
      : {}),
  }));

  return {
    file: checked.file,
    source: checked.source,
    data: checked.data.map((d) => ({ name: d.name, shape: d.shape, support: d.support, modelled: modelled.has(d.name) })),
    latents,
    params: [
      ...autoParams,
      ...checked.params.map((p) => ({ name: p.name, shape: p.shape, constraint: constraintOfSupport(p.constraint), init: p.init, generated: false })),
    ],
    nets: [
      ...autoNets,
      ...checked.nets.map((n) => ({
        name: n.name,
        family: n.family,
        layers: n.layers,
        activation: activationOf(n.activation),
        ...(n.heads ? { heads: n.heads.map((h) => ({ name: h.name, size: h.size, constraint: constraintOfSupport(h.constraint) })) } : {}),
        initStream: n.name,
        generated: false,
      })),
    ],
    guide,
    model,
  };
}
