// The playground page: an editor checked as one types, data, training in the tab with live
// views, the gradient-estimator comparison, and checkpoints shared with the command line.
import {
  BASELINES,
  ESTIMATORS,
  KL_MODES,
  OBJECTIVES,
  OPTIMIZERS,
  checkModel,
  gradsChartSpec,
  elboChartSpec,
  lowerModel,
  parseCheckpoint,
  restoreModel,
  serializeCheckpoint,
  stepElboChartSpec,
  untrainedModel,
  isNotApplicable,
  sitesOf,
  type Checkpoint,
  type EpochRecord,
  type GradientReport,
  type LoweredProgram,
  type Model,
  type ModelCheck,
  type StepElboPoint,
  type TrainedModel,
  type TrainObjective,
} from 'ppl-vi/engine';
import { chooseBackend, PAGE_BACKENDS, type PageBackend, type PageBackendInfo } from './backend.js';
import { openChoice, type DataChoice, type OpenedData } from './data.js';
import { createEditor } from './editor.js';
import { TrainingSession, type SessionState } from './session.js';
import { drawGrid, showChart, summaryTable, type Picture } from './views.js';
import { loadSource, saveSource, shareLink } from './storage.js';

const EXAMPLES = import.meta.glob('../../models/*.ppl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const examples = new Map(Object.entries(EXAMPLES).map(([path, text]) => [path.split('/').pop()!, text]));

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page lacks #${id}`);
  return el as T;
};
const input = (id: string): HTMLInputElement => $<HTMLInputElement>(id);
const num = (id: string): number => Number(input(id).value);

// ------------------------------------------------------------------ state

let fileName = 'vae.ppl';
let lastCheck: ModelCheck | undefined;
let session: TrainingSession | undefined;
let loaded: { trained: TrainedModel; checkpoint: Checkpoint } | undefined;
let opened: { key: string; data: OpenedData } | undefined;
let backend: PageBackendInfo | undefined;
let steps: StepElboPoint[] = [];
let epochs: EpochRecord[] = [];
let lastViews = 0;
let viewsBusy = false;
/** The estimator comparison runs on the parameters as they are: training waits meanwhile. */
let comparing = false;

/** What automation (the browser tests) reads; the page never depends on it. */
const playground = {
  get backend() {
    return backend?.name;
  },
  get state(): SessionState | 'idle' {
    return session?.state ?? 'idle';
  },
  get steps() {
    return steps.map((s) => ({ ...s }));
  },
  get epochs() {
    return epochs.map((e) => ({ ...e }));
  },
  diagnostics: () => lastCheck?.diagnostics.map((d) => ({ line: d.span.line, column: d.span.column, message: d.message, severity: d.severity })) ?? [],
  grads: undefined as GradientReport | undefined,
  /** The local and global latents of the model the views show. */
  latents: () => shownModel()?.program.lowered.latents.map((l) => ({ name: l.name, plate: l.plate, shape: [...l.shape] })),
};
(window as unknown as { pplPlayground: typeof playground }).pplPlayground = playground;

// ------------------------------------------------------------------ the editor

function describeCheck(check: ModelCheck): string {
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = check.diagnostics.length - errors;
  if (errors) return `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}: ${check.diagnostics.find((d) => d.severity === 'error')!.formatted.split('\n')[0]}`;
  const lowered = loweredOf(check.model!);
  const parts = [
    `data ${lowered.data.map((d) => (d.shape.length ? `${d.name}[${d.shape.join(', ')}]` : d.name)).join(', ')}`,
    lowered.latents.length ? `latents ${lowered.latents.map((l) => `${l.name} (${l.plate})`).join(', ')}` : 'no latents',
  ];
  return `checks${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}: ${parts.join('; ')}`;
}

const loweredCache = new WeakMap<Model, LoweredProgram>();
function loweredOf(model: Model): LoweredProgram {
  let l = loweredCache.get(model);
  if (!l) loweredCache.set(model, (l = lowerModel(model)));
  return l;
}

let lastCheckText: string | undefined;

function onCheck(text: string, check: ModelCheck): void {
  lastCheck = check;
  lastCheckText = text;
  const status = $('check-status');
  status.textContent = describeCheck(check);
  status.className = check.ok ? (check.diagnostics.length ? 'warn' : 'ok') : 'error';
  status.dataset.errors = String(check.diagnostics.filter((d) => d.severity === 'error').length);
  saveSource(fileName, text);
  $('start').toggleAttribute('disabled', !check.ok || (session?.active ?? false));
}

