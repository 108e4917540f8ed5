// The learnables and argument closures of automatic guide sites (`w ~ auto`, written or implicit;
// runtime/auto-guide.ts chooses the family). A global latent's arguments are parameters of the
// latent's shape; a local latent's are the heads of a generated net that reads the data point:
// every data variable, flattened and joined, -> AUTO_GUIDE_HIDDEN relu units -> one head per
// argument.
import type { CheckedProgram, LatentInfo, SiteInfo } from '../checked.js';
import type { SampleStmt } from '../ast.js';
import type { ParamStore } from '../../runtime/params.js';
import { Mlp } from '../../runtime/nets.js';
import type { Rng } from '../../runtime/random.js';
import { tf, type Tensor } from '../../runtime/tf.js';
import {
  AUTO_GUIDE_HIDDEN,
  AUTO_INIT_RADIUS,
  autoGuideFor,
  autoNetName,
  autoParamName,
  autoParamShape,
  type AutoGuide,
  type AutoGuideParam,
} from '../../runtime/auto-guide.js';
import type { Env } from './expressions.js';
import { fromGlobal } from './layout.js';
import { joinedDataInput, joinedDataSize } from './functions.js';

export function isAutoSite(site: SiteInfo): boolean {
  return site.block === 'guide' && isAutoStmt(site.stmt);
}

function isAutoStmt(stmt: SampleStmt): boolean {
  return stmt.dist.name.name === 'auto' && !stmt.dist.args;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function familyOf(latent: LatentInfo): AutoGuide {
  const auto = autoGuideFor(latent.support);
  if (!auto) throw new Error(`internal: no automatic guide for ${latent.name}`);
  return auto;
}

function latentOf(program: CheckedProgram, name: string): LatentInfo {
  const latent = program.latents.find((l) => l.name === name);
  if (!latent) throw new Error(`internal: no latent '${name}'`);
  return latent;
}

function initialValues(p: AutoGuideParam, shape: readonly number[], rng: Rng): Float32Array | number {
  if (!p.jitter) return p.init;
  if (p.constraint !== 'real') throw new Error(`internal: jittered init of a ${String(p.constraint)} parameter`);
  const out = new Float32Array(size(shape));
  for (let i = 0; i < out.length; i++) out[i] = p.init + (2 * rng.uniform() - 1) * AUTO_INIT_RADIUS;
  return out;
}

/** Create the parameters (globals) and nets (locals) of every automatic guide site. */
export function createAutoGuides(program: CheckedProgram, params: ParamStore, nets: Map<string, Mlp>, rng: Rng): void {
  const inputSize = joinedDataSize(program.data);
  for (const site of program.sites) {
    if (!isAutoSite(site)) continue;
    const latent = latentOf(program, site.target);
    const auto = familyOf(latent);
    if (latent.plate === 'global') {
      for (const p of auto.params) {
        const shape = autoParamShape(p, latent.shape);
        params.create(autoParamName(latent.name, p.arg), shape, initialValues(p, shape, rng.derive(`${latent.name}.${p.arg}`)), p.constraint);
      }
      continue;
    }
    const heads = auto.params.map((p) => ({ name: p.arg, size: size(autoParamShape(p, latent.shape)), constraint: p.constraint }));
    const name = autoNetName(latent.name);
    nets.set(name, new Mlp({ name, layers: [inputSize, AUTO_GUIDE_HIDDEN], activation: 'relu', heads }, params, rng.derive(name)));
  }
}

/** The distribution arguments of an automatic guide site, each [P or 1, M or 1, ...shape(, K)]. */
export function autoGuideArgs(site: SiteInfo, program: CheckedProgram): (env: Env) => Record<string, Tensor> {
  const latent = latentOf(program, site.target);
  const auto = familyOf(latent);
  if (latent.plate === 'global') {
    return (env) => Object.fromEntries(auto.params.map((p) => [p.arg, fromGlobal(env.params.value(autoParamName(latent.name, p.arg)))]));
  }
  const netName = autoNetName(latent.name);
  const dataNames = program.data.map((d) => d.name);
  return (env) => {
    const input = joinedDataInput(
      dataNames.map((d) => {
        const v = env.values.get(d);
        if (!(v instanceof tf.Tensor)) throw new Error(`the automatic guide of ${latent.name} reads data ${d}, which this run does not provide`);
        return v;
      }),
    );
    const net = env.nets.get(netName);
    if (!net) throw new Error(`internal: net '${netName}' was not built`);
    const heads = net.apply(input);
    if (heads instanceof tf.Tensor) throw new Error(`internal: net '${netName}' has no heads`);
    return Object.fromEntries(
      auto.params.map((p) => {
        const h = heads[p.arg]!;
        return [p.arg, tf.reshape(h, [h.shape[0]!, h.shape[1]!, ...autoParamShape(p, latent.shape)])];
      }),
    );
  };
}

/**
 * For `ppl check`: 'auto Normal(loc, scale), own parameters' or 'auto Categorical(logits) from
 * net mlp(794 -> 200) -> {logits: 10}', with '(implicit)' when the user wrote no guide site.
 */
export function describeAutoGuide(program: CheckedProgram, latent: LatentInfo): string {
  const auto = familyOf(latent);
  const family = `${auto.distribution}(${auto.params.map((p) => p.arg).join(', ')})`;
  const inputSize = joinedDataSize(program.data);
  const source =
    latent.plate === 'global'
      ? 'its own parameters'
      : `net ${autoNetName(latent.name)}: mlp(${inputSize} -> ${AUTO_GUIDE_HIDDEN}, relu) -> {${auto.params.map((p) => `${p.arg}: ${size(autoParamShape(p, latent.shape))}`).join(', ')}} on ${program.data.map((d) => d.name).join(', ')}`;
  return `auto ${family} from ${source}${latent.guide?.implicit ? ' (implicit)' : ''}`;
}

/**
 * For `ppl train`'s header: 'z (amortized by net auto.z), w (own parameters); implicit (not in
 * the guide block): z', or undefined without automatic guides.
 */
export function listAutoGuides(program: CheckedProgram): string | undefined {
  const autos = program.latents.filter((l) => l.guide && isAutoStmt(l.guide));
  if (autos.length === 0) return undefined;
  const list = autos.map((l) => `${l.name} (${l.plate === 'global' ? 'own parameters' : `amortized by net ${autoNetName(l.name)}`})`).join(', ');
  const implicit = autos.filter((l) => l.guide?.implicit).map((l) => l.name);
  return implicit.length ? `${list}; implicit (not in the guide block): ${implicit.join(', ')}` : list;
}
