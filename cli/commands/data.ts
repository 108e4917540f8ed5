// `ppl data frey --to DIR`: fetch the Frey Face file from Sam Roweis's page (or copy a local
// one with --from), verify its SHA-256 and its MAT-file layout, and write it atomically.
import { formatCount, FREY_FILE, FREY_SHA256, FREY_URL, installFrey, installMnist } from '../../api/index.js';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions.js';

interface FreyFlags {
  to: string;
  from?: string;
  url?: string;
}

export async function runDataFrey(flags: FreyFlags): Promise<void> {
  if (flags.from === undefined && !existsSync(path.join(flags.to, FREY_FILE))) process.stdout.write(`downloading ${flags.url ?? FREY_URL} ...\n`);
  const r = await installFrey({ to: flags.to, from: flags.from, url: flags.url });
  const what = r.action === 'present' ? 'already there and verified' : r.action === 'downloaded' ? 'downloaded and verified' : `copied from ${flags.from} and verified`;
  process.stdout.write(`${r.file}: ${what} (sha256 ${FREY_SHA256.slice(0, 12)}..., ${formatCount(r.count)} faces of 28x20)\nuse it with: --data frey:${flags.to}\n`);
}

interface MnistFlags {
  to: string;
  from: string;
}

export async function runDataMnist(flags: MnistFlags): Promise<void> {
  const r = await installMnist({ to: flags.to, from: flags.from });
  for (const f of r.files) process.stdout.write(`${f.file}: ${f.action === 'present' ? 'already there and verified' : `copied from ${flags.from} and verified`}\n`);
  process.stdout.write(`full MNIST (60,000 train / 10,000 test digits) in ${r.dir}\nuse it with: --data mnist:${r.dir}\n`);
}

export function registerData(program: Command): void {
  const data = program.command('data').description(DESCRIPTIONS.data);
  data
    .command('frey')
    .description(`download the Frey Face data (${FREY_FILE}, 1,965 faces of 28x20) from Sam Roweis's page, verify its SHA-256, write it atomically`)
    .option('--to <dir>', 'folder to put frey_rawface.mat in', 'data/frey')
    .option('--from <file>', 'install this local copy instead of downloading (verified the same way)')
    .option('--url <url>', 'download from this address instead', FREY_URL)
    .action(async (opts: FreyFlags) => runDataFrey(opts));
  data
    .command('mnist')
    .description('install full MNIST (the four IDX files, raw or .gz) from a local copy, each verified by the SHA-256 of the published file and its item count, written atomically')
    .requiredOption('--from <dir>', 'the folder holding train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz)')
    .option('--to <dir>', 'folder to put the four files in', 'data/mnist')
    .action(async (opts: MnistFlags) => runDataMnist(opts));
}
