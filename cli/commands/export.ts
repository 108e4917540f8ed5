// `ppl export FILE`: a checkpoint's parameters as plain JSON (nested arrays of each parameter's
// shape, constrained as the model uses them), for tools that do not read checkpoints:
// --out (default params.json beside the checkpoint). The format is docs/checkpoint-format.md.
import * as path from 'node:path';
import type { Command } from 'commander';
import { exportParameters, readCheckpoint, readModelFile, sourceHash, useBackend, writeFileSafely, formatCount } from '../../api/index.js';
import { latestCheckpoint } from '../runs.js';
import { reportedPath } from '../trained.js';

interface ExportFlags {
  checkpoint?: string;
  out?: string;
}

export async function runExport(file: string, flags: ExportFlags): Promise<void> {
  const source = readModelFile(file);
  const checkpointPath = flags.checkpoint ?? latestCheckpoint(file);
  const checkpoint = readCheckpoint(checkpointPath);
  if (checkpoint.model.sha256 !== sourceHash(source)) {
    process.stderr.write(`warning: ${checkpointPath} was trained from a different version of ${file} (source hash differs); its parameters are exported as saved\n`);
  }
  await useBackend('cpu');
  const exported = exportParameters(checkpoint);
  const out = flags.out ?? path.join(path.dirname(checkpointPath), 'params.json');
  writeFileSafely(out, `${JSON.stringify(exported)}\n`, { what: 'export' });
  const count = checkpoint.params.reduce((n, p) => n + p.values.length, 0);
  process.stdout.write(`${Object.keys(exported.parameters).length} parameters (${formatCount(count)} values) of ${reportedPath(checkpointPath)} (epoch ${checkpoint.epoch}): ${reportedPath(out)}\n`);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write a checkpoint's parameters as plain JSON: each one nested arrays of its shape, as the model uses it")
    .argument('<file>', 'the .ppl model')
    .option('--checkpoint <file>', 'checkpoint written by ppl train (default: runs/<model>/run-<n>/checkpoint.json of the latest run)')
    .option('--out <file>', 'the JSON file to write (default: params.json beside the checkpoint)')
    .action(async (file: string, opts: ExportFlags) => runExport(file, opts));
}
