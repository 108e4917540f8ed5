// The options of an automatic guide (`w ~ auto(fullrank)`), as data for the checker, the
// lowering and the docs. Mean-field is the default; a full-rank guide replaces the independent
// factors of every global latent that asks for it by one joint Normal over all of them, in
// unconstrained space, as Pyro's AutoMultivariateNormal and Stan's ADVI `fullrank` do.
import type { Support } from './support.js';

export interface AutoGuideOption {
  name: string;
  doc: string;
}

export const AUTO_GUIDE_OPTIONS: readonly AutoGuideOption[] = [
  { name: 'meanfield', doc: 'the default: an independent factor of the support\'s family per element (`auto` alone)' },
  {
    name: 'fullrank',
    doc: 'one joint Normal over the unconstrained values of every global latent marked `auto(fullrank)` (reals as they are, positive values through exp, unit values through sigmoid), with a learned lower-triangular factor: captures correlations between latents (eight schools\' tau and school effects)',
  },
];

/** The supports a full-rank guide covers: those with an elementwise bijection from the reals. */
export function fullRankCovers(s: Support): boolean {
  return s.kind === 'real' || s.kind === 'positive' || s.kind === 'unit';
}

/** The generated auxiliary site of the joint full-rank Normal, and its learnables' names. */
export const FULLRANK_SITE = 'auto.fullrank';
