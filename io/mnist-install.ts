// `installMnist`: puts the four files of full MNIST (LeCun et al.) into a folder from a local
// copy, raw or gzipped, under the dash or dot names. Each file is checked against the SHA-256 of
// the published file (of the .gz, or of its decompressed bytes) and parsed as IDX with the
// expected count before it is written, under a temporary name then renamed.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../runtime/errors.js';
import { parseIdxImages, parseIdxLabels } from '../runtime/data/idx.js';
import { candidateNames } from './mnist-files.js';

interface MnistFile {
  stem: 'train-images' | 'train-labels' | 't10k-images' | 't10k-labels';
  kind: 'idx3' | 'idx1';
  count: number;
  /** SHA-256 of the published .gz file and of its decompressed bytes. */
  gz: string;
  raw: string;
}

export const MNIST_FILES: readonly MnistFile[] = [
  { stem: 'train-images', kind: 'idx3', count: 60000, gz: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609', raw: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  { stem: 'train-labels', kind: 'idx1', count: 60000, gz: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c', raw: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  { stem: 't10k-images', kind: 'idx3', count: 10000, gz: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6', raw: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  { stem: 't10k-labels', kind: 'idx1', count: 10000, gz: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6', raw: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
];

export interface InstallMnistOptions {
  /** The folder to write the four files into (created when missing). */
  to: string;
  /** The folder holding a copy of the four files. */
  from: string;
}

export interface InstalledMnist {
  dir: string;
  files: { file: string; action: 'present' | 'copied' }[];
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The bytes of `file` verified as MNIST's `spec`: the right SHA-256 and an IDX file of the right count. */
function verify(spec: MnistFile, file: string, bytes: Uint8Array): void {
  const gzipped = file.endsWith('.gz');
  const want = gzipped ? spec.gz : spec.raw;
  const have = sha256(bytes);
  if (have !== want) {
    throw new UserError(`${file}: SHA-256 ${have}, not that of the published ${spec.stem} file (${want}); the copy is damaged or another file`);
  }
  const raw = gzipped ? gunzipSync(bytes) : bytes;
  const count = spec.kind === 'idx3' ? parseIdxImages(raw, file).count : parseIdxLabels(raw, file).length;
  if (count !== spec.count) throw new UserError(`${file}: holds ${count} items, MNIST's ${spec.stem} has ${spec.count}`);
}

/**
 * Copies full MNIST from `from` into `to`, verifying every file (a file already in `to` that
 * verifies is kept). Names are kept as found (raw or .gz; dot names become dash names).
 */
export async function installMnist(opts: InstallMnistOptions): Promise<InstalledMnist> {
  if (!existsSync(opts.from) || !statSync(opts.from).isDirectory()) {
    throw new UserError(`\`from\` ${opts.from}: not a folder; name the folder that holds train-images-idx3-ubyte(.gz) and the three other MNIST files`);
  }
  // Every file is verified before any is written: a bad copy leaves `to` as it was.
  const planned: { dest: string; bytes?: Uint8Array }[] = [];
  for (const spec of MNIST_FILES) {
    const names = candidateNames(spec.stem, spec.kind);
    const source = names.map((n) => path.join(opts.from, n)).find((p) => existsSync(p));
    if (!source) throw new UserError(`\`from\` ${opts.from}: has no ${names.join(' or ')}`);
    const dest = path.join(opts.to, `${spec.stem}-${spec.kind}-ubyte${source.endsWith('.gz') ? '.gz' : ''}`);
    if (existsSync(dest)) {
      verify(spec, dest, await readFile(dest));
      planned.push({ dest });
      continue;
    }
    const bytes = await readFile(source);
    verify(spec, source, bytes);
    planned.push({ dest, bytes });
  }
  await mkdir(opts.to, { recursive: true });
  const out: InstalledMnist = { dir: opts.to, files: [] };
  for (const { dest, bytes } of planned) {
    if (!bytes) {
      out.files.push({ file: dest, action: 'present' });
      continue;
    }
    const tmp = `${dest}.part-${process.pid}`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, dest);
    } finally {
      await rm(tmp, { force: true });
    }
    out.files.push({ file: dest, action: 'copied' });
  }
  return out;
}
