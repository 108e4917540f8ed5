// Node-only file access for data: opening a data spec's files, reading CSV / IDX / Frey files,
// the embedded MNIST package, and installing the Frey file. The engine (runtime/) never imports this.
export type { OpenDataOptions } from './read-data.js';
export { openData } from './read-data.js';
export { readCsv } from './csv-file.js';
export { readIdxImages } from './idx-file.js';
export { readMaybeGzipped } from './maybe-gzipped.js';
export { readBytes, readText } from './read-file.js';
export { loadEmbeddedMnist } from './embedded-mnist.js';
export type { RawMnist } from './mnist-files.js';
export { candidateNames, loadMnistDir } from './mnist-files.js';
export { freyFile, loadFrey } from './frey-file.js';
export type { FetchLike, InstalledFrey, InstallFreyOptions } from './frey-install.js';
export { installFrey } from './frey-install.js';
