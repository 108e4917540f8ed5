// A lowered block compiled to a list of steps. Each sample site builds its distribution and
// sends a sample message through the run's handlers, which decide its value: drawn, replayed,
// observed, enumerated or substituted. Loops run their body once per value of their variable,
// in order; a factor sends its term as an observed site; a Markov chain is summed out by the
// forward algorithm (chain.ts) when the run asks for it, and drawn step by step otherwise.
import type { Tensor } from '../../runtime/tf.js';
import { stackEvent } from '../../runtime/functions.js';
import { makeDistribution } from '../../runtime/distributions/index.js';
import { send } from '../../runtime/effects/messages.js';
import { padEventAxes, sumEvent } from '../../runtime/layout.js';
import type { LoweredFactor, LoweredLoop, LoweredSite, LoweredStmt } from '../lower/program.js';
import { compileExpr, compileTensor, type Env } from './expressions.js';
import { compileChain } from './chain.js';
import { sendFactor } from './factor.js';

export type Step = (env: Env) => void;

export function compileBlock(stmts: readonly LoweredStmt[]): Step[] {
  return stmts.map((stmt): Step => {
    switch (stmt.kind) {
      case 'let': {
        const value = compileExpr(stmt.value);
        const name = stmt.name;
        return (env) => {
          env.values.set(name, value(env));
        };
      }
      case 'sample':
        return compileSite(stmt);
      case 'loop':
        return loopOver(stmt, compileBlock(stmt.body));
      case 'factor':
        return compileFactor(stmt);
      case 'chain': {
        const body = compileBlock(stmt.loop.body);
        return compileChain(stmt, compileBlock(stmt.init), loopOver(stmt.loop, body), body);
      }
    }
  });
}

/** The compiled `body` once per value of the loop's variable, in order. */
function loopOver(loop: LoweredLoop, body: readonly Step[]): Step {
  const { variable, from, to } = loop;
  return (env) => {
    for (let t = from; t < to; t++) {
      env.loops.set(variable, t);
      runSteps(body, env);
    }
    env.loops.delete(variable);
  };
}

function compileFactor(factor: LoweredFactor): Step {
  const value = compileTensor(factor.value);
  const { name, plate } = factor;
  const weight = factor.scale;
  return (env) => {
    // Inside loops each iteration's factor is a site of its own.
    const at = [...env.loops.values()];
    sendFactor(env.stack, { name: at.length ? `${name}[${at.join(', ')}]` : name, plate, ...(weight !== undefined ? { weight } : {}) }, sumEvent(value(env)));
  };
}

/** Store element `at` of `name`; once every element is there, the whole value too ([P, B, N, ...]). */
function storeElement(env: Env, name: string, count: number, at: number, value: Tensor): void {
  let elements = env.elements.get(name);
  if (!elements) {
    elements = new Array<Tensor | undefined>(count).fill(undefined);
    env.elements.set(name, elements);
  }
  elements[at] = value;
  if (elements.some((e) => e === undefined)) return;
  env.values.set(name, stackEvent(elements as Tensor[]));
}

function compileSite(site: LoweredSite): Step {
  const args = site.args.map((a) => {
    const raw = compileTensor(a.value);
    const rank = a.rank;
    return [a.name, (env: Env) => padEventAxes(raw(env), rank)] as const;
  });
  const baselineOf = site.baseline ? compileTensor(site.baseline) : undefined;
  const { name, block, target, plate, shape, estimator, rule, enumerated, element } = site;
  const weight = site.scale;
  const distName = site.dist.name;
  const elementAt = (env: Env): number | undefined => {
    if (!element) return undefined;
    if (element.kind === 'at') return element.at;
    const t = env.loops.get(element.variable);
    if (t === undefined) throw new Error(`internal: loop variable '${element.variable}' read outside its loop`);
    return t;
  };
  return (env) => {
    const fn = makeDistribution(distName, Object.fromEntries(args.map(([argName, c]): [string, Tensor] => [argName, c(env)])));
    const at = elementAt(env);
    const msg = send(env.stack, {
      type: 'sample',
      name: at === undefined ? name : `${name}[${at}]`,
      block,
      kind: target,
      plate,
      fn,
      eventShape: shape,
      ...(at === undefined ? {} : { element: { of: name, at } }),
      observed: false,
      scale: 1,
      infer: {
        estimator,
        rule,
        // A guide's site is marked by the handler that sums over it: encoding draws it instead.
        enumerated: enumerated && block === 'model',
        ...(baselineOf ? { baseline: baselineOf(env) } : {}),
        ...(weight !== undefined ? { weight } : {}),
      },
      stop: false,
    });
    if (at === undefined || !element) env.values.set(name, msg.value);
    else storeElement(env, name, element.count, at, msg.value);
  };
}

export function runSteps(steps: readonly Step[], env: Env): void {
  for (const step of steps) step(env);
}
