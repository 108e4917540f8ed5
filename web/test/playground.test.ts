// The playground in a real browser: Debian's Chromium driven by playwright-core, headless,
// against the built page (web/dist, `npm run build:web`) served on 127.0.0.1 with the
// cross-origin isolation headers. Each state is saved as a screenshot under web/test-output/.
// Run with `npm run test:web` (builds first). Chromium: `apt-get install -y chromium`, or
// CHROMIUM_PATH naming another build.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error a plain ES module without types (the test's own helper)
import { serve } from '../scripts/serve.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'web', 'test-output');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const FREY = path.resolve(ROOT, '../shared/data/frey/frey_rawface.mat');
const BUILT = existsSync(path.join(ROOT, 'web', 'dist', 'index.html'));

interface Playground {
  backend?: string;
  state: string;
  steps: { step: number; elbo: number; running: number }[];
  diagnostics(): { line: number; column: number; message: string; severity: string }[];
}

let browser: Browser;
let page: Page;
let server: { url: string; close(): Promise<void> };

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: false });
const playground = <T>(f: (p: Playground) => T): Promise<T> => page.evaluate(`(${f.toString()})(window.pplPlayground)`) as Promise<T>;

async function openExample(name: string): Promise<void> {
  await page.selectOption('#example', name);
  await page.waitForFunction(() => /^checks/.test(document.getElementById('check-status')!.textContent ?? ''), null, { timeout: 15_000 });
}

async function setTraining(fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
}