const saved = loadSource();
fileName = saved?.file ?? 'vae.ppl';
const editor = createEditor($('editor'), saved?.text ?? examples.get(fileName) ?? examples.get('vae.ppl') ?? '', () => fileName, onCheck);

/** The check of the editor's text as it is now (the linter runs after a pause in typing). */
function currentCheck(): ModelCheck {
  const text = editor.text();
  if (lastCheck && lastCheckText === text) return lastCheck;
  const check = checkModel(text, { file: fileName });
  onCheck(text, check);
  return check;
}

const exampleSelect = $<HTMLSelectElement>('example');
for (const name of [...examples.keys()].sort()) exampleSelect.add(new Option(name, name));
exampleSelect.value = examples.has(fileName) ? fileName : '';

function openExample(name: string): void {
  const text = examples.get(name);
  if (text === undefined) return;
  fileName = name;
  editor.setText(text);
  suggestData();
}
exampleSelect.addEventListener('change', () => openExample(exampleSelect.value));

$('share').addEventListener('click', async () => {
  const link = shareLink(fileName, editor.text());
  history.replaceState(null, '', link);
  try {
    await navigator.clipboard.writeText(link);
    $('share').textContent = 'link copied';
  } catch {
    $('share').textContent = 'link in the address bar';
  }
  setTimeout(() => ($('share').textContent = 'share link'), 2000);
});

// ------------------------------------------------------------------ data

const dataKind = $<HTMLSelectElement>('data-kind');
function showDataFields(): void {
  for (const kind of ['mnist', 'frey', 'csv']) $(`data-${kind}`).hidden = dataKind.value !== kind;
}
dataKind.addEventListener('change', showDataFields);

/** Picks the data a model needs: digits for 784 values, faces for 560, a CSV file otherwise. */
function suggestData(): void {
  const model = currentCheck().model;
  if (!model) return;
  const modelled = loweredOf(model).data.filter((d) => d.modelled);
  const size = modelled.length === 1 ? modelled[0]!.shape.reduce((a, b) => a * b, 1) : undefined;
  dataKind.value = size === 784 ? 'mnist' : size === 560 ? 'frey' : 'csv';
  showDataFields();
}
suggestData();

