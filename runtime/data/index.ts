// The data layer's public surface.
export type { Batch, BatchOptions, DataSplit, Dataset, FieldInfo } from './dataset.js';
export { formatShape, shapeSize } from './dataset.js';
export type { Binarize } from './binarize.js';
export { BINARIZE_MODES, TEST_BINARIZATION_SEED } from './binarize.js';
export type { OpenDataOptions } from './open.js';
export { DATA_SPEC_FORMS, openData } from './open.js';
export type { DataDeclLike } from './bind.js';
export { bindFields, domainWarnings } from './bind.js';
export { LabelledImages } from './images.js';
export type { LabelledImagesInit, PixelEncoding, RawImages } from './images.js';
