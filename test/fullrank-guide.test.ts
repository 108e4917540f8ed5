// `w ~ auto(fullrank)`: a joint Normal over global latents. On Bayesian linear regression with
// strongly correlated inputs the exact posterior of the weights is a correlated Gaussian,
// N(S X^T y, S) with S = (I + X^T X)^-1: the full-rank guide must reach its marginal sds (within
// 10%, seed 'fullrank', 3,000 steps), where the mean-field guide can only reach
// sqrt(1 / (I + X^T X)_ii), far below them (it must stay under 70% of them: the test can fail
// either way).
import { describe, expect, it } from 'vitest';
import { arrayData, fit, loadModel } from '../api/index.js';
import { checkSource } from '../lang/checker/index.js';
import { Rng } from '../runtime/random.js';

const source = (guide: string): string =>
  `data x : real[2]\ndata y : real\nglobal w : real[2]\nmodel {\n  w ~ Normal(0, 1)\n  y ~ Normal(sum(w * x), 1)\n}\nguide {\n  w ~ ${guide}\n}\n`;

describe('full-rank automatic guide', () => {
  const rng = new Rng('fullrank-data');
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
  const xs = Array.from({ length: 20 }, () => {
    const a = normal();
    return [a, a + 0.3 * normal()];
  });
  const ys = xs.map(([a, b]) => 1 * a! - 0.5 * b! + normal());
  // precision I + X^T X, its inverse S
  const p = [1, 0, 0, 1];
  for (const [a, b] of xs) {
    p[0]! += a! * a!;
    p[1]! += a! * b!;
    p[2]! += a! * b!;
    p[3]! += b! * b!;
  }
  const det = p[0]! * p[3]! - p[1]! * p[2]!;
  const exactSd = [Math.sqrt(p[3]! / det), Math.sqrt(p[0]! / det)];

  async function sds(guide: string): Promise<number[]> {
    const { trained } = await fit(loadModel(source(guide), { file: 'blr.ppl' }), arrayData({ x: xs, y: ys }), { steps: 3000, batchSize: 20, lr: 0.02, particles: 8, seed: 'fullrank', evaluateTest: false });
    const s = trained.summary({ draws: 4000, seed: 'fullrank' });
    trained.dispose();
    return s.w!.sd;
  }

  it('reaches the marginal sds of a correlated Gaussian posterior, which mean-field cannot', async () => {
    const full = await sds('auto(fullrank)');
    const mean = await sds('auto');
    console.log(`posterior sds of w: exact ${exactSd.map((v) => v.toFixed(3)).join(', ')}; full-rank ${full.map((v) => v.toFixed(3)).join(', ')}; mean-field ${mean.map((v) => v.toFixed(3)).join(', ')}`);
    full.forEach((sd, i) => expect(Math.abs(sd / exactSd[i]! - 1)).toBeLessThan(0.1));
    mean.forEach((sd, i) => expect(sd / exactSd[i]!).toBeLessThan(0.7));
  }, 120_000);

  it('is checked: one known option, global latents, supports with a bijection from the reals', () => {
    const cases: [string, RegExp][] = [
      [source('auto(fulrank)'), /9:12: unknown automatic guide 'fulrank' \(did you mean 'fullrank'\?\)|9:12: unknown automatic guide 'fulrank'/],
      [source('auto(fullrank, flows = 2)'), /9:22: `auto\(fullrank\)` takes no options/],
      [source('auto(iaf, flows = 0)'), /flows must be a whole number from 1 to 16, got 0/],
      [source('auto(iaf)'), /`w ~ auto\(iaf\)`: a flow guide is for local real latents, and w is global: write `w ~ auto\(fullrank\)`/],
      ['data x : real\nlatent z : real\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, 1)\n}\nguide {\n  z ~ auto(fullrank)\n}\n', /8:12: `z ~ auto\(fullrank\)`: a full-rank guide is for global latents/],
      ['data x : real\nglobal s : simplex[3]\nmodel {\n  s ~ Dirichlet([1, 1, 1])\n  x ~ Normal(s[0], 1)\n}\nguide {\n  s ~ auto(fullrank)\n}\n', /8:12: `s ~ auto\(fullrank\)`: there is no full-rank guide for simplex/],
    ];
    for (const [text, message] of cases) {
      const out = checkSource('a.ppl', text).diagnostics.map((d) => `${d.span.line}:${d.span.column}: ${d.message}`).join('\n');
      expect(out).toMatch(message);
    }
  });
});
