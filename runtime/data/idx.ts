// The IDX format of the MNIST files: big-endian uint32 header (magic, dims), then uint8 data.
// Images: magic 2051, count, rows, cols, count*rows*cols bytes. Labels: magic 2049, count, count bytes.
// The parsers take the (gunzipped) bytes; reading the files is io/.
import { formatCount } from '../format.js';
import { UserError } from '../errors.js';
import type { RawImages } from './images.js';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count * rows * cols bytes, image after image, each row-major. */
  pixels: Uint8Array;
}

function u32be(b: Uint8Array, at: number): number {
  return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}


function checkMagic(bytes: Uint8Array, file: string, expected: number, what: string): void {
  const magic = u32be(bytes, 0);
  if (magic === expected) return;
  const hint =
    magic === IDX_IMAGES_MAGIC
      ? ' (that of an image file: are the image and label files swapped?)'
      : magic === IDX_LABELS_MAGIC
        ? ' (that of a label file: are the image and label files swapped?)'
        : '';
  throw new UserError(`${file}: not an IDX ${what} file: magic number ${magic}${hint}, expected ${expected}`);
}

function checkLength(bytes: Uint8Array, file: string, header: number, count: number, perItem: number, what: string): void {
  const expected = header + count * perItem;
  if (bytes.length === expected) return;
  const layout = `${header}-byte header + ${formatCount(count)} ${what}${perItem === 1 ? '' : ` x ${formatCount(perItem)} bytes`}`;
  if (bytes.length < expected) {
    throw new UserError(`${file}: truncated: expected ${formatCount(expected)} bytes (${layout}), got ${formatCount(bytes.length)}`);
  }
  throw new UserError(`${file}: ${formatCount(bytes.length - expected)} unexpected trailing bytes: expected ${formatCount(expected)} bytes (${layout}), got ${formatCount(bytes.length)}`);
}

/** Parses an (uncompressed) IDX image file; `file` names it in messages. Null sizes accept any. */
export function parseIdxImages(bytes: Uint8Array, file: string, expectRows: number | null = 28, expectCols: number | null = 28): IdxImages {
  if (bytes.length < 16) {
    throw new UserError(`${file}: truncated: an IDX image file has a 16-byte header, got ${bytes.length} bytes`);
  }
  checkMagic(bytes, file, IDX_IMAGES_MAGIC, 'image');
  const count = u32be(bytes, 4);
  const rows = u32be(bytes, 8);
  const cols = u32be(bytes, 12);
  if ((expectRows !== null && rows !== expectRows) || (expectCols !== null && cols !== expectCols)) {
    throw new UserError(`${file}: images are ${rows}x${cols}, expected ${expectRows ?? 'any'}x${expectCols ?? 'any'}`);
  }
  if (rows === 0 || cols === 0) throw new UserError(`${file}: images are ${rows}x${cols}: empty`);
  checkLength(bytes, file, 16, count, rows * cols, 'images');
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parses an (uncompressed) IDX label file; labels must lie in 0..maxLabel. */
export function parseIdxLabels(bytes: Uint8Array, file: string, maxLabel = 9): Uint8Array {
  if (bytes.length < 8) {
    throw new UserError(`${file}: truncated: an IDX label file has an 8-byte header, got ${bytes.length} bytes`);
  }
  checkMagic(bytes, file, IDX_LABELS_MAGIC, 'label');
  const count = u32be(bytes, 4);
  checkLength(bytes, file, 8, count, 1, 'labels');
  const labels = bytes.subarray(8);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! > maxLabel) {
      throw new UserError(`${file}: label ${labels[i]} at index ${i} is outside 0..${maxLabel}`);
    }
  }
  return labels;
}

/** Images and their labels, one each: a UserError names both files when the counts differ. */
export function labelledImages(images: IdxImages, labels: Uint8Array, imageFile: string, labelFile: string): RawImages {
  if (labels.length !== images.count) {
    throw new UserError(`${labelFile}: ${formatCount(labels.length)} labels, but ${imageFile} has ${formatCount(images.count)} images`);
  }
  return { pixels: images.pixels, labels };
}

function u32beBytes(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

/** An IDX image file (magic 2051, count, rows, cols, then the bytes) of count images of rows x cols. */
export function idxImagesFile(pixels: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  if (pixels.length !== count * rows * cols) throw new Error(`internal: ${pixels.length} bytes for ${count} images of ${rows}x${cols}`);
  const out = new Uint8Array(16 + pixels.length);
  out.set([...u32beBytes(IDX_IMAGES_MAGIC), ...u32beBytes(count), ...u32beBytes(rows), ...u32beBytes(cols)], 0);
  out.set(pixels, 16);
  return out;
}
