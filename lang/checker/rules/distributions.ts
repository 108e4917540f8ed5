// The right of `~`: a known distribution whose arguments bind exactly one of its
// parameterizations. Constant arguments are also checked against the parameter's domain.
import { sampleStatements } from '../walk.js';
import type { CheckContext, CheckRule } from '../context.js';
import { describeSymbol } from '../context.js';
import type { SampleStmt } from '../../ast.js';
import { distributionNames, distributionSpec, insideConstraint, PARAM_CONSTRAINTS } from '../../builtins.js';
import { suggestOr } from '../suggest.js';
import { autoGuideFor } from '../../../runtime/auto-guide.js';
import { describeSupport, type Support } from '../../../runtime/support.js';
import { AUTO_GUIDE_OPTIONS, fullRankCovers } from '../../../runtime/auto-guide-options.js';
import type { DistSpec } from '../../../runtime/distributions/spec.js';

function list(names: readonly string[], joiner: string): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${joiner} ${names[names.length - 1]}`;
}

function describeParameterizations(spec: DistSpec): string {
  return spec.parameterizations.map((p) => (p.length === 1 ? p[0]! : `(${p.join(', ')})`)).join(' or ');
}

/** Two given arguments that no parameterization takes together (probs and logits), if any. */
function exclusivePair(spec: DistSpec, given: readonly string[]): [string, string] | undefined {
  for (let i = 0; i < given.length; i++) {
    for (let j = i + 1; j < given.length; j++) {
      const [a, b] = [given[i]!, given[j]!];
      if (!spec.parameterizations.some((p) => p.includes(a) && p.includes(b))) return [a, b];
    }
  }
  return undefined;
}

function checkParameterization(ctx: CheckContext, stmt: SampleStmt, spec: DistSpec, given: readonly string[]): boolean {
  const set = new Set(given);
  if (spec.parameterizations.some((p) => p.length === set.size && p.every((n) => set.has(n)))) return true;
  const span = stmt.dist.span;
  const containing = spec.parameterizations.filter((p) => given.every((n) => p.includes(n)));
  if (containing.length === 1) {
    const missing = containing[0]!.filter((n) => !set.has(n));
    const plural = missing.length > 1 ? 's' : '';
    ctx.error('missing-argument', span, `${spec.name} is missing argument${plural} ${missing.map((m) => `'${m}'`).join(', ')}`);
  } else if (containing.length > 1) {
    ctx.error('missing-argument', span, `${spec.name} needs ${describeParameterizations(spec)}${given.length ? `, given only ${given.join(', ')}` : ''}`);
  } else if (spec.parameterizations.every((p) => p.length === 1)) {
    ctx.error('conflicting-arguments', span, `${spec.name} takes either ${list(spec.parameterizations.map((p) => p[0]!), 'or')}, not both`);
  } else if (exclusivePair(spec, given)) {
    const [a, b] = exclusivePair(spec, given)!;
    ctx.error('conflicting-arguments', span, `${spec.name} takes either ${a} or ${b}, not both`);
  } else {
    ctx.error('conflicting-arguments', span, `${spec.name} takes ${describeParameterizations(spec)}; the arguments ${given.join(', ')} do not form one of them`);
  }
  return false;
}

/**
 * `w ~ auto`, written or implicit: a mean-field guide of the latent's support
 * (runtime/auto-guide.ts); for a local latent, amortized by a generated net on the data point.
 */
function resolveAuto(ctx: CheckContext, stmt: SampleStmt, block: 'model' | 'guide'): void {
  const name = stmt.target.name;
  if (block !== 'guide') {
    ctx.error('auto-in-model', stmt.dist.span, '`auto` builds a guide; in the model, give the prior explicitly');
    return;
  }
  const sym = ctx.symbols.get(name);
  const t = ctx.declTypes.get(name);
  if (!sym || sym.kind !== 'latent' || !t) return;
  const lead = stmt.implicit ? `${describeSymbol(sym)} has no site in the guide block, and` : `\`${name} ~ auto\`:`;
  const auto = autoGuideFor(t.support);
  const spec = auto ? distributionSpec(auto.distribution) : undefined;
  if (!auto || !spec) {
    const fix = stmt.implicit ? `add \`${name} ~ ...\` to the guide` : 'write the guide distribution';
    ctx.error('auto-support', stmt.dist.span, `${lead} there is no automatic guide for ${describeSupport(t.support)} latents; ${fix}`);
    return;
  }
  if (sym.decl.plate === 'local' && ctx.symbolsOf('data').length === 0) {
    ctx.error(
      'auto-local',
      stmt.dist.span,
      `${lead} ${name} is a local latent, whose automatic guide is a net reading the data point, but the program declares no data`,
    );
    return;
  }
  if (stmt.dist.autoOptions && !checkAutoOptions(ctx, stmt, sym.decl.plate, t.support)) return;
  ctx.dists.set(stmt, { spec, argNames: [], complete: true });
}