async function readFile(id: string): Promise<{ name: string; bytes: Uint8Array } | undefined> {
  const f = input(id).files?.[0];
  return f && { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
}

async function currentData(): Promise<OpenedData> {
  let choice: DataChoice;
  let key: string;
  if (dataKind.value === 'mnist') {
    choice = { kind: 'mnist', trainSize: num('train-size'), testSize: num('test-size'), binarize: $<HTMLSelectElement>('binarize').value as 'dynamic' };
    key = JSON.stringify(choice);
  } else if (dataKind.value === 'frey') {
    const f = await readFile('frey-file');
    if (!f) throw new Error('choose the Frey Face file (frey_rawface.mat) first');
    choice = { kind: 'frey', file: f.name, bytes: f.bytes };
    key = `frey:${f.name}:${f.bytes.length}`;
  } else {
    const f = await readFile('csv-file');
    if (!f) throw new Error('choose a CSV file first');
    const columns = input('columns').value.split(';').map((c) => c.trim()).filter(Boolean);
    const tf = input('test-fraction').value.trim();
    choice = { kind: 'csv', file: f.name, text: new TextDecoder().decode(f.bytes), columns, testFraction: tf === '' ? undefined : Number(tf) };
    key = `csv:${f.name}:${f.bytes.length}:${columns.join(';')}:${tf}`;
  }
  if (opened?.key !== key) opened = { key, data: await openChoice(choice) };
  $('data-status').textContent = opened.data.split.description;
  return opened.data;
}

// ------------------------------------------------------------------ training

function setState(state: SessionState | 'idle', detail?: string): void {
  const running = state === 'running' || state === 'starting';
  $('start').toggleAttribute('disabled', comparing || running || state === 'paused' || state === 'stopping' || !(lastCheck?.ok ?? false));
  $('pause').toggleAttribute('disabled', state !== 'running');
  $('resume').toggleAttribute('disabled', comparing || state !== 'paused');
  $('stop').toggleAttribute('disabled', !(running || state === 'paused'));
  const p = $('progress');
  p.dataset.state = state;
  if (detail) p.textContent = `${state}: ${detail}`;
  else if (state !== 'running') p.textContent = `${state}${steps.length ? ` after ${steps.length} steps` : ''}`;
  if (state === 'paused' || state === 'finished' || state === 'stopped') void refreshViews(true);
}

async function start(): Promise<void> {
  const check = currentCheck();
  if (!check?.ok || !check.model) return;
  if (session?.active) return;
  setState('starting');
  let data: OpenedData;
  try {
    data = await currentData();
  } catch (e) {
    setState('failed', e instanceof Error ? e.message : String(e));
    return;
  }
  session?.dispose();
  const resume = loaded && input('continue').checked ? loaded.checkpoint : undefined;
  steps = [];
  epochs = resume ? [...resume.history] : [];
  const options = {
    epochs: num('epochs'),
    batchSize: num('batch-size'),
    lr: num('lr'),
    particles: num('particles'),
    seed: input('seed').value || '0',
    ...chosenOptions(),
    ...data.record,
    resume,
  };
  session = new TrainingSession(check.model, data.split, options, {
    onState: (s, d) => setState(s, d),
    onStart: (s) => {
      $('progress').textContent = `${s.parameters.toLocaleString()} parameters, ${s.stepsPerEpoch} steps per epoch, ${s.objective}`;
    },
    onStep: (info) => {
      steps.push({ step: info.totalStep, elbo: info.elbo, running: info.runningElbo });
      $('progress').textContent = `epoch ${info.epoch}/${options.epochs}, step ${info.stepInEpoch}/${info.stepsInEpoch}: ELBO ${info.runningElbo.toFixed(2)} (${info.samplesPerSecond.toFixed(0)} points/s)`;
      $('progress').dataset.steps = String(steps.length);
      if (performance.now() - lastViews > 1500) void refreshViews(false);
    },
    onEpoch: (r) => {
      epochs.push(r);
      void showChart($('elbo-epochs'), elboChartSpec(epochs));
    },
  });
}

/** The option selects, filled from the engine's registries. */
function fillOptions(): void {
  const fill = (id: string, values: readonly string[], chosen: string): void => {
    const select = $<HTMLSelectElement>(id);
    for (const v of values) select.add(new Option(v, v));
    select.value = chosen;
  };
  fill('optimizer', OPTIMIZERS, 'adam');
  fill('objective', OBJECTIVES.filter((o) => o !== 'renyi'), 'elbo');
  fill('estimator', ESTIMATORS, 'auto');
  fill('kl', KL_MODES, 'analytic');
  for (const b of BASELINES) {
    const label = document.createElement('label');
    label.innerHTML = `<input type="checkbox" value="${b}"> ${b}`;
    $('baselines').append(' ', label);
  }
}
fillOptions();

function chosenOptions() {
  const select = (id: string): string => $<HTMLSelectElement>(id).value;
  return {
    optimizer: select('optimizer') as (typeof OPTIMIZERS)[number],
    objective: select('objective') as TrainObjective,
    estimator: select('estimator') as (typeof ESTIMATORS)[number],
    kl: select('kl') as (typeof KL_MODES)[number],
    baselines: [...document.querySelectorAll<HTMLInputElement>('#baselines input:checked')].map((c) => c.value as (typeof BASELINES)[number]),
  };
}

$('start').addEventListener('click', () => void start());
$('pause').addEventListener('click', () => session?.pause());
$('resume').addEventListener('click', () => session?.resume());
$('stop').addEventListener('click', () => session?.stop());

// ------------------------------------------------------------------ live views

/** The model the views show: the session's (live or trained), else a loaded checkpoint's. */
function shownModel(): TrainedModel | undefined {
  return session?.model() ?? loaded?.trained;
}

function pictureOf(model: TrainedModel, name: string, size: number): Picture | undefined {
  const p = model.pictureOf(name, opened?.data.split.train);
  if (p) return p;
  if (size === 784) return { rows: 28, cols: 28 };
  if (size === 560) return { rows: 28, cols: 20 };
  return undefined;
}

function note(id: string, text: string): void {
  $(id).textContent = text;
}

async function refreshViews(force: boolean): Promise<void> {
  if (viewsBusy && !force) return;
  viewsBusy = true;
  lastViews = performance.now();
  try {
    if (steps.length) await showChart($('elbo-steps'), stepElboChartSpec(thin(steps, 600)));
    const model = shownModel();
    if (!model) return;
    const lowered = model.program.lowered;
    const modelled = lowered.data.filter((d) => d.modelled);
    const primary = modelled.length === 1 ? modelled[0]! : undefined;
    const size = primary ? primary.shape.reduce((a, b) => a * b, 1) : 0;
    const picture = primary && pictureOf(model, primary.name, size);
    $('pictures').hidden = !picture;
    if (primary && picture) {
      try {
        const g = model.sample(32);
        drawGrid($<HTMLCanvasElement>('samples'), g.data.get(primary.name)!.values, 32, picture, 8);
        note('samples-note', `likelihood means of 32 draws from the prior (step ${steps.at(-1)?.step ?? 0})`);
      } catch (e) {
        note('samples-note', `no samples: ${(e as Error).message}`);
      }
      const test = opened?.data.split.test;
      if (test && test.size > 0) {
        try {
          const r = await model.reconstruct(test, { n: 8 });
          const both = new Float32Array(r.originals.length + r.reconstructions.length);
          both.set(r.originals);
          both.set(r.reconstructions, r.originals.length);
          drawGrid($<HTMLCanvasElement>('reconstructions'), both, 16, picture, 8);
          note('reconstructions-note', `test points (top) and their reconstructions (bottom); mean squared error ${r.error.mse.toFixed(4)}`);
        } catch (e) {
          note('reconstructions-note', `no reconstructions: ${(e as Error).message}`);
        }
      }
    }
    const locals = lowered.latents.filter((l) => l.plate === 'local' && !l.enumerated);
    const twoD = primary && picture && locals.length === 1 && locals[0]!.shape.reduce((a, b) => a * b, 1) === 2;
    $('manifold-panel').hidden = !twoD;
    if (twoD) {
      try {
        const grid = 12;
        const m = model.manifold({ grid });
        drawGrid($<HTMLCanvasElement>('manifold'), m.values, grid * grid, picture, grid, 2, 0);
        note('manifold-note', `${m.latent}[0] left to right, ${m.latent}[1] bottom to top, through the prior's 5%..95% quantiles`);
      } catch (e) {
        note('manifold-note', `no manifold: ${(e as Error).message}`);
      }
    }
    const hasGlobals = lowered.latents.some((l) => l.plate === 'global') || model.program.lowered.params.length > 0;
    $('summary-panel').hidden = !hasGlobals;
    if (hasGlobals) {
      try {
        $('summary').replaceChildren(summaryTable(model.summary({ draws: 200 })));
      } catch (e) {
        note('summary', `no summary: ${(e as Error).message}`);
      }
    }
  } finally {
    viewsBusy = false;
  }
}

/** At most `n` points, evenly spaced, keeping the last. */
function thin<T>(points: readonly T[], n: number): T[] {
  if (points.length <= n) return [...points];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(points[Math.round((i * (points.length - 1)) / (n - 1))]!);
  return out;
}

// ------------------------------------------------------------------ estimators

async function compareEstimators(): Promise<void> {
  const check = currentCheck();
  if (!check?.model) return;
  const button = $('grads-run');
  button.toggleAttribute('disabled', true);
  comparing = true;
  const wasRunning = session?.state === 'running';
  if (wasRunning) session!.pause();
  else setState(session?.state ?? 'idle');
  let own: TrainedModel | undefined;
  try {
    const data = await currentData();
    let model = shownModel();
    if (!model || model.model.sha256 !== check.model.sha256) model = own = untrainedModel(check.model, { seed: input('seed').value || '0' });
    const allPathwise = sitesOf(model.program.lowered, 'guide').every((s) => s.dist.reparameterizable);
    const labels = [...(allPathwise ? ['reparam'] : []), 'score', 'score+mavg', 'score+nvil', 'score+loo'];
    const repeats = num('grads-repeats');
    const reports: GradientReport[] = [];
    for (const label of labels) {
      note('grads-status', `estimating ${label} (${repeats} estimates)...`);
      await new Promise((r) => setTimeout(r, 0));
      reports.push(
        await model.gradientStats(data.split.train, [label], {
          repeats,
          batchSize: Math.min(100, data.split.train.size),
          warmup: 50,
          referenceRepeats: 4,
          referenceParticles: 4,
          particles: label.includes('loo') ? 2 : 1,
        }),
      );
    }
    const report: GradientReport = { ...reports[0]!, results: reports.flatMap((r) => r.results) };
    playground.grads = report;
    await showChart($('grads-chart'), gradsChartSpec(report, `gradient estimators at step ${steps.at(-1)?.step ?? 0}, ${repeats} estimates each`));
    const table = document.createElement('table');
    table.id = 'grads-table';
    table.innerHTML = '<thead><tr><th>estimator</th><th>particles</th><th>total variance</th><th>SNR</th><th>cosine to reference</th><th>ms per estimate</th></tr></thead>';
    for (const r of report.results) {
      const row = table.insertRow();
      row.dataset.estimator = r.spec.label;
      if (isNotApplicable(r)) row.innerHTML = `<td>${r.spec.label}</td><td>${r.spec.particles}</td><td colspan="4">not applicable: ${r.notApplicable}</td>`;
      else {
        row.dataset.variance = String(r.overall.totalVariance);
        row.innerHTML = `<td>${r.spec.label}</td><td>${r.spec.particles}</td><td>${r.overall.totalVariance.toExponential(3)}</td><td>${r.overall.snr.toFixed(4)}</td><td>${r.overall.cosine.toFixed(3)}</td><td>${r.msPerEstimate.toFixed(1)}</td>`;
      }
    }
    $('grads-table-box').replaceChildren(table);
    note('grads-status', `on the ${own ? 'initial' : 'current'} parameters, a minibatch of ${Math.min(100, data.split.train.size)} training points; reference: ${report.reference.spec.label}, ${report.reference.repeats} x ${report.reference.spec.particles} particles`);
  } catch (e) {
    note('grads-status', `failed: ${(e as Error).message}`);
  } finally {
    own?.dispose();
    button.toggleAttribute('disabled', false);
    comparing = false;
    if (wasRunning) session?.resume();
    else setState(session?.state ?? 'idle');
  }
}
$('grads-run').addEventListener('click', () => void compareEstimators());

// ------------------------------------------------------------------ checkpoints

$('ckpt-download').addEventListener('click', async () => {
  const ckpt = session ? await session.checkpoint() : loaded?.checkpoint;
  if (!ckpt) {
    note('ckpt-status', 'nothing trained yet');
    return;
  }
  const blob = new Blob([serializeCheckpoint(ckpt)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${fileName.replace(/\.ppl$/, '')}-checkpoint.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  note('ckpt-status', `saved epoch ${ckpt.epoch}, step ${ckpt.step}: ppl sample ${fileName} --checkpoint ${a.download}`);
});

input('ckpt-load').addEventListener('change', async () => {
  const f = input('ckpt-load').files?.[0];
  const model = currentCheck().model;
  if (!f || !model) return;
  try {
    const checkpoint = parseCheckpoint(await f.text(), f.name);
    const trained = restoreModel(model, checkpoint, { origin: f.name });
    loaded?.trained.dispose();
    loaded = { trained, checkpoint };
    if (session && !session.active) {
      session.dispose();
      session = undefined;
    }
    epochs = [...checkpoint.history];
    if (epochs.length) void showChart($('elbo-epochs'), elboChartSpec(epochs));
    for (const [flag, id] of [['epochs', 'epochs'], ['batchSize', 'batch-size'], ['lr', 'lr'], ['particles', 'particles'], ['seed', 'seed'], ['trainSize', 'train-size'], ['testSize', 'test-size']] as const) {
      const v = checkpoint.flags[flag];
      if (v !== undefined && v !== null) input(id).value = String(v);
    }
    for (const id of ['optimizer', 'objective', 'estimator', 'kl']) {
      const v = checkpoint.flags[id];
      if (typeof v === 'string' && [...$<HTMLSelectElement>(id).options].some((o) => o.value === v)) $<HTMLSelectElement>(id).value = v;
    }
    const baselines = checkpoint.flags['baselines'];
    for (const c of document.querySelectorAll<HTMLInputElement>('#baselines input')) c.checked = Array.isArray(baselines) && baselines.includes(c.value);
    if (typeof checkpoint.flags['data'] === 'string' && checkpoint.flags['data'] === 'mnist') dataKind.value = 'mnist';
    showDataFields();
    note('ckpt-status', `${f.name}: epoch ${checkpoint.epoch}, step ${checkpoint.step}, trained on ${checkpoint.backend}${trained.sourceChanged ? ' (from another version of the source)' : ''}`);
    $('ckpt-status').dataset.loaded = f.name;
    await currentData().catch(() => undefined);
    await refreshViews(true);
  } catch (e) {
    note('ckpt-status', `${f.name}: ${(e as Error).message}`);
  }
});

// ------------------------------------------------------------------ start-up

const backendSelect = $<HTMLSelectElement>('backend-choice');
for (const b of PAGE_BACKENDS) backendSelect.add(new Option(b, b));
const params = new URLSearchParams(location.search);
const wanted = (PAGE_BACKENDS as readonly string[]).includes(params.get('backend') ?? '') ? (params.get('backend') as PageBackend) : 'auto';
backendSelect.value = wanted;
backendSelect.addEventListener('change', () => {
  params.set('backend', backendSelect.value);
  location.search = params.toString();
});
showDataFields();
setState('idle');
try {
  backend = await chooseBackend(wanted);
  $('backend').textContent = `backend: ${backend.label}`;
  $('backend').title = backend.skipped.length ? `passed over: ${backend.skipped.join('; ')}` : '';
  $('backend').dataset.backend = backend.name;
} catch (e) {
  $('backend').textContent = (e as Error).message;
}
