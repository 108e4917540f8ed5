// The Frey Face data (the data spec `frey:PATH`): 1,965 greyscale images of 28 x 20 pixels in Sam
// Roweis's frey_rawface.mat, a MATLAB level 5 MAT-file holding one uint8 matrix `ff` of
// 560 x 1965, column-major, so each column is one image stored row-major (28 rows of 20).
// The reader checks every header field it relies on (shared/data/README.md has the layout) and
// names the byte offset of the first one that is wrong. Reading, fetching and verifying the file
// (io/frey-file.ts, io/frey-install.ts) are node-only.
import { formatCount } from '../format.js';
import { UserError } from '../errors.js';

export const FREY_FILE = 'frey_rawface.mat';
export const FREY_ROWS = 28;
export const FREY_COLS = 20;
export const FREY_PIXELS = FREY_ROWS * FREY_COLS;
export const FREY_URL = 'https://cs.nyu.edu/~roweis/data/frey_rawface.mat';
export const FREY_PAGE = 'https://cs.nyu.edu/~roweis/data.html';
export const FREY_SHA256 = '265a83a23adb081755cd3de375509828e690324d1d60f076b8ecebc840d59c64';
/** Image k (0-based) is a test image when k % FREY_TEST_EVERY === FREY_TEST_EVERY - 1. */
export const FREY_TEST_EVERY = 10;

// MAT-file level 5 data types and classes used here.
const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MX_UINT8_CLASS = 9;
const TYPE_NAMES: Record<number, string> = {
  1: 'miINT8', 2: 'miUINT8', 3: 'miINT16', 4: 'miUINT16', 5: 'miINT32', 6: 'miUINT32', 7: 'miSINGLE',
  9: 'miDOUBLE', 12: 'miINT64', 13: 'miUINT64', 14: 'miMATRIX', 15: 'miCOMPRESSED', 16: 'miUTF8', 17: 'miUTF16', 18: 'miUTF32',
};
const CLASS_NAMES: Record<number, string> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8',
  10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
};

function typeName(t: number): string {
  return TYPE_NAMES[t] ? `${t} (${TYPE_NAMES[t]})` : String(t);
}

export interface FreyImages {
  /** Number of images. */
  count: number;
  /** count * 560 bytes, image after image, each 28 rows of 20, row-major. */
  pixels: Uint8Array;
}