/** `auto(fullrank)`, `auto(iaf, flows = K)`: one known guide name, its options, and a latent it applies to. */
function checkAutoOptions(ctx: CheckContext, stmt: SampleStmt, plate: 'global' | 'local', support: Support): boolean {
  const name = stmt.target.name;
  const options = stmt.dist.autoOptions ?? [];
  const names = AUTO_GUIDE_OPTIONS.map((o) => o.name);
  const first = options[0];
  const rest = options.slice(1);
  if (!first || first.name || first.value.kind !== 'ident') {
    ctx.error('auto-option', first ? first.span : stmt.dist.span, `\`auto(...)\` takes a guide name first: ${names.map((n) => `\`auto(${n})\``).join(', ')}`);
    return false;
  }
  const option = first.value.name;
  if (!names.includes(option)) {
    ctx.error('auto-option', first.span, `unknown automatic guide '${option}'${suggestOr(option, names, `; the automatic guides are ${names.join(', ')}`)}`);
    return false;
  }
  for (const a of rest) {
    if (option !== 'iaf' || a.name?.name !== 'flows') {
      ctx.error('auto-option', a.span, option === 'iaf' ? '`auto(iaf, ...)` takes one option, `flows = K` (the number of flow steps)' : `\`auto(${option})\` takes no options`);
      return false;
    }
    const k = ctx.tryFold(a.value);
    if (k === undefined || !Number.isInteger(k) || k < 1 || k > 16) {
      ctx.error('auto-option', a.value.span, `flows must be a whole number from 1 to 16${k === undefined ? '' : `, got ${k}`}`);
      return false;
    }
  }
  if (option === 'fullrank' && plate !== 'global') {
    ctx.error('auto-option', first.span, `\`${name} ~ auto(fullrank)\`: a full-rank guide is for global latents, and ${name} is local (one per data point; its guide is amortized): write \`${name} ~ auto\` or \`${name} ~ auto(iaf)\``);
    return false;
  }
  if (option === 'fullrank' && !fullRankCovers(support)) {
    ctx.error('auto-option', first.span, `\`${name} ~ auto(fullrank)\`: there is no full-rank guide for ${describeSupport(support)} latents (real, positive and unit latents only); write \`${name} ~ auto\``);
    return false;
  }
  if (option === 'iaf' && (plate !== 'local' || support.kind !== 'real')) {
    ctx.error('auto-option', first.span, `\`${name} ~ auto(iaf)\`: a flow guide is for local real latents, and ${name} is ${plate === 'local' ? `${describeSupport(support)}` : 'global'}${plate === 'global' && support.kind === 'real' ? ': write `' + name + ' ~ auto(fullrank)`' : ''}`);
    return false;
  }
  return true;
}

export const distributionsRule: CheckRule = {
  name: 'distributions',
  run(ctx: CheckContext): void {
    for (const block of ctx.blocks()) {
      for (const stmt of sampleStatements(block.block.body)) {
        const dname = stmt.dist.name.name;
        if (dname === 'auto' && !stmt.dist.args) {
          resolveAuto(ctx, stmt, block.kind);
          continue;
        }
        const spec = distributionSpec(dname);
        if (!spec) {
          ctx.error('unknown-distribution', stmt.dist.name.span, `unknown distribution '${dname}'${suggestOr(dname, distributionNames(), `; the distributions are ${distributionNames().join(', ')}`)}`);
          continue;
        }
        const args = stmt.dist.args;
        if (!args) {
          ctx.error('missing-argument', stmt.dist.span, `${dname} needs arguments: ${dname}(${spec.params.map((p) => p.name).join(', ')})`);
          continue;
        }
        const argNames: (string | undefined)[] = [];
        const given = new Map<string, number>();
        let positional = 0;
        let ok = true;
        args.forEach((a, i) => {
          let pname: string | undefined;
          if (a.name) {
            pname = a.name.name;
            if (!spec.params.some((p) => p.name === pname)) {
              ctx.error('unknown-argument', a.name.span, `${dname} has no argument '${pname}'${suggestOr(pname, spec.params.map((p) => p.name), `; its arguments are ${spec.params.map((p) => p.name).join(', ')}`)}`);
              pname = undefined;
            }
          } else {
            pname = spec.params[positional]?.name;
            positional++;
            if (!pname) {
              ctx.error('too-many-arguments', a.span, `${dname} takes at most ${spec.params.length} positional argument${spec.params.length === 1 ? '' : 's'} (${spec.params.map((p) => p.name).join(', ')}), got ${args.filter((x) => !x.name).length}`);
            }
          }
          if (pname && given.has(pname)) {
            ctx.error('duplicate-argument', a.span, `argument '${pname}' of ${dname} is given twice`);
            pname = undefined;
          }
          if (pname) given.set(pname, i);
          else ok = false;
          argNames.push(pname);
        });
        if (ok) ok = checkParameterization(ctx, stmt, spec, [...given.keys()]);

        const constants = new Map<string, number>();
        let valuesOk = true;
        args.forEach((a, i) => {
          const p = spec.params.find((q) => q.name === argNames[i]);
          if (!p) return;
          const v = ctx.tryFold(a.value);
          // A parameter with a class axis (Categorical's probs) is never a single number: the shape rule reports it.
          if (v === undefined || (p.eventRank ?? 0) > 0) return;
          const domain = PARAM_CONSTRAINTS.get(p.domain);
          if (domain && !insideConstraint(domain, v)) {
            const where = p.domain === 'positive' ? 'positive' : p.domain === 'unit' ? 'strictly between 0 and 1' : 'finite';
            ctx.error('bad-argument-value', a.value.span, `${dname}'s ${p.name} must be ${where}, got ${v}`);
            valuesOk = false;
          } else constants.set(p.name, v);
        });
        const problem = valuesOk && ok ? spec.validate?.(constants) : undefined;
        if (problem) {
          const i = argNames.indexOf(problem.param);
          ctx.error('bad-argument-value', i >= 0 ? args[i]!.value.span : stmt.dist.span, problem.message);
        }
        ctx.dists.set(stmt, { spec, argNames, complete: ok });
      }
    }
  },
};
