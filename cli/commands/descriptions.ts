// What each command does, in one line: `ppl --help` lists these without loading the commands
// (a command's module, and TensorFlow.js with it, loads only when that command runs).
export const DESCRIPTIONS = {
  check: 'parse and check a .ppl file; print every error, or a summary of its sites and estimators',
  train: 'fit a model by stochastic variational inference; writes checkpoint.json, log.csv, steps.csv and elbo.svg to --out',
  summary: "posterior summary of every global latent (the guide's mean, sd, 5/50/95% quantiles) and the value of every param, as a table, CSV or JSON",
  encode: "infer z given x: the guide's posterior mean and sd (or probabilities) of every local latent, per data point, as CSV",
  sample: 'draw from the trained generative model: latents from the prior, then each data variable as its likelihood mean or a draw; PNG grid for pictures, CSV for vectors',
  reconstruct: "originals beside their reconstructions: x -> the guide's mean of z -> the likelihood mean, as PNG",
  inpaint: 'hide part of each input (--mask) and infer it from the observed part by the posterior; PNG and errors on the hidden part',
  export: "write a checkpoint's parameters as plain JSON: each one nested arrays of its shape, as the model uses it",
  eval: 'held-out ELBO and importance-sampled log p(x) per data point (nats), with standard errors and effective sample size',
  manifold: "the learned data manifold (Kingma & Welling 2014, Fig. 4): a grid of codes through the prior's inverse CDF, each decoded to its likelihood mean",
  'plot-latent': 'scatter of the encoded means of a local latent (2-D, or its first two principal components), coloured by label; SVG and PNG',
  grads: 'compare gradient estimators at fixed parameters on a fixed minibatch: norm, variance, SNR, cosine to a reference, cost; writes grads.csv and a chart',
  compare: 'train once per estimator from the same initial parameters with the same budget; held-out ELBO curves (compare.csv, chart) and a summary',
  simulate: "draw a synthetic data set from the model's generative process (latents from their priors, data from the likelihood); CSV that --data csv: reads back, or IDX for binary 784-pixel images",
  data: 'fetch or install, and verify, data sets that are not shipped with ppl (frey, mnist)',
  lsp: 'run the .ppl language server on stdin/stdout (LSP: diagnostics, hover, go-to-definition, completion)',
} as const;

export type CommandName = keyof typeof DESCRIPTIONS;