/** Bytes as Latin-1 text (one character per byte). */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** Parses frey_rawface.mat; every failure is a UserError naming `file` and the byte offset. */
export function parseFreyMat(bytes: Uint8Array, file: string): FreyImages {
  const at = (offset: number, what: string): UserError => new UserError(`${file}: byte ${formatCount(offset)}: ${what}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number, what: string): void => {
    if (bytes.length < offset + length) {
      throw at(offset, `truncated: the file ends at byte ${formatCount(bytes.length)}, before the ${what} (${length} bytes from byte ${formatCount(offset)})`);
    }
  };
  const u32 = (offset: number): number => view.getUint32(offset, true);

  need(0, 128, '128-byte MAT-file header');
  const text = latin1(bytes.subarray(0, 116));
  if (!text.startsWith('MATLAB 5.0 MAT-file')) {
    const shown = JSON.stringify(text.slice(0, 24).replace(/[^\x20-\x7e]/g, '?'));
    throw at(0, `not a MATLAB level 5 MAT-file: the header text starts ${shown}, expected "MATLAB 5.0 MAT-file"`);
  }
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (endian === 'MI') throw at(126, 'the endian indicator is "MI": a big-endian MAT-file; only little-endian ("IM") files are read');
  if (endian !== 'IM') throw at(126, `the endian indicator is ${JSON.stringify(endian)}, expected "IM" (little-endian)`);
  const version = view.getUint16(124, true);
  if (version !== 0x0100) throw at(124, `MAT-file version 0x${version.toString(16).padStart(4, '0')}, expected 0x0100 (level 5)`);

  need(128, 8, 'tag of the first variable');
  const type = u32(128);
  if (type === MI_COMPRESSED) {
    throw at(128, 'the variable is miCOMPRESSED (a MATLAB -v7 file); expected the plain miMATRIX of the original frey_rawface.mat (resave with save -v6)');
  }
  if (type !== MI_MATRIX) throw at(128, `the first data element has type ${typeName(type)}, expected ${typeName(MI_MATRIX)}`);
  const matrixBytes = u32(132);
  if (136 + matrixBytes !== bytes.length) {
    const why = 136 + matrixBytes > bytes.length ? 'truncated' : 'unexpected trailing bytes (the file should hold the one variable ff)';
    throw at(132, `${why}: the miMATRIX element says ${formatCount(matrixBytes)} bytes follow byte 136, so the file should be ${formatCount(136 + matrixBytes)} bytes long, but it is ${formatCount(bytes.length)}`);
  }

  need(136, 16, 'array flags');
  if (u32(136) !== MI_UINT32 || u32(140) !== 8) {
    throw at(136, `the array flags tag is type ${typeName(u32(136))} with ${u32(140)} bytes, expected type ${typeName(MI_UINT32)} with 8 bytes`);
  }
  const flags = u32(144);
  const cls = flags & 0xff;
  if (cls !== MX_UINT8_CLASS) {
    throw at(144, `ff has class ${cls}${CLASS_NAMES[cls] ? ` (${CLASS_NAMES[cls]})` : ''}, expected ${MX_UINT8_CLASS} (uint8)`);
  }
  if (flags & 0x0800) throw at(144, 'ff is complex; expected real uint8 grey levels');

  need(152, 16, 'dimensions');
  if (u32(152) !== MI_INT32 || u32(156) !== 8) {
    throw at(152, `the dimensions tag is type ${typeName(u32(152))} with ${u32(156)} bytes, expected type ${typeName(MI_INT32)} with 8 bytes (two dimensions)`);
  }
  const rows = view.getInt32(160, true);
  const count = view.getInt32(164, true);
  if (rows !== FREY_PIXELS || count < 1) {
    throw at(160, `ff is ${rows} x ${count}, expected ${FREY_PIXELS} x N (one ${FREY_ROWS}x${FREY_COLS} image per column; the original has N = 1,965)`);
  }

  // The name: a small data element (type and byte count packed in one word) or a full one.
  need(168, 8, 'array name');
  let nameType: number;
  let nameLength: number;
  let nameStart: number;
  let next: number;
  if (u32(168) >>> 16 !== 0) {
    nameType = u32(168) & 0xffff;
    nameLength = u32(168) >>> 16;
    nameStart = 172;
    next = 176;
  } else {
    nameType = u32(168);
    nameLength = u32(172);
    nameStart = 176;
    next = 176 + Math.ceil(nameLength / 8) * 8;
  }
  if (nameType !== MI_INT8) throw at(168, `the array name has type ${typeName(nameType)}, expected ${typeName(MI_INT8)}`);
  need(nameStart, nameLength, 'array name');
  const name = latin1(bytes.subarray(nameStart, nameStart + nameLength));
  if (name !== 'ff') throw at(nameStart, `the variable is named ${JSON.stringify(name)}, expected "ff"`);

  need(next, 8, 'tag of the pixel data');
  const dataType = u32(next);
  const dataBytes = u32(next + 4);
  if (dataType !== MI_UINT8) throw at(next, `the pixel data has type ${typeName(dataType)}, expected ${typeName(MI_UINT8)}`);
  const expected = rows * count;
  if (dataBytes !== expected) {
    throw at(next + 4, `the pixel data holds ${formatCount(dataBytes)} bytes, expected ${formatCount(expected)} (${rows} x ${count})`);
  }
  const start = next + 8;
  if (start + dataBytes > bytes.length) {
    throw at(start, `truncated: ${formatCount(dataBytes)} bytes of pixel data should start here, but the file ends at byte ${formatCount(bytes.length)}`);
  }
  const padded = start + Math.ceil(dataBytes / 8) * 8;
  if (padded !== bytes.length && start + dataBytes !== bytes.length) {
    throw at(start + dataBytes, `${formatCount(bytes.length - start - dataBytes)} bytes follow the pixel data (an imaginary part or another element?); expected the file to end`);
  }
  // Column-major 560 x N: column k (bytes [560k, 560k + 560)) is image k, already row-major 28 x 20.
  return { count, pixels: bytes.slice(start, start + dataBytes) };
}

/** Image indices of the deterministic split: every 10th image (k % 10 == 9) is test. */
export function freySplit(count: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let k = 0; k < count; k++) (k % FREY_TEST_EVERY === FREY_TEST_EVERY - 1 ? test : train).push(k);
  return { train, test };
}