async function waitForState(states: string[], timeout: number): Promise<string> {
  await page.waitForFunction((s) => s.includes(document.getElementById('progress')!.dataset.state ?? ''), states, { timeout, polling: 250 });
  return (await page.getAttribute('#progress', 'data-state'))!;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(!CHROMIUM || !BUILT)(`the playground in headless Chromium${CHROMIUM ? '' : ' (skipped: no Chromium; apt-get install -y chromium)'}${BUILT ? '' : ' (skipped: web/dist not built; npm run build:web)'}`, () => {
  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    server = await serve({ root: path.join(ROOT, 'web', 'dist') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens on the wasm backend with the model checked', async () => {
    await page.goto(`${server.url}?backend=wasm`);
    await page.waitForFunction(() => document.getElementById('backend')!.dataset.backend, null, { timeout: 60_000 });
    expect(await playground((p) => p.backend)).toBe('wasm');
    await openExample('vae.ppl');
    expect(await page.textContent('#backend')).toMatch(/wasm/);
    expect(await page.locator('.cm-content').textContent()).toContain('net encoder');
    await shot('01-open');
  });

  it('underlines a typo at its line and shows the message on hover', async () => {
    await openExample('vae.ppl');
    const text = (await page.locator('.cm-content').innerText()).replace(/\u00a0/g, ' ');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('Bernoulli(logits'));
    expect(at).toBeGreaterThan(0);
    await page.click('.cm-content');
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(lines.map((l, i) => (i === at ? l.replace('Bernoulli', 'Bernouli') : l)).join('\n'));
    await page.waitForSelector('.cm-lintRange-error', { timeout: 15_000 });
    const diagnostics = await playground((p) => p.diagnostics());
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]!.line).toBe(at + 1);
    expect(diagnostics[0]!.message).toMatch(/Bernouli/);
    expect(await page.getAttribute('#check-status', 'data-errors')).not.toBe('0');
    await page.hover('.cm-lintRange-error');
    const tooltip = await page.waitForSelector('.cm-tooltip-lint', { timeout: 10_000 });
    expect(await tooltip.textContent()).toMatch(/Bernouli/);
    await shot('02-typo');
    expect(await page.isDisabled('#start')).toBe(true);
  });

  it('trains vae.ppl for 100 steps on wasm with the ELBO rising, and pauses and resumes', async () => {
    await openExample('vae.ppl');
    await page.selectOption('#data-kind', 'mnist');
    await setTraining({ 'train-size': '2000', 'test-size': '500', epochs: '5', 'batch-size': '100', lr: '0.001', seed: '0' });
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('progress')!.dataset.steps ?? 0) >= 10, null, { timeout: 120_000 });
    await page.click('#pause');
    await waitForState(['paused'], 10_000);
    const held = (await playground((p) => p.steps.length)) as number;
    await page.waitForTimeout(700);
    expect(await playground((p) => p.steps.length)).toBe(held);
    await page.click('#resume');
    expect(await waitForState(['finished', 'failed'], 300_000)).toBe('finished');
    const steps = (await playground((p) => p.steps)) as Playground['steps'];
    expect(steps.length).toBe(100);
    const first = mean(steps.slice(0, 10).map((s) => s.elbo));
    const last = mean(steps.slice(-10).map((s) => s.elbo));
    console.log(`vae.ppl on wasm: ELBO ${first.toFixed(1)} over the first 10 steps, ${last.toFixed(1)} over the last 10`);
    expect(last).toBeGreaterThan(first + 20);
    await page.waitForFunction(() => Number((document.getElementById('samples') as HTMLCanvasElement).dataset.tiles ?? 0) === 32, null, { timeout: 20_000 });
    await shot('03-vae-trained');
  });

  it('downloads a checkpoint that the command line loads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ckpt-download')]);
    const file = path.join(OUT, 'vae-checkpoint.json');
    await download.saveAs(file);
    const ckpt = JSON.parse(readFileSync(file, 'utf8')) as { epoch: number; step: number; backend: string; flags: Record<string, unknown> };
    expect(ckpt.step).toBe(100);
    expect(ckpt.backend).toBe('wasm');
    expect(ckpt.flags['data']).toBe('mnist');
    const out = path.join(OUT, 'cli-sample');
    const { stdout } = await run(process.execPath, [CLI, 'sample', path.join(ROOT, 'models', 'vae.ppl'), '--checkpoint', file, '--n', '16', '--out', out, '--backend', 'wasm'], { cwd: ROOT });
    console.log(`ppl sample with the page's checkpoint:\n${stdout.trim()}`);
    expect(statSync(path.join(out, 'samples.png')).size).toBeGreaterThan(100);
  });

  it('draws the latent manifold of a 2-D VAE while it trains', async () => {
    await openExample('vae_2d.ppl');
    await setTraining({ 'train-size': '2000', 'test-size': '500', epochs: '3', 'batch-size': '100', lr: '0.003' });
    await page.click('#start');
    await page.waitForFunction(() => Number((document.getElementById('manifold') as HTMLCanvasElement).dataset.tiles ?? 0) === 144, null, { timeout: 120_000 });
    expect(await page.isVisible('#manifold-panel')).toBe(true);
    expect(await waitForState(['finished', 'failed'], 300_000)).toBe('finished');
    const distinct = await page.evaluate(() => {
      const c = document.getElementById('manifold') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const levels = new Set<number>();
      for (let i = 0; i < d.length; i += 4) levels.add(d[i]!);
      return { width: c.width, levels: levels.size };
    });
    expect(distinct.width).toBeGreaterThan(100);
    expect(distinct.levels).toBeGreaterThan(20);
    await page.locator('#manifold-panel').scrollIntoViewIfNeeded();
    await shot('04-manifold');
  });

  it('compares gradient estimators: score-function variance above pathwise', async () => {
    await page.fill('#grads-repeats', '10');
    await page.click('#grads-run');
    await page.waitForSelector('#grads-table tr[data-estimator="score+loo"]', { timeout: 240_000 });
    const variance = async (label: string): Promise<number> => Number(await page.getAttribute(`#grads-table tr[data-estimator="${label}"]`, 'data-variance'));
    const reparam = await variance('reparam');
    const score = await variance('score');
    console.log(`total gradient variance at the trained 2-D VAE: reparam ${reparam.toExponential(3)}, score ${score.toExponential(3)}, score+mavg ${(await variance('score+mavg')).toExponential(3)}, score+nvil ${(await variance('score+nvil')).toExponential(3)}, score+loo ${(await variance('score+loo')).toExponential(3)}`);
    expect(score).toBeGreaterThan(10 * reparam);
    await page.locator('#grads-chart').scrollIntoViewIfNeeded();
    await shot('05-estimators');
  });

  it('loads a checkpoint written by ppl train', async () => {
    const out = path.join(OUT, 'cli-train');
    await run(process.execPath, [CLI, 'train', path.join(ROOT, 'models', 'vae_2d.ppl'), '--epochs', '1', '--train-size', '300', '--test-size', '100', '--out', out, '--backend', 'wasm'], { cwd: ROOT });
    const file = path.join(out, 'checkpoint.json');
    expect(existsSync(file)).toBe(true);
    await page.setInputFiles('#ckpt-load', file);
    await page.waitForFunction(() => document.getElementById('ckpt-status')!.dataset.loaded === 'checkpoint.json', null, { timeout: 30_000 });
    expect(await page.textContent('#ckpt-status')).toMatch(/epoch 1, step 3/);
    await shot('06-cli-checkpoint');
  });

  it('trains on an uploaded CSV file bound by column names, with the posterior summary of a global', async () => {
    const csv = path.join(OUT, 'heights.csv');
    const values = Array.from({ length: 200 }, (_, i) => 1.7 + 0.1 * Math.sin(i * 12.9898));
    writeFileSync(csv, `id,height_m\n${values.map((v, i) => `${i},${v.toFixed(4)}`).join('\n')}\n`);
    await page.selectOption('#example', '');
    await page.click('.cm-content');
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText('data y : real\nglobal m : real\nmodel {\n  m ~ Normal(0, 10)\n  y ~ Normal(m, 0.1)\n}\nguide {\n  m ~ auto\n}\n');
    await page.waitForFunction(() => /^checks/.test(document.getElementById('check-status')!.textContent ?? ''), null, { timeout: 15_000 });
    await page.selectOption('#data-kind', 'csv');
    await page.setInputFiles('#csv-file', csv);
    await page.fill('#columns', 'y=height_m');
    await page.fill('#test-fraction', '0.1');
    await setTraining({ epochs: '40', 'batch-size': '60', lr: '0.05' });
    await page.click('#start');
    expect(await waitForState(['finished', 'failed'], 120_000)).toBe('finished');
    await page.waitForSelector('#summary table.summary', { timeout: 20_000 });
    const m = Number(await page.locator('#summary tbody tr td:nth-child(3)').first().textContent());
    const truth = values.reduce((a, b) => a + b, 0) / values.length;
    console.log(`CSV upload: posterior mean of m ${m.toFixed(3)} (mean of the column ${truth.toFixed(3)}); ${await page.textContent('#data-status')}`);
    expect(Math.abs(m - truth)).toBeLessThan(0.05);
    await page.locator('#summary-panel').scrollIntoViewIfNeeded();
    await shot('07-csv-summary');
  });

  it('trains with the options chosen (IWAE, Adagrad), stops between two steps and keeps a checkpoint of where it stopped', async () => {
    await setTraining({ epochs: '400', 'batch-size': '60', lr: '0.05', particles: '2' });
    await page.selectOption('#objective', 'iwae');
    await page.selectOption('#optimizer', 'adagrad');
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('progress')!.dataset.steps ?? 0) >= 8, null, { timeout: 60_000 });
    await page.click('#stop');
    expect(await waitForState(['stopped', 'failed'], 60_000)).toBe('stopped');
    const steps = (await playground((p) => p.steps.length)) as number;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ckpt-download')]);
    const file = path.join(OUT, 'stopped-checkpoint.json');
    await download.saveAs(file);
    const ckpt = JSON.parse(readFileSync(file, 'utf8')) as { step: number; epoch: number; flags: Record<string, unknown> };
    expect(ckpt.step).toBe(steps);
    expect(ckpt.flags).toMatchObject({ objective: 'iwae', optimizer: 'adagrad', particles: 2 });
    expect(ckpt.epoch).toBe(Math.floor(steps / 3));
  });

  it.skipIf(!existsSync(FREY))(`trains the Frey Face VAE on the user's file${existsSync(FREY) ? '' : ' (skipped: ../shared/data/frey/frey_rawface.mat absent)'}`, async () => {
    await openExample('vae_frey_2d.ppl');
    expect(await page.inputValue('#data-kind')).toBe('frey');
    await page.setInputFiles('#frey-file', FREY);
    await setTraining({ epochs: '1', 'batch-size': '100', lr: '0.001' });
    await page.click('#start');
    expect(await waitForState(['finished', 'failed'], 120_000)).toBe('finished');
    expect(await page.textContent('#data-status')).toMatch(/Frey Face.*1,769 train/);
    await page.waitForFunction(() => Number((document.getElementById('manifold') as HTMLCanvasElement).dataset.tiles ?? 0) === 144, null, { timeout: 30_000 });
    await page.locator('#pictures').scrollIntoViewIfNeeded();
    await shot('08-frey');
  });
});
