// One run per output folder: `ppl train` holds DIR/.lock (its pid, host and start time) while it
// writes there, so a second run into the same folder refuses instead of interleaving log rows and
// overwriting the other's checkpoints. The lock of a process that died (kill -9, a crash) is
// taken over: its pid is no longer alive on this host.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../runtime/errors.js';
import { processAlive, removeStaleTemps } from './safe-write.js';

/** The lock's name in the output folder (a dot file: listings of runs leave it out). */
const LOCK_FILE = '.lock';

interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

export interface RunLock {
  readonly file: string;
  /** Give the folder up (idempotent). Also done on process exit. */
  release(): void;
  /** Set when a dead process's lock was taken over: its record. */
  readonly tookOverFrom?: string;
}

function readRecord(file: string): LockRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockRecord>;
    return typeof r.pid === 'number' ? { pid: r.pid, host: String(r.host ?? ''), startedAt: String(r.startedAt ?? ''), command: r.command } : undefined;
  } catch {
    return undefined;
  }
}

function describeHolder(r: LockRecord): string {
  return `process ${r.pid}${r.host && r.host !== os.hostname() ? ` on ${r.host}` : ''}, started ${r.startedAt}${r.command ? ` (${r.command})` : ''}`;
}

/** Create the lock file exclusively; false when it exists already. */
function tryCreate(file: string, record: LockRecord): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(`${file}: cannot create the run lock: ${(e as Error).message}`);
  }
  try {
    const bytes = Buffer.from(JSON.stringify(record));
    if (fs.writeSync(fd, bytes) !== bytes.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot write the run lock: ${code === 'ENOSPC' ? 'no space left on the device (ENOSPC)' : (e as Error).message}; nothing in ${path.dirname(file)} was changed`);
  }
  fs.closeSync(fd);
  return true;
}

/**
 * Take `dir` for this process (the folder is created), or throw a UserError naming the process
 * that holds it. Stale temporary files of dead writers in `dir` are removed once it is held.
 */
export function lockRunFolder(dir: string, command?: string): RunLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command };
  let tookOverFrom: string | undefined;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, record)) break;
    const holder = readRecord(file);
    // A lock on another host cannot be checked; one being written right now has no record yet.
    const otherHost = holder !== undefined && holder.host !== '' && holder.host !== os.hostname();
    if (holder && (otherHost || (holder.pid !== process.pid && processAlive(holder.pid)))) {
      throw new UserError(`${dir}: another run is writing to this folder: ${describeHolder(holder)}; wait for it, stop it, or choose another --out (if it is truly gone, delete ${file})`);
    }
    if (!holder && attempt === 0) {
      // Another process may be between creating the file and writing its record: look again.
      const waitUntil = Date.now() + 200;
      while (Date.now() < waitUntil) {
        /* a short busy wait: this happens only in a race of two starts */
      }
      continue;
    }
    if (attempt > 3) throw new UserError(`${file}: cannot take the run lock (it keeps changing); is another run starting in this folder?`);
    tookOverFrom = holder ? describeHolder(holder) : 'an unreadable lock file';
    // Rename first, so that of two processes taking over the same stale lock only one succeeds.
    const aside = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, aside);
      fs.unlinkSync(aside);
    } catch {
      // the other one won; go round again
    }
  }
  removeStaleTemps(dir);
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readRecord(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release, tookOverFrom };
}
