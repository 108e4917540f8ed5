// A lowered block compiled to a list of steps. Each sample site builds its distribution and
// sends a sample message through the run's handlers, which decide its value: drawn, replayed,
// observed, enumerated or substituted.
import type { Tensor } from '../../runtime/tf.js';
import { makeDistribution } from '../../runtime/distributions/index.js';
import { send } from '../../runtime/effects/messages.js';
import { padEventAxes } from '../../runtime/layout.js';
import type { LoweredSite, LoweredStmt } from '../lower/program.js';
import { compileExpr, compileTensor, type Env } from './expressions.js';

export type Step = (env: Env) => void;

export function compileBlock(stmts: readonly LoweredStmt[]): Step[] {
  return stmts.map((stmt): Step => {
    if (stmt.kind === 'let') {
      const value = compileExpr(stmt.value);
      const name = stmt.name;
      return (env) => {
        env.values.set(name, value(env));
      };
    }
    return compileSite(stmt);
  });
}

function compileSite(site: LoweredSite): Step {
  const args = site.args.map((a) => {
    const raw = compileTensor(a.value);
    const rank = a.rank;
    return [a.name, (env: Env) => padEventAxes(raw(env), rank)] as const;
  });
  const baselineOf = site.baseline ? compileTensor(site.baseline) : undefined;
  const { name, block, target, plate, shape, estimator, rule, enumerated } = site;
  const distName = site.dist.name;
  return (env) => {
    const fn = makeDistribution(distName, Object.fromEntries(args.map(([argName, c]): [string, Tensor] => [argName, c(env)])));
    const msg = send(env.stack, {
      type: 'sample',
      name,
      block,
      kind: target,
      plate,
      fn,
      eventShape: shape,
      observed: false,
      scale: 1,
      infer: { estimator, rule, enumerated, ...(baselineOf ? { baseline: baselineOf(env) } : {}) },
      stop: false,
    });
    env.values.set(name, msg.value);
  };
}

export function runSteps(steps: readonly Step[], env: Env): void {
  for (const step of steps) step(env);
}
