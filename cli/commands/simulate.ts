// `ppl simulate FILE --n N`: a synthetic data set drawn from the model's generative process,
// with the params at their declared inits or from a checkpoint (--params); CSV that
// `ppl train FILE --data csv:OUT` reads back, or IDX for binary 784-pixel images.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { writeFileSafely, describeBackend, idxImageData, inputData, inputsFromCsv, loadTrained, simulate, simulatedCsv, simulatedIdx, untrainedModel, useBackend, UserError, type BackendChoice, type TrainedModel, lowerModel, formatCount } from '../../api/index.js';
import { loadProgram } from '../load.js';
import { positiveInt } from '../flags.js';
import { backendOption, seedOption } from '../options.js';
import { CHECKPOINT_FILE, runsDir } from '../runs.js';
import { DESCRIPTIONS } from './descriptions.js';

interface SimulateFlags {
  n?: number;
  params?: string;
  inputs?: string;
  format: 'auto' | 'csv' | 'idx';
  globals: 'prior' | 'guide-mean';
  out?: string;
  seed: string;
  backend: BackendChoice;
}

const DEFAULT_N = 1000;

function writeAtomically(file: string, body: string | Uint8Array): void {
  writeFileSafely(file, body, { what: 'output' });
}

function describeValues(values: Float32Array): string {
  if (values.length > 6) return `${values.length} values`;
  const shown = Array.from(values, (v) => Number(v.toPrecision(4)));
  return values.length === 1 ? String(shown[0]) : `[${shown.join(', ')}]`;
}

export async function runSimulate(file: string, flags: SimulateFlags): Promise<void> {
  const { model, warnings } = loadProgram(file);
  const checked = model.checked;
  if (warnings) process.stderr.write(`${warnings}\n\n`);
  if (checked.data.length === 0) throw new UserError(`${file}: declares no data, so there is nothing to simulate`);
  const lowered = lowerModel(model);
  const format = flags.format === 'auto' ? (idxImageData(lowered) ? 'idx' : 'csv') : flags.format;
  if (format === 'idx' && !idxImageData(lowered)) {
    throw new UserError(`--format idx writes one data declaration of binary[784] images; ${file} declares ${checked.data.map((d) => d.name).join(', ')}: use --format csv`);
  }

  let inputs: Map<string, Float32Array> | undefined;
  let n = flags.n ?? DEFAULT_N;
  if (flags.inputs !== undefined) {
    const spec = flags.inputs;
    if (!spec.startsWith('csv:') || spec.length === 4) throw new UserError(`--inputs '${spec}': expected csv:PATH, a CSV file holding the inputs' columns`);
    const read = await inputsFromCsv(lowered, spec.slice(4), flags.n);
    inputs = read.values;
    n = read.n;
  }

  const backend = await useBackend(flags.backend);
  process.stdout.write(`${describeBackend(backend)}\n`);
  let instance: TrainedModel;
  let outDefault: string;
  if (flags.params !== undefined) {
    const ckptPath = fs.existsSync(flags.params) && fs.statSync(flags.params).isDirectory() ? path.join(flags.params, CHECKPOINT_FILE) : flags.params;
    instance = await loadTrained(model, ckptPath, { seed: flags.seed });
    if (instance.sourceChanged) process.stderr.write(`warning: ${ckptPath} was trained from a different version of ${file}; the parameter shapes match, so it is used as is\n`);
    process.stdout.write(`params: from ${ckptPath}\n`);
    outDefault = path.join(path.dirname(ckptPath), 'simulate');
  } else {
    instance = untrainedModel(model, { seed: flags.seed });
    const nets = checked.nets.length ? `; nets at their random initial weights (seed ${flags.seed})` : '';
    process.stdout.write(`params: at their declared initial values${nets} (pass --params CHECKPOINT for trained ones)\n`);
    outDefault = path.join(runsDir(file), 'simulate');
  }
  try {
    if (flags.globals === 'guide-mean' && flags.params === undefined) throw new UserError('--globals guide-mean needs trained guide parameters: pass --params CHECKPOINT');
    const sim = simulate(instance, n, { inputs, globals: flags.globals, seed: flags.seed });
    for (const name of sim.drawnInputs) {
      process.stdout.write(`note: data ${name} is an input (never ~-ed in the model), so it is drawn standard normal; give it with --inputs csv:PATH\n`);
    }
    if (flags.inputs !== undefined) process.stdout.write(`inputs ${inputData(lowered).map((d) => d.name).join(', ')}: the first ${n} rows of ${flags.inputs.slice(4)}\n`);
    const globalText = [...sim.globals].map(([name, g]) => `${name} = ${describeValues(g.values)}`);
    const globalHow = flags.globals === 'guide-mean' ? 'global latents at their guide means' : 'global latents drawn once from their priors';
    const out = flags.out ?? path.join(outDefault, format === 'idx' ? 'images-idx3-ubyte' : 'data.csv');
    if (format === 'idx') writeAtomically(out, simulatedIdx(lowered, sim));
    else writeAtomically(out, simulatedCsv(lowered, sim));
    process.stdout.write(
      `simulated ${formatCount(n)} points of ${checked.data.map((d) => d.name).join(', ')} (local latents from their priors` +
        `${globalText.length ? `; ${globalHow}: ${globalText.join(', ')}` : ''}; seed ${flags.seed})\n` +
        `${format === 'idx' ? 'IDX images (pixels 0 or 255)' : 'CSV'}: ${out}\n` +
        `train on it: ppl train ${file} --data ${format === 'idx' ? 'idx' : 'csv'}:${out}\n`,
    );
  } finally {
    instance.dispose();
  }
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(DESCRIPTIONS.simulate)
    .argument('<file>', 'the .ppl model')
    .option('--n <n>', `number of data points (default ${DEFAULT_N}, or the rows of --inputs)`, positiveInt('--n'))
    .option('--params <checkpoint>', "take params and nets from this checkpoint.json (or run folder) instead of the declared initial values")
    .option('--inputs <spec>', 'csv:PATH: values of the inputs (data never ~-ed, e.g. regression covariates), one row per point; without it real inputs are drawn standard normal')
    .addOption(new Option('--globals <how>', 'global latents: drawn once from their priors, or held at their guide means (with --params)').choices(['prior', 'guide-mean']).default('prior'))
    .addOption(new Option('--format <format>', 'output format: auto is IDX for a single binary[784] data declaration, CSV otherwise').choices(['auto', 'csv', 'idx']).default('auto'))
    .option('--out <path>', 'output file (default: runs/<model>/simulate/data.csv, or beside the --params checkpoint)')
    .addOption(seedOption())
    .addOption(backendOption())
    .action(async (file: string, opts: SimulateFlags) => runSimulate(file, opts));
}
