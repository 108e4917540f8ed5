// Every file a command writes goes through here: the bytes go to a temporary file beside the
// target, every byte is checked written, the file and its folder are fsynced, the temporary file
// is read back and compared, and only then renamed over the target (atomic on POSIX). A full disk
// or any write error is a UserError naming the file and saying the earlier version is untouched,
// and leaves no temporary file behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../runtime/errors.js';

/** The writes are injectable so that a full disk can be simulated in tests. */
export interface WriteOps {
  /** Like fs.writeSync: the number of bytes written, which may be fewer than asked for. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number): number;
}

const NODE_OPS: WriteOps = { write: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length) };

export interface SafeWriteOptions {
  /** What the file is, for messages ("checkpoint", "log", "figure"); default "file". */
  what?: string;
  ops?: WriteOps;
}

const TEMP_MARK = '.tmp-';

/** The temporary file of `file` for this process. */
export function tempPathOf(file: string): string {
  return `${file}${TEMP_MARK}${process.pid}`;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
};

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  if (e instanceof WriteIncomplete) return e.message;
  return e instanceof Error ? e.message : String(e);
}

class WriteIncomplete extends Error {}

/** A file could not be written; the message names it and says what was kept. */
export class FileWriteError extends UserError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

function writeAll(fd: number, bytes: Uint8Array, ops: WriteOps): void {
  let done = 0;
  while (done < bytes.length) {
    const n = ops.write(fd, bytes, done, bytes.length - done);
    // A write that makes no progress is a full device that did not say so (seen on some FUSE mounts).
    if (!(n > 0)) throw new WriteIncomplete(`only ${done} of ${bytes.length} bytes could be written (no space left on the device?)`);
    done += n;
  }
}

function fsyncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Write `data` to `file` so that a reader only ever sees the old contents or all of the new
 * ones. Throws a one-line UserError on any failure (the previous file, if any, is intact).
 */
export function writeFileSafely(file: string, data: string | Uint8Array, options: SafeWriteOptions = {}): void {
  const what = options.what ?? 'file';
  const ops = options.ops ?? NODE_OPS;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = path.dirname(file);
  const tmp = tempPathOf(file);
  const existed = fs.existsSync(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    removeStaleTemps(dir, path.basename(file));
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, bytes, ops);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const back = fs.readFileSync(tmp);
    if (back.length !== bytes.length || !back.equals(bytes)) {
      throw new WriteIncomplete(`the ${what} read back differs from what was written (${back.length} of ${bytes.length} bytes)`);
    }
    fs.renameSync(tmp, file);
    fsyncFolder(dir);
  } catch (e) {
    removeQuietly(tmp);
    const kept = existed ? `the previous ${what} there is intact` : `no ${what} was written`;
    throw new FileWriteError(file, `${file}: could not write the ${what}: ${reasonOf(e)}; ${kept}`);
  }
}

/** Is process `pid` alive (on this machine)? EPERM means it is, but belongs to someone else. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporary files (`NAME.tmp-PID`, only those of the file `of` when given) that
 * processes killed while writing left in `dir`.
 * Those of live processes other than this one are left alone: they may be writing right now.
 * Returns the names removed.
 */
export function removeStaleTemps(dir: string, of?: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (!m || (of !== undefined && name !== `${of}${TEMP_MARK}${m[1]}`)) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && processAlive(pid)) continue;
    removeQuietly(path.join(dir, name));
    removed.push(name);
  }
  return removed;
}
