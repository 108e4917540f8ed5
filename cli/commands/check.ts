// `ppl check FILE`: parse and check, print every problem, or a summary of the program.
import { loadProgram } from '../load.js';
import { describeSupport } from '../../runtime/support.js';
import { enumerationSize } from '../../runtime/enumeration.js';
import { siteEstimator, type EstimatorMode } from '../../lang/compiler/index.js';
import type { CheckedProgram, EstimatorKind } from '../../api/index.js';
import { describeAutoGuide, isAutoSite } from '../../lang/compiler/auto-guides.js';
import type { Command } from 'commander';
import { estimatorOption } from '../options.js';

const shape = (s: readonly number[]): string => (s.length ? `[${s.join(', ')}]` : 'scalar');

export function summarize(p: CheckedProgram, mode: EstimatorMode): string {
  const lines: string[] = [];
  for (const d of p.data) {
    const observed = p.sites.some((s) => s.block === 'model' && s.target === d.name);
    lines.push(`  data    ${d.name}: ${describeSupport(d.support)} ${shape(d.shape)}${observed ? '' : ' (input, not modelled)'}`);
  }
  for (const l of p.latents) {
    const guideSite = p.sites.find((s) => s.block === 'guide' && s.target === l.name);
    const est = guideSite ? siteEstimator(guideSite, mode) : 'reparam';
    const how = l.enumerated
      ? `summed out exactly (${enumerationSize(l.support, l.shape)} values, no guide)`
      : `guide ${guideSite && isAutoSite(guideSite) ? describeAutoGuide(p, l) : l.guide?.dist.name.name}, ${est === 'reparam' ? 'pathwise (reparameterized) gradient' : 'score-function (REINFORCE) gradient'}`;
    lines.push(`  ${l.plate === 'local' ? 'latent' : 'global'}  ${l.name}: ${describeSupport(l.support)} ${shape(l.shape)}  prior ${l.prior.dist.name.name}, ${how}`);
  }
  for (const n of p.nets) {
    const heads = n.heads ? ` -> {${n.heads.map((h) => `${h.name}: ${h.size}`).join(', ')}}` : '';
    lines.push(`  net     ${n.name}: mlp(${n.layers.join(' -> ')}, ${n.activation})${heads}`);
  }
  for (const q of p.params) lines.push(`  param   ${q.name}: ${describeSupport(q.constraint)} ${shape(q.shape)}`);
  return lines.join('\n');
}

/** "z: pathwise, c: score-function": how each guide site's gradient is estimated. */
export function describeEstimators(estimators: ReadonlyMap<string, EstimatorKind>): string {
  const parts = [...estimators].map(([name, e]) => `${name}: ${e === 'reparam' ? 'pathwise' : 'score-function'}`);
  return parts.length ? parts.join(', ') : 'none (no latents)';
}

export function runCheck(file: string, opts: { estimator: EstimatorMode }): void {
  const { model, warnings } = loadProgram(file, { estimator: opts.estimator });
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  process.stdout.write(`${file}: ok\n${summarize(model.checked, opts.estimator)}\n`);
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('parse and check a .ppl file; print every error, or a summary of its sites and estimators')
    .argument('<file>', 'the .ppl model')
    .addOption(estimatorOption())
    .action((file: string, opts: { estimator: EstimatorMode }) => runCheck(file, opts));
}
