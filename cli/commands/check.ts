// `ppl check FILE`: parse and check, print every problem, or a summary of the program.
import { loadProgram } from '../load.js';
import { describeSupport } from '../../runtime/support.js';
import { enumerationSize } from '../../runtime/enumeration.js';
import type { CompiledProgram, EstimatorMode } from '../../lang/compiler/index.js';
import type { CheckedProgram } from '../../lang/checked.js';
import { lowerProgram } from '../../lang/lower/lower.js';
import { sitesOf } from '../../lang/lower/program.js';
import { describeAutoGuide } from '../../lang/lower/auto-guides.js';
import type { Command } from 'commander';
import { estimatorOption } from '../options.js';

const shape = (s: readonly number[]): string => (s.length ? `[${s.join(', ')}]` : 'scalar');

export function summarize(p: CheckedProgram, mode: EstimatorMode): string {
  const lines: string[] = [];
  const lowered = lowerProgram(p, { estimator: mode });
  for (const d of lowered.data) {
    lines.push(`  data    ${d.name}: ${describeSupport(d.support)} ${shape(d.shape)}${d.modelled ? '' : ' (input, not modelled)'}`);
  }
  const guideSites = sitesOf(lowered, 'guide');
  for (const l of lowered.latents) {
    const est = guideSites.find((s) => s.name === l.name)?.estimator ?? 'reparam';
    const auto = l.guideSource === 'auto' || l.guideSource === 'implicit';
    const how = l.enumerated
      ? `summed out exactly (${enumerationSize(l.support, l.shape)} values, no guide)`
      : `guide ${auto ? describeAutoGuide(lowered, l) : l.guide}, ${est === 'reparam' ? 'pathwise (reparameterized) gradient' : 'score-function (REINFORCE) gradient'}`;
    lines.push(`  ${l.plate === 'local' ? 'latent' : 'global'}  ${l.name}: ${describeSupport(l.support)} ${shape(l.shape)}  prior ${l.prior}, ${how}`);
  }
  for (const n of p.nets) {
    const heads = n.heads ? ` -> {${n.heads.map((h) => `${h.name}: ${h.size}`).join(', ')}}` : '';
    lines.push(`  net     ${n.name}: mlp(${n.layers.join(' -> ')}, ${n.activation})${heads}`);
  }
  for (const q of p.params) lines.push(`  param   ${q.name}: ${describeSupport(q.constraint)} ${shape(q.shape)}`);
  return lines.join('\n');
}

/** "z: pathwise, c: score-function" for the program's current estimator mode. */
export function describeEstimators(program: CompiledProgram): string {
  const parts = [...program.estimators()].map(([name, e]) => `${name}: ${e === 'reparam' ? 'pathwise' : 'score-function'}`);
  return parts.length ? parts.join(', ') : 'none (no latents)';
}

export function runCheck(file: string, opts: { estimator: EstimatorMode }): void {
  const { checked, warnings } = loadProgram(file, { estimator: opts.estimator });
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  process.stdout.write(`${file}: ok\n${summarize(checked, opts.estimator)}\n`);
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('parse and check a .ppl file; print every error, or a summary of its sites and estimators')
    .argument('<file>', 'the .ppl model')
    .addOption(estimatorOption())
    .action((file: string, opts: { estimator: EstimatorMode }) => runCheck(file, opts));
}
