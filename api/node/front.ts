// The light part of the Node entry: api/front.ts plus models from files (or standard input).
// What `ppl --help`, `ppl check` and `ppl lsp` load: no TensorFlow.js.
export * from '../front.js';
export { checkModel, loadModel, type ModelSource } from './model-source.js';
export { STDIN_FILE } from '../../io/model-file.js';
