// Files written so that nothing is lost: a full disk (simulated by a write that stops short) is a
// one-line UserError naming the file, the previous contents stay, no temporary file is left; stale
// temporary files of dead writers go; one run per output folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileWriteError, removeStaleTemps, tempPathOf, writeFileSafely, type WriteOps } from '../io/safe-write.js';
import { lockRunFolder } from '../io/run-lock.js';
import { readCheckpoint, saveCheckpoint } from '../io/checkpoint-file.js';
import type { Checkpoint } from '../inference/checkpoint.js';
import { sha256Hex } from '../runtime/sha256.js';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-safe-'));

/** A disk with `room` bytes left: writes succeed until it is full, then write 0 bytes or fail with ENOSPC. */
function diskWithRoom(room: number, how: 'short' | 'enospc'): WriteOps {
  let left = room;
  return {
    write(fd, buffer, offset, length) {
      const n = Math.min(left, length);
      if (n === 0 && how === 'enospc') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      left -= n;
      return fs.writeSync(fd, buffer, offset, n);
    },
  };
}

const ckpt = (epoch: number): Checkpoint => ({
  model: { file: 'm.ppl', sha256: sha256Hex('m') },
  flags: {},
  backend: 'cpu',
  epoch,
  step: epoch * 3,
  history: Array.from({ length: epoch }, (_, i) => ({ epoch: i + 1, steps: 3, trainElbo: -1, testElbo: -2, seconds: 1, samplesPerSecond: 1 })),
  params: [{ name: 'w', shape: [1000], constraint: 'real', values: new Float32Array(1000).fill(epoch) }],
  savedAt: new Date(0).toISOString(),
});

describe('writeFileSafely', () => {
  it('writes, and leaves no temporary file', () => {
    const dir = tmp();
    const file = path.join(dir, 'sub', 'a.txt');
    writeFileSafely(file, 'hello');
    expect(fs.readFileSync(file, 'utf8')).toBe('hello');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['a.txt']);
  });

  for (const how of ['short', 'enospc'] as const) {
    it(`a full disk (${how === 'short' ? 'writes stop short' : 'ENOSPC'}) keeps the previous checkpoint and says so in one line`, () => {
      const dir = tmp();
      const file = path.join(dir, 'checkpoint.json');
      saveCheckpoint(file, ckpt(1));
      const before = fs.readFileSync(file, 'utf8');
      let caught: unknown;
      try {
        saveCheckpoint(file, ckpt(2), diskWithRoom(1000, how));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(FileWriteError);
      const message = (caught as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain(`${file}: could not write the checkpoint`);
      expect(message).toContain('the previous checkpoint there is intact');
      if (how === 'enospc') expect(message).toContain('no space left on the device (ENOSPC)');
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
      expect(readCheckpoint(file).epoch).toBe(1);
      expect(fs.readdirSync(dir)).toEqual(['checkpoint.json']);
    });
  }

  it("a write removes the stale temporary files of that file (a killed writer's), and no others", () => {
    const dir = tmp();
    const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    fs.writeFileSync(path.join(dir, `eval.json.tmp-${deadPid}`), 'half');
    fs.writeFileSync(path.join(dir, `other.csv.tmp-${deadPid}`), 'half');
    writeFileSafely(path.join(dir, 'eval.json'), '{}');
    expect(fs.readdirSync(dir).sort()).toEqual(['eval.json', `other.csv.tmp-${deadPid}`]);
  });

  it('a first write that fails says nothing was written', () => {
    const file = path.join(tmp(), 'log.csv');
    expect(() => writeFileSafely(file, 'x'.repeat(100), { what: 'log', ops: diskWithRoom(10, 'short') })).toThrow(/no log was written/);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('removeStaleTemps', () => {
  it("removes the temporary files of dead processes, keeps a live one's", () => {
    const dir = tmp();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    fs.writeFileSync(path.join(dir, `checkpoint.json.tmp-${deadPid}`), 'half');
    fs.writeFileSync(path.join(dir, `checkpoint.json.tmp-${process.ppid}`), 'busy');
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), '{}');
    expect(removeStaleTemps(dir)).toEqual([`checkpoint.json.tmp-${deadPid}`]);
    expect(fs.readdirSync(dir).sort()).toEqual(['checkpoint.json', `checkpoint.json.tmp-${process.ppid}`]);
    expect(tempPathOf('a/b')).toBe(`a/b.tmp-${process.pid}`);
  });
});

describe('lockRunFolder', () => {
  it('refuses a second holder, naming the first; released, the folder is free again', () => {
    const dir = tmp();
    const lock = lockRunFolder(dir, 'ppl train a.ppl');
    // The holder is this process, so a second lock from a child process must refuse.
    const script = `import('${path.resolve('dist/io/run-lock.js')}').then((m) => { try { m.lockRunFolder(${JSON.stringify(dir)}); console.log('took it'); } catch (e) { console.log(e.message); } });`;
    const second = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(second.stdout).toContain(`another run is writing to this folder: process ${process.pid}`);
    expect(second.stdout).toContain('ppl train a.ppl');
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
    const again = lockRunFolder(dir);
    expect(again.tookOverFrom).toBeUndefined();
    again.release();
  });

  it("takes over a dead process's lock and removes its temporary files", () => {
    const dir = tmp();
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    fs.writeFileSync(path.join(dir, '.lock'), JSON.stringify({ pid: dead, host: os.hostname(), startedAt: 'then' }));
    fs.writeFileSync(path.join(dir, `log.csv.tmp-${dead}`), 'half');
    const lock = lockRunFolder(dir);
    expect(lock.tookOverFrom).toContain(`process ${dead}`);
    expect(fs.readdirSync(dir)).toEqual(['.lock']);
    lock.release();
  });
});
