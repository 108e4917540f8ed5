// Net heads constrained to an interval: `scale: D interval(lo, hi)` squashes the head's linear
// output u into lo + (hi - lo) sigmoid(u). Every output lies strictly inside (lo, hi), and the
// ELBO's gradient reaches the head's weights through the squashing. Seeds: 'interval-heads'
// (net init), 'interval-heads-data' (inputs), 'interval-heads-elbo' (guide draws).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { headTransform } from '../runtime/constraints.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { compileOk, minibatch, makeSvi } from './helpers.js';

beforeAll(async () => {
  await initBackend('auto');
});

const SOURCE = `
const S = 2
data   x : real[4]
latent z : real[3]

net enc : mlp(4 -> 8, tanh) -> { loc: 3, scale: 3 interval(0.05, S), shift: 5 interval(-S, 0.5) }

model {
  z ~ Normal(0, 1)
  x ~ Normal(sum(z), 1)
}

guide {
  let q = enc(x)
  z ~ Normal(q.loc + 0 * q.shift[0], q.scale)
}
`;

function gaussianRows(rng: Rng, rows: number, cols: number, scale: number): number[][] {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => scale * Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform())),
  );
}

describe('interval net heads', () => {
  it('headTransform maps u to lo + (hi - lo) sigmoid(u)', () => {
    const u = tf.tensor1d([-3, -0.5, 0, 0.5, 3]);
    const got = headTransform(u, { kind: 'interval', low: -2, high: 0.5 }).arraySync() as number[];
    const want = [-3, -0.5, 0, 0.5, 3].map((v) => -2 + 2.5 / (1 + Math.exp(-v)));
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
  });

  it('keeps every output strictly inside (lo, hi), over leading axes (seeds interval-heads, interval-heads-data)', () => {
    const program = compileOk(SOURCE, 'interval-heads');
    const enc = program.nets.get('enc')!;
    const lowered = program.lowered.nets.find((n) => n.name === 'enc')!;
    expect(lowered.heads!.map((h) => [h.name, h.size, h.constraint])).toEqual([
      ['loc', 3, 'real'],
      ['scale', 3, { kind: 'interval', low: 0.05, high: 2 }],
      ['shift', 5, { kind: 'interval', low: -2, high: 0.5 }],
    ]);
    const rng = new Rng('interval-heads-data');
    // Inputs of scale 4 spread the heads' outputs over most of their intervals.
    const x = tf.tensor(gaussianRows(rng, 2 * 64, 4, 4).flat(), [2, 64, 4]);
    const out = enc.apply(x) as Record<string, tf.Tensor>;
    for (const [name, lo, hi, size] of [
      ['scale', 0.05, 2, 3],
      ['shift', -2, 0.5, 5],
    ] as const) {
      expect(out[name]!.shape).toEqual([2, 64, size]);
      const values = Array.from(out[name]!.dataSync());
      for (const v of values) {
        expect(v).toBeGreaterThan(lo);
        expect(v).toBeLessThan(hi);
      }
      // Not a constant: the head does depend on its input.
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.1 * (hi - lo));
    }
    program.dispose();
  });

  it('passes the ELBO gradient through the interval head to its weights and the trunk (seed interval-heads-elbo)', () => {
    const program = compileOk(SOURCE, 'interval-heads');
    const svi = makeSvi(program, makeOptimizer('adam', 0.01), { particles: 4 });
    const rows = gaussianRows(new Rng('interval-heads-data'), 16, 4, 1);
    const batch = minibatch({ x: { rows, shape: [4] } });
    const rng = new Rng('interval-heads-elbo');
    const { value, grads } = tf.variableGrads(() => svi.loss(batch, rows.length, rng), program.params.variables());
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    const byName = new Map(Object.entries(grads));
    const headsWeight = byName.get(program.params.variableNameOf('enc.heads.weight'))!;
    // The heads share one [8, 3 + 3 + 5] matrix: columns 3..5 are the scale head's.
    const scaleCols = tf.slice(headsWeight, [0, 3], [8, 3]);
    const scaleBias = tf.slice(byName.get(program.params.variableNameOf('enc.heads.bias'))!, [3], [3]);
    for (const g of [scaleCols, scaleBias, byName.get(program.params.variableNameOf('enc.layer0.weight'))!]) {
      const values = Array.from(g.dataSync());
      expect(values.every(Number.isFinite)).toBe(true);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(1e-6);
    }
    // The shift head is multiplied by 0: its columns get an exactly zero gradient.
    expect(Array.from(tf.slice(headsWeight, [0, 6], [8, 5]).dataSync()).every((v) => v === 0)).toBe(true);
    svi.dispose();
    program.dispose();
  });
});
