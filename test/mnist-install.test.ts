// `ppl data mnist --from DIR` (installMnist): full MNIST from a local copy, every file verified
// before any is written. Uses ../shared/data/mnist; skipped (saying so) without it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installMnist } from '../api/index.js';

const SHARED = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'mnist');
const present = fs.existsSync(path.join(SHARED, 'train-images-idx3-ubyte.gz'));
if (!present) console.log(`note: MNIST install tests skipped: ${SHARED} absent`);

describe.skipIf(!present)(`installMnist from ${SHARED}`, () => {
  it('copies and verifies the four files, keeps verified ones, and refuses a damaged copy writing nothing', async () => {
    const to = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-mnist-')), 'mnist');
    const r = await installMnist({ from: SHARED, to });
    expect(r.files.map((f) => [path.basename(f.file), f.action])).toEqual([
      ['train-images-idx3-ubyte.gz', 'copied'],
      ['train-labels-idx1-ubyte.gz', 'copied'],
      ['t10k-images-idx3-ubyte.gz', 'copied'],
      ['t10k-labels-idx1-ubyte.gz', 'copied'],
    ]);
    expect((await installMnist({ from: SHARED, to })).files.every((f) => f.action === 'present')).toBe(true);

    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-mnist-bad-'));
    for (const f of fs.readdirSync(SHARED)) fs.copyFileSync(path.join(SHARED, f), path.join(bad, f));
    fs.chmodSync(path.join(bad, 't10k-labels-idx1-ubyte.gz'), 0o644);
    fs.appendFileSync(path.join(bad, 't10k-labels-idx1-ubyte.gz'), 'x');
    const target = path.join(bad, 'out');
    await expect(installMnist({ from: bad, to: target })).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz: SHA-256 [0-9a-f]{64}, not that of the published t10k-labels file/);
    expect(fs.existsSync(target)).toBe(false);
  });
});
