// Picks the fastest TensorFlow.js backend that loads and runs here: tfjs-node (native
// libtensorflow), else WebAssembly (XNNPACK), else pure JavaScript. A backend that loads but
// fails its first computation (say a libtensorflow built for another CPU) is passed over too,
// and why is kept for the message (describeBackend).
import { tf } from './tf.js';
import { OptionError, UserError } from './errors.js';

export type BackendChoice = 'auto' | 'node' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendChoice, 'auto'>;

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'node', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** tfjs' own name for it ('tensorflow', 'wasm', 'cpu'). */
  tfName: string;
  /** Why faster backends were passed over (empty when the first choice loaded). */
  skipped: string[];
}

const TF_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

let current: BackendInfo | undefined;

/** Imports the package that registers a backend (none for cpu, which tfjs itself has). */
export type BackendImporter = (name: BackendName) => Promise<unknown>;

const importPackage: BackendImporter = async (name) => {
  if (name === 'node') {
    // An optional dependency: its install downloads libtensorflow, which fails offline.
    const moduleName = '@tensorflow/tfjs-node';
    return import(moduleName);
  }
  if (name === 'wasm') return import('@tensorflow/tfjs-backend-wasm');
  return undefined;
};

async function load(name: BackendName, importer: BackendImporter): Promise<void> {
  await importer(name);
  try {
    const ok = await tf.setBackend(TF_NAME[name]);
    if (!ok) throw new Error(`tfjs could not initialise the ${TF_NAME[name]} backend`);
    await tf.ready();
    smokeTest();
  } catch (e) {
    // Leave no broken backend registered for a later setBackend to pick.
    try {
      if (tf.findBackend(TF_NAME[name])) tf.removeBackend(TF_NAME[name]);
    } catch {
      // its dispose failed too: it is gone from the registry all the same
    }
    throw new Error(`loads but fails to compute: ${reason(e)}`);
  }
}

/** A matmul and an element-wise op, read back: what every training step needs. */
function smokeTest(): void {
  const got = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d([1, 2], [1, 2]), tf.tensor2d([3, 4], [2, 1])), 1).dataSync()[0]);
  if (got !== 12) throw new Error(`1 * 3 + 2 * 4 + 1 gave ${got}`);
}

function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Cannot find (module|package)/.test(msg)) return 'not installed';
  return msg.split('\n')[0] ?? msg;
}

/** Initialise a backend once per process; later calls return the same choice. */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  return initBackendWith(choice, importPackage);
}

/** initBackend with the packages imported by `importer` (tests: a package that fails to load or to run). */
export async function initBackendWith(choice: BackendChoice, importer: BackendImporter): Promise<BackendInfo> {
  if (current && (choice === 'auto' || choice === current.name)) return current;
  tf.enableProdMode();
  const order: BackendName[] = choice === 'auto' ? ['node', 'wasm', 'cpu'] : [choice];
  const skipped: string[] = [];
  for (const name of order) {
    try {
      await load(name, importer);
      current = { name, tfName: TF_NAME[name], skipped };
      return current;
    } catch (e) {
      skipped.push(`${name}: ${reason(e)}`);
    }
  }
  throw new UserError(`backend '${choice}' could not be loaded (${skipped.join('; ')})`);
}

export function currentBackend(): BackendInfo | undefined {
  return current;
}

export function describeBackend(info: BackendInfo): string {
  const label: Record<BackendName, string> = {
    node: 'tfjs-node (native TensorFlow)',
    wasm: 'wasm (WebAssembly + XNNPACK)',
    cpu: 'cpu (pure JavaScript, slow)',
  };
  const why = info.skipped.length ? ` [skipped ${info.skipped.join('; ')}]` : '';
  // The native backend is an optional dependency whose install downloads libtensorflow; say
  // how to get it when auto-selection found it missing.
  const hint = info.skipped.includes('node: not installed')
    ? '\nfor native TensorFlow speed: npm install @tensorflow/tfjs-node (its install downloads libtensorflow)'
    : '';
  return `backend: ${label[info.name]}${why}${hint}`;
}

export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new OptionError('backend', `must be one of ${BACKEND_CHOICES.join(', ')} (got '${value}')`);
}
