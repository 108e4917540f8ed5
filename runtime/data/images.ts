// In-memory sets of uint8 images: fields `image` [pixels] and, when labelled (MNIST), `label` [].
import { BINARY, UNIT } from '../support.js';
import type { Support } from '../support.js';
import { minibatches, type Batch, type BatchOptions, type Dataset, type FieldInfo, type Picture } from './dataset.js';
import { GREY_LEVELS, sampleSparseImage, sparseImages } from './binarize.js';
import type { SparseImages } from './binarize.js';

/**
 * How stored bytes become `image` values:
 * - grey: bytes are 0..255, values k / 255;
 * - binary: bytes are already 0/1 (thresholded or binarized once);
 * - dynamic: bytes are 0..255, each batch draws fresh Bernoulli(k / 255) values from the
 *   batches() Rng.
 */
export type PixelEncoding = 'grey' | 'binary' | 'dynamic';

/** Images as loaded, before binarization: count * pixels bytes (0..255) and count labels. */
export interface RawImages {
  pixels: Uint8Array;
  labels: Uint8Array;
}

const BINARY_LEVELS = new Float32Array([0, 1]);

export interface ImageSetInit {
  name: string;
  /** count * pixelsPerImage bytes, one image after another. */
  pixels: Uint8Array;
  /** One label per image, or none (then the set has the field `image` only). */
  labels?: Uint8Array;
  pixelsPerImage: number;
  /** The images' rows and columns (rows * cols = pixelsPerImage). */
  picture: Picture;
  encoding: PixelEncoding;
  /** The labels' domain (needed with labels). */
  labelDomain?: Support;
}

export interface LabelledImagesInit extends ImageSetInit {
  labels: Uint8Array;
  labelDomain: Support;
}

/** In-memory uint8 images, with the field `image` [pixels] and, when labelled, `label` []. */
export class ImageSet implements Dataset {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly FieldInfo[];
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array | null;
  readonly pixelsPerImage: number;
  readonly encoding: PixelEncoding;
  private readonly sparse: SparseImages | null;

  constructor(init: ImageSetInit) {
    const count = init.pixels.length / init.pixelsPerImage;
    if (!Number.isInteger(count) || (init.labels && init.labels.length !== count)) {
      throw new Error(`${init.name}: ${init.pixels.length} pixel bytes for ${init.labels?.length ?? 'no'} labels of ${init.pixelsPerImage} pixels`);
    }
    if (init.labels && !init.labelDomain) throw new Error(`${init.name}: labels without a label domain`);
    this.name = init.name;
    this.size = count;
    this.pixels = init.pixels;
    this.labels = init.labels ?? null;
    this.pixelsPerImage = init.pixelsPerImage;
    this.encoding = init.encoding;
    this.sparse = init.encoding === 'dynamic' ? sparseImages(init.pixels, init.pixelsPerImage) : null;
    if (init.picture.rows * init.picture.cols !== init.pixelsPerImage) throw new Error(`${init.name}: a ${init.picture.rows}x${init.picture.cols} picture for ${init.pixelsPerImage} pixels`);
    const image: FieldInfo = { name: 'image', shape: [init.pixelsPerImage], domain: init.encoding === 'grey' ? UNIT : BINARY, picture: { ...init.picture } };
    this.fields = init.labels && init.labelDomain ? [image, { name: 'label', shape: [], domain: init.labelDomain }] : [image];
  }

  batches(batchSize: number, opts: BatchOptions): AsyncIterable<Batch> {
    return minibatches(this.name, this.size, batchSize, opts, (indices) => this.gather(indices, opts));
  }

  /** The batch of the given points (dynamic encoding draws from opts.rng). */
  gather(indices: Uint32Array, opts: { rng: BatchOptions['rng'] }): Batch {
    const P = this.pixelsPerImage;
    const size = indices.length;
    const image = new Float32Array(size * P);
    const src = this.pixels;
    if (this.sparse) {
      for (let b = 0; b < size; b++) sampleSparseImage(this.sparse, indices[b]!, image, b * P, opts.rng);
    } else {
      const levels = this.encoding === 'grey' ? GREY_LEVELS : BINARY_LEVELS;
      for (let b = 0; b < size; b++) {
        const s = indices[b]! * P;
        const d = b * P;
        for (let j = 0; j < P; j++) image[d + j] = levels[src[s + j]!]!;
      }
    }
    const labels = this.labels;
    if (!labels) return { size, indices, fields: { image } };
    const label = new Float32Array(size);
    for (let b = 0; b < size; b++) label[b] = labels[indices[b]!]!;
    return { size, indices, fields: { image, label } };
  }
}

/** Images with one label each: fields `image` and `label`. */
export class LabelledImages extends ImageSet {
  declare readonly labels: Uint8Array;

  constructor(init: LabelledImagesInit) {
    super(init);
  }
}
