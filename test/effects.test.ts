// The effect handlers one by one, on a small compiled program: what each does to the messages a
// run sends, and that compositions of them give the runs the engine is made of.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { Trace, type TraceSite } from '../runtime/trace.js';
import { send, type Handler, type Message, type SampleMessage } from '../runtime/effects/messages.js';
import { block, condition, enumerate, estimators, mask, plate, replay, scale, seed, subsample, substitute, trace } from '../runtime/effects/handlers.js';
import { traceGuide, traceModel } from '../inference/run.js';
import { compileOk } from './helpers.js';

const SOURCE = `
data   x : real[2]
latent z : real[2]
global w : real
param  s : positive = 0.5
model {
  w ~ Normal(0, 1)
  z ~ Normal(w, 1)
  x ~ Normal(z, s)
}
guide {
  w ~ Normal(0.3, 0.1)
  z ~ Normal(x, 0.2)
}
`;

const X = tf.tensor([[[1, 2], [3, 4], [5, 6]]]); // [1, M = 3, 2]

function run(handlers: Handler[]): { guide: Trace; model: Trace } {
  const program = compileOk(SOURCE, 'effects');
  const inputs = new Map([['x', X]]);
  const guide = traceGuide(program, inputs, handlers);
  return { guide, model: traceModel(program, inputs, handlers, guide) };
}

beforeAll(async () => {
  await initBackend('auto');
});

