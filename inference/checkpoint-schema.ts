// The checkpoint document's schema, checked field by field before anything is decoded, so that a
// damaged or hand-edited file gives one clear line per problem instead of an internal error or,
// worse, a run that "trains" from NaN. docs/checkpoint-format.md describes the same fields.

/** Problems are collected, not thrown one at a time: the user fixes (or discards) the file once. */
export class Problems {
  readonly list: string[] = [];
  add(where: string, what: string): void {
    this.list.push(`${where}: ${what}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined) return 'nothing: it is missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length > 40 ? `the text '${v.slice(0, 37)}...'` : `the text '${v}'`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function wholeNumber(p: Problems, where: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    p.add(where, `must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` in ${min}..${max}`} (found ${describe(v)})`);
    return false;
  }
  return true;
}

function text(p: Problems, where: string, v: unknown): v is string {
  if (typeof v !== 'string') {
    p.add(where, `must be text (found ${describe(v)})`);
    return false;
  }
  return true;
}

/** Largest size of one saved array: 2^31 values (8 GB of float32) is more than any model here trains. */
export const MAX_SAVED_VALUES = 2 ** 31;

function shape(p: Problems, where: string, v: unknown): v is number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    p.add(`${where}.shape`, `must be a list of whole numbers >= 0 (found ${describe(v)})`);
    return false;
  }
  const size = v.reduce((a: number, b: number) => a * b, 1);
  if (size > MAX_SAVED_VALUES) {
    p.add(`${where}.shape`, `[${v.join(', ')}] has ${size} values, more than the ${MAX_SAVED_VALUES} a checkpoint holds`);
    return false;
  }
  return true;
}

const CONSTRAINT_NAMES = ['real', 'positive', 'unit', 'simplex'];

function constraint(p: Problems, where: string, v: unknown): void {
  if (typeof v === 'string' && CONSTRAINT_NAMES.includes(v)) return;
  if (isObject(v) && v['kind'] === 'interval' && typeof v['low'] === 'number' && typeof v['high'] === 'number' && v['low'] < v['high']) return;
  p.add(`${where}.constraint`, `must be one of ${CONSTRAINT_NAMES.join(', ')} or {"kind":"interval","low":a,"high":b} with a < b (found ${describe(v)})`);
}

/** A saved array: name, shape and base64 values (decoded and checked for size and finiteness later). */
function savedArray(p: Problems, where: string, v: unknown, withConstraint: boolean): void {
  if (!isObject(v)) {
    p.add(where, `must be an object with name, shape${withConstraint ? ', constraint' : ''} and values (found ${describe(v)})`);
    return;
  }
  text(p, `${where}.name`, v['name']);
  shape(p, where, v['shape']);
  if (withConstraint) constraint(p, where, v['constraint']);
  if (typeof v['values'] !== 'string') p.add(`${where}.values`, `must be base64 text of little-endian float32 values (found ${describe(v['values'])})`);
}

function epochRecord(p: Problems, where: string, v: unknown, index: number): void {
  if (!isObject(v)) {
    p.add(where, `must be an object (found ${describe(v)})`);
    return;
  }
  if (wholeNumber(p, `${where}.epoch`, v['epoch'], 1) && v['epoch'] !== index + 1) p.add(`${where}.epoch`, `is ${String(v['epoch'])}, expected ${index + 1} (the history lists epochs 1, 2, ... in order)`);
  wholeNumber(p, `${where}.steps`, v['steps'], 0);
  for (const k of ['trainElbo', 'seconds', 'samplesPerSecond']) {
    if (typeof v[k] !== 'number') p.add(`${where}.${k}`, `must be a number (found ${describe(v[k])})`);
  }
  // JSON has no NaN: an epoch without a test evaluation records null.
  if (v['testElbo'] !== null && typeof v['testElbo'] !== 'number') p.add(`${where}.testElbo`, `must be a number or null (found ${describe(v['testElbo'])})`);
}

const OPTION_VALUE = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * Every problem of the document's structure (not yet its array contents), as "field: what is
 * wrong" lines. `version` is the document's, already known to be one this code reads.
 */
export function checkDocument(body: Record<string, unknown>): string[] {
  const p = new Problems();
  const model = body['model'];
  if (!isObject(model)) p.add('model', `must be an object with file and sha256 (found ${describe(model)})`);
  else {
    text(p, 'model.file', model['file']);
    if (typeof model['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(model['sha256'])) p.add('model.sha256', `must be 64 hexadecimal digits (found ${describe(model['sha256'])})`);
  }
  const flags = body['flags'];
  if (!isObject(flags)) p.add('flags', `must be an object of option values (found ${describe(flags)})`);
  else for (const [k, v] of Object.entries(flags)) if (!OPTION_VALUE(v)) p.add(`flags.${k}`, `must be text, a finite number, true/false or a list of names (found ${describe(v)})`);
  text(p, 'backend', body['backend']);
  const epochOk = wholeNumber(p, 'epoch', body['epoch'], 0, 10_000_000);
  wholeNumber(p, 'step', body['step'], 0);
  const history = body['history'];
  if (!Array.isArray(history)) p.add('history', `must be a list of epoch records (found ${describe(history)})`);
  else {
    history.forEach((r, i) => epochRecord(p, `history[${i}]`, r, i));
    if (epochOk && history.length > (body['epoch'] as number)) p.add('history', `has ${history.length} epoch records, but epoch (the epochs completed) is ${String(body['epoch'])}`);
  }
  const params = body['params'];
  if (!Array.isArray(params)) p.add('params', `must be a list of parameters (found ${describe(params)})`);
  else {
    params.forEach((q, i) => savedArray(p, `params[${i}]`, q, true));
    const names = params.map((q) => (isObject(q) ? q['name'] : undefined)).filter((n) => typeof n === 'string');
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) p.add('params', `lists '${twice}' twice`);
  }
  const inEpoch = body['inEpoch'];
  if (inEpoch !== undefined) {
    // Where a checkpoint taken inside an epoch stands: resuming finishes that epoch from here.
    if (!isObject(inEpoch)) p.add('inEpoch', `must be an object with steps, elboSum, samples, seconds and noise (found ${describe(inEpoch)})`);
    else {
      wholeNumber(p, 'inEpoch.steps', inEpoch['steps'], 1);
      wholeNumber(p, 'inEpoch.samples', inEpoch['samples'], 0);
      for (const k of ['elboSum', 'seconds'] as const) {
        if (typeof inEpoch[k] !== 'number' || !Number.isFinite(inEpoch[k])) p.add(`inEpoch.${k}`, `must be a finite number (found ${describe(inEpoch[k])})`);
      }
      const noise = inEpoch['noise'];
      if (!isObject(noise) || !['c', 's0', 's1', 's2'].every((k) => typeof noise[k] === 'number' && Number.isFinite(noise[k]))) {
        p.add('inEpoch.noise', `must be a random stream's state {c, s0, s1, s2} (found ${describe(noise)})`);
      }
    }
  }
  const opt = body['optimizer'];
  if (opt !== undefined) {
    if (!isObject(opt)) p.add('optimizer', `must be an object with name, lr and weights (found ${describe(opt)})`);
    else {
      if (opt['name'] !== 'adam' && opt['name'] !== 'adagrad') p.add('optimizer.name', `must be adam or adagrad (found ${describe(opt['name'])})`);
      if (typeof opt['lr'] !== 'number' || !(opt['lr'] > 0) || !Number.isFinite(opt['lr'])) p.add('optimizer.lr', `must be a positive number (found ${describe(opt['lr'])})`);
      if (!Array.isArray(opt['weights'])) p.add('optimizer.weights', `must be a list (found ${describe(opt['weights'])})`);
      else opt['weights'].forEach((w, i) => savedArray(p, `optimizer.weights[${i}]`, w, false));
    }
  }
  const pictures = body['pictures'];
  if (pictures !== undefined) {
    if (!isObject(pictures)) p.add('pictures', `must be an object (found ${describe(pictures)})`);
    else
      for (const [k, v] of Object.entries(pictures)) {
        if (!isObject(v)) p.add(`pictures.${k}`, `must be {"rows":r,"cols":c} (found ${describe(v)})`);
        else {
          wholeNumber(p, `pictures.${k}.rows`, v['rows'], 1);
          wholeNumber(p, `pictures.${k}.cols`, v['cols'], 1);
        }
      }
  }
  text(p, 'savedAt', body['savedAt']);
  return p.list;
}
