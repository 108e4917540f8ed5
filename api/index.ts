// The library's root entry, `ppl-vi` in Node: the engine (api/engine.ts) plus the Node flavours
// of loadModel, checkModel and fit (files and data specs) and the file helpers (api/node.ts).
export * from './engine.js';
export * from './node/entry.js';
export { checkModel, fit, loadModel } from './node/entry.js';
