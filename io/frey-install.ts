// `installFrey`: puts a verified frey_rawface.mat into a folder (downloaded, or copied from a
// local file), checked against its known SHA-256 and parsed before it is written.
import { formatCount } from '../runtime/format.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../runtime/errors.js';
import { FREY_FILE, FREY_PAGE, FREY_SHA256, FREY_URL, parseFreyMat } from '../runtime/data/frey.js';


/** The part of fetch that installFrey uses (tests pass a mock). */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; statusText: string; arrayBuffer(): Promise<ArrayBuffer> }>;

export interface InstallFreyOptions {
  /** The folder to write frey_rawface.mat into (created when missing). */
  to: string;
  /** Copy this local file instead of downloading. */
  from?: string;
  url?: string;
  fetch?: FetchLike;
  /** The expected SHA-256 (hex); tests override it. */
  sha256?: string;
}

export interface InstalledFrey {
  file: string;
  /** 'present': a verified copy was already there; 'downloaded' or 'copied': written now. */
  action: 'present' | 'downloaded' | 'copied';
  count: number;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Puts a verified frey_rawface.mat into `to`: downloaded from Roweis's page (or copied from
 * `from`), checked against the known SHA-256 and parsed, then written under a temporary name and
 * renamed, so an interrupted run never leaves a partial file under the real name.
 */
export async function installFrey(opts: InstallFreyOptions): Promise<InstalledFrey> {
  const want = opts.sha256 ?? FREY_SHA256;
  const dest = path.join(opts.to, FREY_FILE);
  if (existsSync(dest)) {
    const have = await readFile(dest);
    if (sha256(have) === want) return { file: dest, action: 'present', count: parseFreyMat(have, dest).count };
    throw new UserError(`${dest} already exists but its SHA-256 is ${sha256(have)}, not ${want}; remove it and run again`);
  }
  const url = opts.url ?? FREY_URL;
  const byHand = `download ${FREY_FILE} by hand from ${FREY_PAGE} (${url}) and put it in ${opts.to}, or pass it with \`from\` FILE; then use \`data\` frey:${opts.to}`;
  let bytes: Uint8Array;
  let source: string;
  if (opts.from !== undefined) {
    source = opts.from;
    try {
      bytes = await readFile(opts.from);
    } catch (e) {
      throw new UserError(`\`from\` ${opts.from}: cannot read: ${(e as Error).message}`);
    }
  } else {
    source = url;
    const fetchFn: FetchLike = opts.fetch ?? ((u) => fetch(u));
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await fetchFn(url);
    } catch (e) {
      const cause = (e as { cause?: { message?: string; code?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new UserError(`cannot download ${url}: ${(e as Error).message}${detail && detail !== (e as Error).message ? ` (${detail})` : ''}; is this machine offline? ${byHand}`);
    }
    if (!res.ok) throw new UserError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}; ${byHand}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  const got = sha256(bytes);
  if (got !== want) {
    throw new UserError(`${source}: SHA-256 ${got} (${formatCount(bytes.length)} bytes) is not that of ${FREY_FILE} (${want}, 1,100,584 bytes); nothing was written. ${byHand}`);
  }
  const { count } = parseFreyMat(bytes, source);
  await mkdir(opts.to, { recursive: true });
  const tmp = path.join(opts.to, `.${FREY_FILE}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new UserError(`${dest}: cannot write: ${(e as Error).message}`);
  }
  return { file: dest, action: opts.from !== undefined ? 'copied' : 'downloaded', count };
}
