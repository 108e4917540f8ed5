// Messages a user meets first: the forgotten --data, every binding problem in one go, the
// defaults --help shows, a run folder as --checkpoint.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');
const ppl = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

describe.skipIf(!fs.existsSync(BIN))('messages (built by `npm run build`)', () => {
  it('a table model run on the default MNIST suggests --data csv:PATH with the columns its declarations need', () => {
    const r = ppl(['train', 'models/bayes_logreg.ppl', '--epochs', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('give the data as --data csv:PATH, a CSV file with a header row and the columns X_0 .. X_4, y');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports every declaration that cannot bind, not only the first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-msg-'));
    fs.writeFileSync(path.join(dir, 't.csv'), 'a,b\n1,2\n3,4\n5,6\n');
    fs.writeFileSync(path.join(dir, 'm.ppl'), 'data u : real\ndata w : real[2]\nglobal m : real\nmodel {\n  m ~ Normal(0, 1)\n  u ~ Normal(m, 1)\n  w ~ Normal(m, 1)\n}\n');
    const r = ppl(['train', 'm.ppl', '--data', 'csv:t.csv', '--epochs', '1'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no field named 'u'");
    expect(r.stderr).toContain("no field named 'w'");
    expect(r.stderr).toContain('--columns w=COL1,COL2');
  });

  it('--help of a command on a trained model says the data default is the checkpoint’s, not mnist', () => {
    const help = ppl(['encode', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).not.toContain('(default: "mnist")');
    expect(help).toContain('(default: as the checkpoint was trained)');
    expect(ppl(['train', '--help']).stdout.replace(/\s+/g, ' ')).toContain('(default: "mnist")');
  });

  it('a --checkpoint folder without checkpoint.json is refused with a message naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-msg-'));
    const r = ppl(['summary', 'models/bayes_logreg.ppl', '--checkpoint', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--checkpoint ${dir}: the folder has no checkpoint.json`);
  });
});
