// Every `ppl` command, in the order `ppl --help` lists them. A command module exports a
// register function; add new commands here.
import type { Command } from 'commander';
import { registerCheck } from './check.js';
import { registerTrain } from './train.js';
import { registerEncode } from './encode.js';
import { registerSummary } from './summary.js';
import { registerSample } from './sample.js';
import { registerReconstruct } from './reconstruct.js';
import { registerInpaint } from './inpaint.js';
import { registerEval } from './eval.js';
import { registerManifold } from './manifold.js';
import { registerPlotLatent } from './plot-latent.js';
import { registerGrads } from './grads.js';
import { registerCompare } from './compare.js';
import { registerSimulate } from './simulate.js';
import { registerData } from './data.js';
import { registerLsp } from './lsp.js';

export const COMMANDS: readonly ((program: Command) => void)[] = [
  registerCheck,
  registerTrain,
  registerSummary,
  registerEncode,
  registerSample,
  registerReconstruct,
  registerInpaint,
  registerEval,
  registerManifold,
  registerPlotLatent,
  registerGrads,
  registerCompare,
  registerSimulate,
  registerData,
  registerLsp,
];
