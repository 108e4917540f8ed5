// Every `ppl` command, in the order `ppl --help` lists them, with the module that registers its
// options and runs it. Only the module of the command being run is loaded (see cli/main.ts), so
// `ppl --help`, `ppl --version` and `ppl check` never load TensorFlow.js. Add new commands here
// and their one-line description in descriptions.ts.
import type { Command } from 'commander';
import type { CommandName } from './descriptions.js';

export interface CommandEntry {
  name: CommandName;
  /** The arguments as `ppl --help` shows them. */
  args: string;
  /** Registers the command with all its options on `program`. */
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'check', args: '<file>', load: async () => (await import('./check.js')).registerCheck },
  { name: 'train', args: '<file>', load: async () => (await import('./train.js')).registerTrain },
  { name: 'summary', args: '<file>', load: async () => (await import('./summary.js')).registerSummary },
  { name: 'encode', args: '<file>', load: async () => (await import('./encode.js')).registerEncode },
  { name: 'sample', args: '<file>', load: async () => (await import('./sample.js')).registerSample },
  { name: 'reconstruct', args: '<file>', load: async () => (await import('./reconstruct.js')).registerReconstruct },
  { name: 'inpaint', args: '<file>', load: async () => (await import('./inpaint.js')).registerInpaint },
  { name: 'eval', args: '<file>', load: async () => (await import('./eval.js')).registerEval },
  { name: 'export', args: '<file>', load: async () => (await import('./export.js')).registerExport },
  { name: 'manifold', args: '<file>', load: async () => (await import('./manifold.js')).registerManifold },
  { name: 'plot-latent', args: '<file>', load: async () => (await import('./plot-latent.js')).registerPlotLatent },
  { name: 'grads', args: '<file>', load: async () => (await import('./grads.js')).registerGrads },
  { name: 'compare', args: '<file>', load: async () => (await import('./compare.js')).registerCompare },
  { name: 'simulate', args: '<file>', load: async () => (await import('./simulate.js')).registerSimulate },
  { name: 'data', args: '<set>', load: async () => (await import('./data.js')).registerData },
  { name: 'lsp', args: '', load: async () => (await import('./lsp.js')).registerLsp },
];
