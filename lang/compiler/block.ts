// A model or guide block compiled to a list of steps. Running it fills a Trace with one record
// per sample site, vectorized over particles and the minibatch.
import { tf, stopGradient, type Tensor } from '../../runtime/tf.js';
import type { Stmt } from '../ast.js';
import type { CheckedProgram, SiteInfo } from '../checked.js';
import type { Rng } from '../../runtime/random.js';
import { makeDistribution } from '../../runtime/distributions/index.js';
import { Trace, type EstimatorKind } from '../../runtime/trace.js';
import { ExpressionCompiler, type CompiledTensor, type Env } from './expressions.js';
import { EVENT_AXIS, fromGlobal, padEventAxes, repeatParticles, sumEvent } from './layout.js';
import { autoGuideArgs, isAutoSite } from './auto-guides.js';
import { paramEventRank } from '../../runtime/distributions/spec.js';

export interface RunContext {
  /** Number of samples drawn per latent and data point (L). */
  particles: number;
  /** Rows in this minibatch (M). */
  batchSize: number;
  /** N / M: turns a minibatch sum over local sites into an estimate over the data set. */
  localScale: number;
  /** Data by declared name, laid out [1, M, ...shape]. A data variable absent here is sampled. */
  data: ReadonlyMap<string, Tensor>;
  /**
   * Observation masks by data name, broadcastable to [1, M, ...shape]: 1 where the value is
   * observed, 0 where it is missing. A masked data site contributes log p(x_observed | ...) only
   * (missing entries' densities are multiplied by 0). Absent: everything is observed.
   */
  masks?: ReadonlyMap<string, Tensor>;
  rng: Rng;
  /**
   * Set by the model run when latents are summed out (@enumerate): `particles` is then P * size,
   * each guide draw is repeated `size` times, and `values` gives each enumerated latent's value
   * per particle row, [P * size, 1, ...shape].
   */
  enumeration?: { size: number; values: ReadonlyMap<string, Tensor> };
}

type Step = (env: Env, ctx: RunContext, trace: Trace, replay: Trace | undefined) => void;

export type EstimatorChoice = (site: SiteInfo) => EstimatorKind;

export function compileBlock(
  program: CheckedProgram,
  exprs: ExpressionCompiler,
  block: 'model' | 'guide',
  stmts: readonly Stmt[],
  estimatorOf: EstimatorChoice,
): Step[] {
  const sites = new Map(program.sites.filter((s) => s.block === block).map((s) => [s.stmt, s]));
  return stmts.map((stmt): Step => {
    if (stmt.kind === 'let') {
      const value = exprs.compile(stmt.value);
      const name = stmt.name.name;
      return (env) => {
        env.values.set(name, value(env));
      };
    }
    const site = sites.get(stmt);
    if (!site) throw new Error(`internal: no checked site for '${stmt.target.name}' at ${stmt.span.line}:${stmt.span.column}`);
    return compileSite(site, exprs, estimatorOf, program);
  });
}

function compileSite(site: SiteInfo, exprs: ExpressionCompiler, estimatorOf: EstimatorChoice, program: CheckedProgram): Step {
  const args = site.stmt.dist.args ?? [];
  // Each argument gets the axes of the site's batch of events plus its own event axes (a class
  // axis for Categorical's probs), inserted after the batch axis: sum(z) beside x : real[3]
  // must broadcast over x's axis, not against the batch.
  const compiled: [string, CompiledTensor][] = args.map((a, i) => {
    const argName = site.argNames[i]!;
    const raw = exprs.tensor(a.value);
    const rank = EVENT_AXIS + site.shape.length - site.dist.eventRank + paramEventRank(site.dist, argName);
    return [argName, (env: Env) => padEventAxes(raw(env), rank)];
  });
  const argsOf = isAutoSite(site)
    ? autoGuideArgs(site, program)
    : (env: Env): Record<string, Tensor> => Object.fromEntries(compiled.map(([argName, c]) => [argName, c(env)]));
  const name = site.target;
  const distName = site.dist.name;
  const baselineArg = site.stmt.annotations.find((a) => a.name.name === 'baseline')?.args[0];
  const baselineOf = baselineArg ? exprs.tensor(baselineArg.value) : undefined;
  return (env, ctx, trace, replay) => {
    // Read at run time: one compiled program serves several estimators (ppl grads, compare).
    const estimator = estimatorOf(site);
    const dist = makeDistribution(distName, argsOf(env));
    const rows = site.plate === 'local' ? ctx.batchSize : 1;
    const shape = [ctx.particles, rows, ...site.shape];

    let given: Tensor | undefined;
    if (site.targetKind === 'data') given = ctx.data.get(name);
    else if (site.block === 'model') {
      const enumerated = ctx.enumeration?.values.get(name);
      const replayed = replay?.get(name)?.value;
      given = enumerated ?? (replayed && ctx.enumeration ? repeatParticles(replayed, ctx.enumeration.size) : replayed);
    }
    let value: Tensor;
    if (given) value = given;
    else {
      value = dist.sample(shape, ctx.rng);
      // A score-function site must not pass pathwise gradients; its gradient comes from log q.
      if (estimator === 'score' || !site.dist.reparameterizable) value = stopGradient(value);
    }
    env.values.set(name, value);
    const drawn = value;
    // Computed on first use only: with a closed-form KL, a latent's densities are never needed.
    let logProb: Tensor | undefined;
    trace.add({
      name,
      block: site.block,
      kind: site.targetKind,
      plate: site.plate,
      dist,
      value,
      get logProb(): Tensor {
        if (!logProb) {
          const mask = site.targetKind === 'data' ? ctx.masks?.get(name) : undefined;
          const elementwise = dist.logProb(drawn);
          logProb = sumEvent(mask ? tf.mul(elementwise, mask) : elementwise);
        }
        return logProb;
      },
      estimator,
      scale: site.plate === 'local' ? ctx.localScale : 1,
      // [1 or P, M]: the declared input-dependent baseline of this site's learning signal
      baseline: baselineOf && site.block === 'guide' ? tf.reshape(baselineOf(env), [-1, ctx.batchSize]) : undefined,
    });
  };
}

export function runSteps(
  steps: readonly Step[],
  block: 'model' | 'guide',
  env: Env,
  ctx: RunContext,
  replay: Trace | undefined,
): Trace {
  const trace = new Trace(block);
  for (const step of steps) step(env, ctx, trace, replay);
  return trace;
}
