// Topic models on a small corpus simulated by LDA's generative process (models/topics.csv: 1,000
// documents of 20 to 150 words over a vocabulary of 24, K = 4 topics drawn from Dirichlet(0.2),
// topic proportions from Dirichlet(0.3); seed 'topics', test/reference/topics.ts). A true topic
// is recovered when the learned topic matched to it (the best one-to-one matching) has a
// cosine similarity above the stated tolerance. Training seeds are fixed; the tolerances can
// fail: untrained topics (uniform word distributions) score 0.32-0.54.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrayData, fit, loadModel } from '../api/index.js';
import { Rng } from '../runtime/random.js';
import { matchTopics, simulateCorpus } from './reference/topics.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const K = 4;
const V = 24;
const corpus = simulateCorpus({ topics: K, vocabulary: V, documents: 1000, minLength: 20, maxLength: 150, topicConcentration: 0.2, docConcentration: 0.3 }, new Rng('topics'));

/** Rows of K x V word weights (row-major) as word distributions: softmax of each row. */
function softmaxRows(flat: readonly number[]): number[][] {
  return Array.from({ length: K }, (_, k) => {
    const row = flat.slice(k * V, (k + 1) * V);
    const top = Math.max(...row);
    const e = row.map((x) => Math.exp(x - top));
    const total = e.reduce((s, x) => s + x, 0);
    return e.map((x) => x / total);
  });
}

/** Trains `name` on the corpus; its learned topics (word distributions) and the time taken. */
async function learnedTopics(name: 'lda' | 'prodlda', seed: string): Promise<{ topics: number[][]; seconds: number }> {
  const model = loadModel(fs.readFileSync(path.join(ROOT, 'models', `${name}.ppl`), 'utf8'), { file: `models/${name}.ppl` });
  const before = performance.now();
  const { trained } = await fit(model, arrayData({ counts: corpus.counts }), { epochs: 30, batchSize: 50, lr: 0.02, seed });
  const seconds = (performance.now() - before) / 1000;
  const s = trained.summary();
  trained.dispose();
  // LDA's topics are its simplex param phi; ProdLDA's are softmax of the rows of beta.
  const topics = name === 'lda' ? softmaxRows(s.phi!.mean.map(Math.log)) : softmaxRows(s.beta!.mean);
  return { topics, seconds };
}

describe('topic models on a simulated corpus with documents of different lengths', () => {
  it('models/topics.csv is the corpus of the simulator (seed topics), documents of 20 to 150 words', () => {
    const lines = fs.readFileSync(path.join(ROOT, 'models', 'topics.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(Array.from({ length: V }, (_, i) => `counts_${i}`).join(','));
    expect(lines.slice(1)).toEqual(corpus.counts.map((r) => r.join(',')));
    expect(Math.min(...corpus.lengths)).toBe(20);
    expect(Math.max(...corpus.lengths)).toBe(150);
    const untrained = matchTopics(corpus.topics, softmaxRows(Array.from({ length: K * V }, () => 0))).similarity;
    expect(Math.max(...untrained)).toBeLessThan(0.6);
  });

  it('LDA (models/lda.ppl, word topics summed out) recovers every topic: cosine similarity > 0.98', async () => {
    const { topics, seconds } = await learnedTopics('lda', 'lda');
    const { similarity } = matchTopics(corpus.topics, topics);
    console.log(`lda: cosine similarity of the matched topics ${similarity.map((s) => s.toFixed(3)).join(' ')}; ${seconds.toFixed(1)} s`);
    for (const s of similarity) expect(s).toBeGreaterThan(0.98);
  });

  it('ProdLDA (models/prodlda.ppl, a product of experts, not the mixture that made the data) matches every topic: cosine similarity > 0.85', async () => {
    const { topics, seconds } = await learnedTopics('prodlda', 'prodlda');
    const { similarity } = matchTopics(corpus.topics, topics);
    console.log(`prodlda: cosine similarity of the matched topics ${similarity.map((s) => s.toFixed(3)).join(' ')}; ${seconds.toFixed(1)} s`);
    for (const s of similarity) expect(s).toBeGreaterThan(0.85);
  });
});
