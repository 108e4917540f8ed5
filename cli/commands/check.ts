// `ppl check FILE`: parse and check, print every problem, or a summary of the program.
import { loadProgram } from '../load.js';
import { describeAutoGuide, describeNet, lowerModel, sitesOf, type EstimatorKind, type EstimatorMode, type Model, describeSupport, enumerationSize } from '../../api/node/front.js';
import type { Command } from 'commander';
import { estimatorOption } from '../estimator-option.js';
import { DESCRIPTIONS } from './descriptions.js';

const shape = (s: readonly number[]): string => (s.length ? `[${s.join(', ')}]` : 'scalar');

export function summarize(model: Model, mode: EstimatorMode): string {
  const lines: string[] = [];
  const p = model.checked;
  const lowered = lowerModel(model, { estimator: mode });
  for (const d of lowered.data) {
    const missing = d.missing ? (d.proposed ? ', missing entries proposed by the guide' : ', missing entries summed out') : '';
    lines.push(`  data    ${d.name}: ${describeSupport(d.support)} ${shape(d.shape)}${d.modelled ? '' : ' (input, not modelled)'}${missing}`);
  }
  const guideSites = sitesOf(lowered, 'guide');
  for (const l of lowered.latents) {
    const est = guideSites.find((s) => s.name === l.name)?.estimator ?? 'reparam';
    const auto = l.guideSource === 'auto' || l.guideSource === 'implicit';
    const how = l.chain
      ? `a Markov chain summed out by the forward algorithm (${enumerationSize(l.support, l.shape.slice(1))} values per step, no guide)`
      : l.enumerated
      ? `summed out exactly (${enumerationSize(l.support, l.shape)} values, no guide)`
      : `guide ${auto ? describeAutoGuide(lowered, l) : l.guide}, ${est === 'reparam' ? 'pathwise (reparameterized) gradient' : 'score-function (REINFORCE) gradient'}`;
    lines.push(`  ${l.plate === 'local' ? 'latent' : 'global'}  ${l.name}: ${describeSupport(l.support)} ${shape(l.shape)}  prior ${l.prior}, ${how}`);
  }
  for (const n of p.nets) {
    const heads = n.heads ? ` -> {${n.heads.map((h) => `${h.name}: ${h.size}`).join(', ')}}` : '';
    lines.push(`  net     ${n.name}: ${describeNet(n)}${heads}`);
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
  process.stdout.write(`${model.file}: ok\n${summarize(model, opts.estimator)}\n`);
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(DESCRIPTIONS.check)
    .argument('<file>', 'the .ppl model')
    .addOption(estimatorOption())
    .action((file: string, opts: { estimator: EstimatorMode }) => runCheck(file, opts));
}
