// The fairness of a coin (the Beta-Bernoulli model of Pyro's SVI tutorial, part I) through the
// public API: a Beta(10, 10) prior on the probability of heads, ten tosses (6 heads, 4 tails)
// given as an array in memory, and a Beta guide whose two positive parameters SVI fits. The
// exact posterior is Beta(16, 14): mean 0.5333, sd 0.0896.
//
// Run from the repository after `npm run build`: node examples/coin.mjs
import { fit, loadModel, arrayData } from 'ppl-vi';

const source = `
data   x : binary          // one toss: 1 = heads
global p : unit            // the probability of heads, shared by every toss

param alpha_q : positive = 15
param beta_q  : positive = 15

model {
  p ~ Beta(10, 10)
  x ~ Bernoulli(probs = p)
}

guide {
  p ~ Beta(alpha_q, beta_q)
}
`;

const model = loadModel(source, { file: 'coin.ppl' });
const tosses = arrayData({ x: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] });

// Full-batch SVI: one step per epoch over the ten tosses. Eight particles per step keep the
// gradient noise small; there is no test set to evaluate.
const { trained } = await fit(model, tosses, { epochs: 1500, batchSize: 10, particles: 8, lr: 0.03, seed: 'coin' });
const { p } = trained.summary({ draws: 1000, seed: 'coin' });
trained.dispose();

console.log(JSON.stringify({ p: { mean: p.mean[0], sd: p.sd[0] } }));
