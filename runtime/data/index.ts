// The data layer's public surface: data sets, binding, the spec grammar, parsers of bytes and
// text, and in-memory arrays. Nothing here reads files (that is io/, node-only).
//
// Messages name options by their API names (trainSize, testFraction, columns, ...), in backticks
// inside a sentence, never as command-line flags; an error about one option's value is an
// OptionError that reads well with the option's name prefixed (cli/flag-errors.ts spells it as a flag).
export type { Batch, BatchOptions, DataDeclLike, DataSplit, Dataset, FieldInfo } from './dataset.js';
export { formatShape, shapeSize } from './dataset.js';
export type { Binarize } from './binarize.js';
export { BINARIZE_MODES, TEST_BINARIZATION_SEED } from './binarize.js';
export type { OpenDataOptions } from './options.js';
export { binarizeApplies, checkBinarize, checkSize } from './options.js';
export type { ColumnOverride, DataSpec, SpecFlags } from './spec.js';
export { DATA_SPEC_FORMS, DEFAULT_TEST_FRACTION, parseColumnOverride, parseDataSpec, parseTestFraction, withDataFlags } from './spec.js';
export { TEST_SPLIT_SEED, holdOut } from './split.js';
export { bindFields, domainWarnings } from './bind.js';
export { ImageSet, LabelledImages } from './images.js';
export type { ImageSetInit, LabelledImagesInit, PixelEncoding, RawImages } from './images.js';
export { freyDataSplit, idxSplit, mnistSplit } from './image-split.js';
export { tableSplit } from './table-split.js';
export type { CsvTable, TableField } from './csv.js';
export { declColumns, entryColumn, parseCsv, TableDataset, tableFields } from './csv.js';
export { formatFloat32 } from './values.js';
export type { RawEmbedded } from './embedded.js';
export { EMBEDDED_PIXELS, embeddedDigitPixels, interleaveDigits } from './embedded.js';
export type { FreyImages } from './frey.js';
export { FREY_FILE, FREY_PAGE, FREY_SHA256, FREY_URL, freySplit, parseFreyMat } from './frey.js';
export type { IdxImages } from './idx.js';
export { idxImagesFile, labelledImages, parseIdxImages, parseIdxLabels } from './idx.js';
export type { ArrayDataOptions, ArrayField, ArrayFields, ArrayRow, FlatArray } from './arrays.js';
export { arrayData, ArrayDataset } from './arrays.js';
