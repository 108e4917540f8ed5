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
  {
    name: 'iaf',
    doc: 'for a local real latent: the amortized Normal of `auto` followed by `flows = K` (default 2) inverse autoregressive flow steps (Kingma et al. 2016), each a masked autoencoder (MADE) over the latent with the encoder\'s context, alternating the order',
  },
];

/** Inverse autoregressive flow steps of `auto(iaf)` when `flows` is not given. */
export const IAF_DEFAULT_FLOWS = 2;

/** The hidden units of each IAF step's masked net (and the size of the encoder's context head): max(IAF_MIN_HIDDEN, 2 D) for a latent of D values. */
export const IAF_MIN_HIDDEN = 50;

export function iafHidden(d: number): number {
  return Math.max(IAF_MIN_HIDDEN, 2 * d);
}

/** The supports a full-rank guide covers: those with an elementwise bijection from the reals. */
export function fullRankCovers(s: Support): boolean {
  return s.kind === 'real' || s.kind === 'positive' || s.kind === 'unit';
}

/** The generated auxiliary site of the joint full-rank Normal, and its learnables' names. */
export const FULLRANK_SITE = 'auto.fullrank';
