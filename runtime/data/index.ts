// The data layer's public surface.
export type { Batch, BatchOptions, DataDeclLike, DataSplit, Dataset, FieldInfo } from './dataset.js';
export { formatShape, shapeSize } from './dataset.js';
export type { Binarize } from './binarize.js';
export { BINARIZE_MODES, TEST_BINARIZATION_SEED } from './binarize.js';
export type { OpenDataOptions } from './open.js';
export { binarizeApplies, openData } from './open.js';
export type { ColumnOverride, DataSpec, SpecFlags } from './spec.js';
export { DATA_SPEC_FORMS, DEFAULT_TEST_FRACTION, parseColumnOverride, parseDataSpec, parseTestFraction, withDataFlags } from './spec.js';
export { TEST_SPLIT_SEED, holdOut } from './split.js';
export { bindFields, domainWarnings } from './bind.js';
export { ImageSet, LabelledImages } from './images.js';
export type { ImageSetInit, LabelledImagesInit, PixelEncoding, RawImages } from './images.js';
export type { CsvTable, TableField } from './csv.js';
export { declColumns, entryColumn, formatFloat32, parseCsv, readCsv, TableDataset, tableFields } from './csv.js';
export type { FetchLike, FreyImages, InstalledFrey, InstallFreyOptions } from './frey.js';
export { FREY_FILE, FREY_PAGE, FREY_SHA256, FREY_URL, installFrey, loadFrey, parseFreyMat } from './frey.js';
export { idxImagesFile, parseIdxImages } from './idx.js';
