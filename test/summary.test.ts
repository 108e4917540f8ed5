// The posterior summary: exact quantiles where the guide has a closed form, draws otherwise;
// the table, CSV and JSON forms; `ppl summary` on a run folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummary, loadModel, summaryCsv, summaryTable, untrainedModel, type PosteriorSummary } from '../api/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');
const Z95 = 1.6448536269514722;

// A mean-field guide (Normal and LogNormal from params: exact) and one whose argument is another
// global's draw (by draws).
const SOURCE = `
data y : real
global m : real
global s : positive
global d : real[2]
param c : real = 0.25
model {
  m ~ Normal(0, 1)
  s ~ LogNormal(0, 1)
  d ~ Normal(m, 1)
  y ~ Normal(m + c, s)
}
guide {
  m ~ auto
  s ~ auto
  d ~ Normal(m, 0.5)
}
`;

describe('posterior summary', () => {
  const model = loadModel(SOURCE);

  it('is exact for Normal and LogNormal guides with fixed arguments, and from draws (seeded) otherwise', () => {
    const trained = untrainedModel(model, { seed: 'sum' });
    const s = trained.summary({ draws: 4000, seed: 'sum' });
    expect(Object.keys(s)).toEqual(['m', 's', 'd', 'c']);
    expect(s.m).toMatchObject({ kind: 'global', method: 'exact', guide: 'Normal', shape: [] });
    const m = s.m!;
    expect(m.q95[0]! - m.mean[0]!).toBeCloseTo(Z95 * m.sd[0]!, 5);
    expect(m.q50[0]).toBeCloseTo(m.mean[0]!, 6);
    // LogNormal: the median exp(mu), the mean exp(mu + sigma^2 / 2), quantiles exp(mu +- 1.645 sigma)
    const ls = s.s!;
    expect(ls).toMatchObject({ method: 'exact', guide: 'LogNormal' });
    const mu = Math.log(ls.q50[0]!);
    const sigma = Math.log(ls.q95[0]! / ls.q50[0]!) / Z95;
    expect(ls.mean[0]).toBeCloseTo(Math.exp(mu + (sigma * sigma) / 2), 4);
    expect(ls.q05[0]).toBeCloseTo(Math.exp(mu - Z95 * sigma), 4);
    // d ~ Normal(m, 0.5) with m drawn: marginal sd sqrt(sd_m^2 + 0.25), by 4000 draws (tolerance 10%)
    expect(s.d).toMatchObject({ method: 'draws', shape: [2] });
    for (const sd of s.d!.sd) expect(sd / Math.sqrt(m.sd[0]! ** 2 + 0.25)).toBeGreaterThan(0.9);
    for (const sd of s.d!.sd) expect(sd / Math.sqrt(m.sd[0]! ** 2 + 0.25)).toBeLessThan(1.1);
    expect(s.c).toEqual({ kind: 'param', method: 'value', shape: [], mean: [0.25], sd: [0], q05: [0.25], q50: [0.25], q95: [0.25] });
    expect(trained.summary({ draws: 4000, seed: 'sum' })).toEqual(s);
    trained.dispose();
  });

  it('tables a row per element of small tensors and one aggregate row for large ones; CSV and JSON keep every element', () => {
    const big = Array.from({ length: 30 }, (_, i) => i);
    const summary: PosteriorSummary = {
      W: { kind: 'global', method: 'exact', guide: 'Normal', shape: [3, 10], mean: big, sd: big.map(() => 1), q05: big.map((v) => v - 1.6), q50: big, q95: big.map((v) => v + 1.6) },
      v: { kind: 'global', method: 'draws', guide: 'Beta', shape: [2], mean: [0.2, 0.7], sd: [0.1, 0.1], q05: [0.05, 0.5], q50: [0.2, 0.7], q95: [0.4, 0.85] },
    };
    const table = summaryTable(summary);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^name\s+guide\s+mean\s+sd\s+5%\s+50%\s+95%$/);
    expect(lines[1]).toMatch(/^W\[3x10\]\*\s+Normal\s+14\.5\s+1\s+-1\.6\s+14\.5\s+30\.6$/);
    expect(lines[2]).toMatch(/^v\[0\]\s+Beta, draws\s+0\.2\s+0\.1\s+0\.05\s+0\.2\s+0\.4$/);
    expect(lines[3]).toMatch(/^v\[1\]/);
    expect(table).toContain('*: more elements than fit');
    expect(summaryTable(summary, { maxRows: 50 }).split('\n').filter((l) => l.startsWith('W['))).toHaveLength(30);
    const csv = summaryCsv(summary).trim().split('\n');
    expect(csv).toHaveLength(1 + 30 + 2);
    expect(csv[12]).toBe('W,11,"[1,1]",global,Normal,exact,11,1,9.4,11,12.6');
    expect(JSON.parse(formatSummary(summary, 'json'))).toEqual(summary);
  });
});

describe.skipIf(!fs.existsSync(BIN))('ppl summary (built by `npm run build`)', () => {
  it('summarizes a run folder; --format csv --out - writes the CSV alone to stdout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-summary-'));
    const file = path.join(dir, 'coin.ppl');
    fs.writeFileSync(file, 'data x : binary\nglobal p : unit\nmodel {\n  p ~ Beta(2, 2)\n  x ~ Bernoulli(probs = p)\n}\nguide {\n  p ~ auto\n}\n');
    fs.writeFileSync(path.join(dir, 'coin.csv'), `x\n${Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 0 : 1)).join('\n')}\n`);
    const ppl = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const train = ppl(['train', 'coin.ppl', '--data', 'csv:coin.csv', '--test-fraction', '0.1', '--epochs', '40', '--batch-size', '12', '--lr', '0.05', '--out', 'run']);
    expect(train.status, train.stderr).toBe(0);
    const table = ppl(['summary', 'coin.ppl', '--checkpoint', 'run']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/\np\s+Beta, draws\s+0\.\d+/);
    expect(fs.existsSync(path.join(dir, 'run', 'summary', 'summary.txt'))).toBe(true);
    const csv = ppl(['summary', 'coin.ppl', '--checkpoint', 'run', '--format', 'csv', '--out', '-']);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('name,element,index,kind,guide,method,mean,sd,q05,q50,q95');
    expect(csv.stdout.trim().split('\n')).toHaveLength(2);
    expect(csv.stderr).toMatch(/^backend: /);
    // 30 of 36 training points are 1: the posterior mean is near 0.8
    expect(Number(csv.stdout.split('\n')[1]!.split(',')[6])).toBeGreaterThan(0.6);
  });
});

describe('the low effective sample size warning', () => {
  it('fires below max(20, 1% of K), saying what it means and what to try', async () => {
    const { lowEssWarning, essThreshold } = await import('../api/index.js');
    expect([essThreshold(1000), essThreshold(3000)]).toEqual([20, 30]);
    const w = lowEssWarning({ ess: 7.9, k: 3000, estimate: 'the filled-in part', remedies: ['--method gibbs'] });
    expect(w).toMatch(/^warning: low effective sample size: 7\.9 of 3000 draws \(0\.26%\)/);
    expect(w).toContain('Try: --method gibbs.');
    expect(lowEssWarning({ ess: 25, k: 1000, estimate: 'log p(x)', remedies: [] })).toBeUndefined();
    expect(lowEssWarning({ ess: 19, k: 1000, estimate: 'log p(x)', remedies: ['a larger --k'] })).toContain('log p(x) rests on them');
  });
});