describe('effect handlers', () => {
  it('plate lays out [particles, rows, ...event]: rows for local sites, 1 for global ones; seed gives the draws their stream', () => {
    const { guide } = run([seed(new Rng('a')), plate(4, 3)]);
    expect(guide.get('z')!.value.shape).toEqual([4, 3, 2]);
    expect(guide.get('w')!.value.shape).toEqual([4, 1]);
  });

  it('the same seed gives the same draws, another seed other draws', () => {
    const draw = (s: string): number[] => Array.from(run([seed(new Rng(s)), plate(2, 3)]).guide.get('z')!.value.dataSync());
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('without a plate or a seed a draw is an internal error that says which handler is missing', () => {
    expect(() => run([seed(new Rng('a'))])).toThrow(/without a plate handler/);
    expect(() => run([plate(1, 3)])).toThrow(/without a seed handler/);
  });

  it('replay gives the model the guide draws; condition observes data; trace records both', () => {
    const { guide, model } = run([seed(new Rng('r')), plate(2, 3), condition(new Map([['x', X]]))]);
    expect(Array.from(model.get('z')!.value.dataSync())).toEqual(Array.from(guide.get('z')!.value.dataSync()));
    expect(model.get('x')!.observed).toBe(true);
    expect(model.get('z')!.observed).toBe(false);
    expect(Array.from(model.get('x')!.value.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('without condition, data sites are sampled from the likelihood (ancestral sampling)', () => {
    const program = compileOk(SOURCE, 'effects');
    const model = traceModel(program, new Map(), [seed(new Rng('s')), plate(1, 5)]);
    expect(model.get('x')!.value.shape).toEqual([1, 5, 2]);
    expect(model.get('x')!.observed).toBe(false);
  });

  it('substitute sets sites and params, inner values winning over outer ones', () => {
    const program = compileOk(SOURCE, 'effects');
    const w = tf.tensor([[7]]);
    const model = traceModel(program, new Map([['x', X]]), [
      substitute((msg: Message) => (msg.type === 'param' && msg.name === 's' ? tf.scalar(2) : undefined)),
      substitute(new Map([['w', w]])),
      seed(new Rng('t')),
      plate(1, 3),
    ]);
    expect(model.get('w')!.value.dataSync()[0]).toBe(7);
    // z ~ Normal(w, 1) reads the substituted w; x ~ Normal(z, s) the substituted s
    expect(Array.from((model.get('z')!.dist as unknown as { loc: tf.Tensor }).loc.dataSync())).toEqual([7]);
    expect(Array.from((model.get('x')!.dist as unknown as { scale: tf.Tensor }).scale.dataSync())).toEqual([2]);
  });

  it('mask zeroes the masked entries of a log-density; scale and subsample multiply a site\'s weight', () => {
    const m = tf.tensor([[[1, 0], [1, 1], [0, 0]]]);
    const masked = run([mask(new Map([['x', m]])), seed(new Rng('m')), plate(1, 3), condition(new Map([['x', X]]))]).model.get('x')!;
    const plain = run([seed(new Rng('m')), plate(1, 3), condition(new Map([['x', X]]))]).model.get('x')!;
    const per = (site: TraceSite, i: number): number => site.logProb.dataSync()[i]!;
    expect(per(masked, 2)).toBe(0);
    expect(per(masked, 1)).toBeCloseTo(per(plain, 1), 5);
    expect(per(masked, 0)).toBeLessThan(0);
    const scaled = run([subsample(30, 3), scale(0.5, (msg) => msg.name === 'w'), seed(new Rng('m')), plate(1, 3)]).model;
    expect(scaled.get('z')!.scale).toBe(10);
    expect(scaled.get('x')!.scale).toBe(10);
    expect(scaled.get('w')!.scale).toBe(1);
    expect(scaled.get('w')!.weight).toBe(0.5);
    expect(scaled.get('z')!.weight).toBe(1);
  });

  it('block hides the messages it selects from the handlers outside it, the trace among them', () => {
    const { guide } = run([block((msg) => msg.type === 'sample' && msg.plate === 'local'), seed(new Rng('b')), plate(1, 3)]);
    expect([...guide.sites.keys()]).toEqual(['w']);
  });

  it('estimators rewrites every unpinned site\'s estimator; the default is the lowering\'s', () => {
    expect(run([seed(new Rng('e')), plate(1, 3)]).guide.get('z')!.estimator).toBe('reparam');
    expect(run([estimators('score'), seed(new Rng('e')), plate(1, 3)]).guide.get('z')!.estimator).toBe('score');
  });

  it('enumerate grows the particle axis by the joint values and repeats the draws given to it', () => {
    const program = compileOk(
      'data x : real\nlatent c : binary\nlatent z : real\nmodel {\n  c ~ Bernoulli(0.5) @enumerate\n  z ~ Normal(0, 1)\n  x ~ Normal(z + c, 1)\n}\nguide { z ~ Normal(x, 1) }\n',
      'enum',
    );
    const x = tf.tensor([[0.5, 1.5]]);
    const handlers = [seed(new Rng('n')), plate(3, 2), condition(new Map([['x', x]]))];
    const guide = traceGuide(program, new Map([['x', x]]), handlers);
    const model = traceModel(program, new Map([['x', x]]), handlers, guide);
    expect(model.enumeration).toBe(2);
    expect(model.get('c')!.value.shape).toEqual([6, 1]);
    expect(Array.from(model.get('c')!.value.dataSync())).toEqual([0, 1, 0, 1, 0, 1]);
    // guide draw p is row p * 2 + k of the model's particle axis, for both values k of c
    const q = guide.get('z')!.value.arraySync() as number[][];
    const p = model.get('z')!.value.arraySync() as number[][];
    for (let i = 0; i < 3; i++) for (const k of [0, 1]) expect(p[i * 2 + k]).toEqual(q[i]);
    // the handler itself, on one message: a table value tiled over the particles
    const table = enumerate(2, [{ name: 'c', values: tf.tensor([[0], [1]], [2, 1]) }]);
    const message: SampleMessage = {
      type: 'sample',
      name: 'c',
      block: 'model',
      kind: 'latent',
      plate: 'local',
      fn: model.get('c')!.dist,
      eventShape: [],
      observed: false,
      scale: 1,
      infer: { estimator: 'score', rule: { reparameterizable: false }, enumerated: false },
      stop: false,
    };
    const msg = send([table, plate(2, 1)], message);
    expect(msg.batchShape).toEqual([4, 1]);
    expect(Array.from(msg.value.dataSync())).toEqual([0, 1, 0, 1]);
    expect(msg.infer.enumerated).toBe(true);
  });

  it('replay, condition and trace compose into one SVI pass in the order the engine uses', () => {
    const t = new Trace('guide');
    const program = compileOk(SOURCE, 'effects');
    program.guide([trace(t), seed(new Rng('c')), plate(1, 3)], new Map([['x', X]]));
    const model = new Trace('model');
    program.model([trace(model), seed(new Rng('c')), plate(1, 3), condition(new Map([['x', X]])), replay(t)], new Map([['x', X]]));
    expect([...model.sites.keys()]).toEqual(['w', 'z', 'x']);
    expect(model.get('w')!.value).toBe(t.get('w')!.value);
  });
});
