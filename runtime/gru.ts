// A gated recurrent unit (Cho et al. 2014, PyTorch's nn.GRU equations) over a sequence
// [..., T, F]: the hidden state of every step [..., T, H], or only the last [..., H]; stacked
// layers feed each layer's states to the next; optional dense heads read the states.
//   r = sigmoid(x W_ir + b_ir + h W_hr + b_hr)
//   z = sigmoid(x W_iz + b_iz + h W_hz + b_hz)
//   n = tanh(x W_in + b_in + r * (h W_hn + b_hn))
//   h' = (1 - z) * n + z * h,   h_0 = 0
// The input projections of all steps are one matmul; each step is one [n, H] x [H, 3H] matmul
// through the dense path (explicit-transpose gradients on wasm).
import { tf, type Tensor } from './tf.js';
import { denseForProgram } from './dense.js';
import type { ParamStore } from './params.js';
import type { Rng } from './random.js';
import { Heads, ownParam, type MlpHead, type NetModule, type NetOutput } from './nets.js';

export interface GruSpec {
  name: string;
  /** Input features, then the hidden size of each stacked layer. */
  layers: readonly number[];
  /** Only the last step's state (a summary of the sequence), not every step's. */
  last: boolean;
  heads?: readonly MlpHead[];
}

interface GruLayer {
  wi: string;
  bi: string;
  wh: string;
  bh: string;
  hidden: number;
}

export class Gru implements NetModule {
  private readonly layers: GruLayer[] = [];
  private readonly heads?: Heads;

  constructor(
    readonly spec: GruSpec,
    private readonly store: ParamStore,
    rng: Rng,
  ) {
    for (let i = 0; i + 1 < spec.layers.length; i++) {
      const f = spec.layers[i]!;
      const h = spec.layers[i + 1]!;
      // PyTorch initializes every GRU weight and bias uniform in +-1/sqrt(hidden).
      const p = `${spec.name}.gru${i}`;
      this.layers.push({
        wi: ownParam(store, `${p}.input.weight`, [f, 3 * h], h, rng),
        bi: ownParam(store, `${p}.input.bias`, [3 * h], h, rng),
        wh: ownParam(store, `${p}.hidden.weight`, [h, 3 * h], h, rng),
        bh: ownParam(store, `${p}.hidden.bias`, [3 * h], h, rng),
        hidden: h,
      });
    }
    if (spec.heads) this.heads = new Heads(spec.heads, spec.layers[spec.layers.length - 1]!, spec.name, store, rng);
  }

  apply(x: Tensor): NetOutput {
    const rank = x.shape.length;
    const lead = x.shape.slice(0, rank - 2);
    const steps = x.shape[rank - 2]!;
    const features = x.shape[rank - 1]!;
    let seq = tf.reshape(x, [-1, steps, features]) as tf.Tensor3D;
    const n = seq.shape[0];
    let states: tf.Tensor2D[] = [];
    for (const layer of this.layers) {
      states = this.layer(layer, seq, n, steps);
      if (layer !== this.layers[this.layers.length - 1]) seq = tf.stack(states, 1) as tf.Tensor3D;
    }
    const width = this.spec.layers[this.spec.layers.length - 1]!;
    const out = this.spec.last ? states[states.length - 1]! : (tf.reshape(tf.stack(states, 1), [n * steps, width]) as tf.Tensor2D);
    const outLead = this.spec.last ? lead : [...lead, steps];
    if (this.heads) return this.heads.apply(out, outLead);
    return tf.reshape(out, [...outLead, width]);
  }

  private layer(p: GruLayer, seq: tf.Tensor3D, n: number, steps: number): tf.Tensor2D[] {
    const hs = p.hidden;
    const wi = this.store.variable(p.wi) as tf.Tensor as tf.Tensor2D;
    const bi = this.store.variable(p.bi) as tf.Tensor as tf.Tensor1D;
    const wh = this.store.variable(p.wh) as tf.Tensor as tf.Tensor2D;
    const bh = this.store.variable(p.bh) as tf.Tensor as tf.Tensor1D;
    const projected = tf.reshape(denseForProgram(tf.reshape(seq, [n * steps, seq.shape[2]]) as tf.Tensor2D, wi, bi, 'linear'), [n, steps, 3 * hs]);
    const inputs = tf.unstack(projected, 1) as tf.Tensor2D[];
    let h = tf.zeros([n, hs]) as tf.Tensor2D;
    const out: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const [xr, xz, xn] = tf.split(inputs[t]!, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const [hr, hz, hn] = tf.split(denseForProgram(h, wh, bh, 'linear'), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const r = tf.sigmoid(tf.add(xr, hr));
      const z = tf.sigmoid(tf.add(xz, hz));
      const cand = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      h = tf.add(cand, tf.mul(z, tf.sub(h, cand))) as tf.Tensor2D;
      out.push(h);
    }
    return out;
  }
}
