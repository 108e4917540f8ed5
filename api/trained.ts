// A trained model: the compiled program with its parameters (from fit, or a checkpoint, or
// their initial values), and what one does with it. Each method is a thin wrapper over the
// inference function the command line's command of the same name uses, with the same seeds.
import { Rng } from '../runtime/random.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { backEnd } from './pipeline.js';
import type { EstimatorKind } from '../runtime/effects/messages.js';
import type { Checkpoint } from '../inference/checkpoint.js';
import type { Picture } from '../runtime/data/dataset.js';
import { specPicture } from '../runtime/data/image-split.js';
import { restoreProgram } from '../trained/restore.js';
import { DEFAULT_TRAIN_OPTIONS } from '../inference/train-options.js';
import { encodeDataset, type EncodedSet } from '../trained/encode.js';
import { sampleModel, type DecodeMode, type Generated } from '../trained/generate.js';
import { reconstructBatch } from '../trained/reconstruct.js';
import { hiddenError, type HiddenError } from '../trained/inpaint.js';
import { evaluateLogLikelihood, type Evaluation } from '../trained/loglik.js';
import { latentManifold, type Manifold } from '../trained/manifold.js';
import { gradientReportYielding, parseEstimatorSpec, type EstimatorSpec, type GradientReport } from '../experiments/gradient-stats.js';
import { disposeMinibatch, toMinibatch } from '../inference/minibatch.js';
import { primaryData } from '../trained/observed.js';
import { globalGuideMeans, type GlobalValues } from '../trained/replay.js';
import type { KlMode } from '../inference/elbo.js';
import { asBound, type DataInput } from './data.js';
import { firstPoints } from './first-points.js';
import { fieldPicture, inpaintPoints, type InpaintOptions, type Inpainting } from './inpaint.js';
import { posteriorSummary, type PosteriorSummary, type SummaryOptions } from './summary.js';
import type { Model } from './model.js';

export interface TrainedModelInit {
  /** The seed of everything drawn with the model (each method derives its own stream). Default '0'. */
  seed?: string;
  /** The checkpoint the parameters came from, if any. */
  checkpoint?: Checkpoint;
}

export interface EncodeOptions {
  seed?: string;
  /** Draws for guides whose latents depend on other latents (the summary is exact otherwise). Default 64. */
  particles?: number;
  /** Only the first `limit` points. */
  limit?: number;
  batchSize?: number;
}

export interface SampleOptions {
  /** 'mean': each data variable's likelihood mean at the drawn latents; 'sample': a draw from it. Default 'mean'. */
  mode?: DecodeMode;
  seed?: string;
}

export interface ReconstructOptions {
  /** The first n points. Default 16. */
  n?: number;
  seed?: string;
}

export interface Reconstruction {
  /** The modelled data variable and its shape. */
  data: string;
  shape: number[];
  /** Positions of the points in the data set. */
  indices: Uint32Array;
  /** [points * size] each: the points as given, and their likelihood means at the guide's posterior mean of every local latent. */
  originals: Float32Array;
  reconstructions: Float32Array;
  /** Error per value over all entries. */
  error: HiddenError;
}

export interface EvaluateOptions {
  /** Importance samples per data point. Default 1000. */
  k?: number;
  /** Data points per pass. Default 100. */
  batchSize?: number;
  /** Samples per data point of the ELBO estimate. Default 1. */
  elboParticles?: number;
  seed?: string;
  /** Called as draws complete: (draws done, draws in all). */
  onProgress?(done: number, total: number): void;
}

export interface GradientStatsOptions {
  /** Particles of each estimate (loo, iwae and vimco use at least 2). Default 1. */
  particles?: number;
  /** The minibatch: the first points of the data. Default 100. */
  batchSize?: number;
  /** Estimates per estimator. Default 50. */
  repeats?: number;
  /** Steps fitting the baselines (mavg, nvil) with the model fixed, before measuring. Default 200. */
  warmup?: number;
  /** Estimates averaged for the reference gradient. Default 20. */
  referenceRepeats?: number;
  /** Particles of each reference estimate. Default 10. */
  referenceParticles?: number;
  kl?: KlMode;
  seed?: string;
  onProgress?(label: string, done: number, total: number): void;
}

export interface ManifoldOptions {
  /** Tiles per side. Default 20. */
  grid?: number;
  /** The two latent dimensions that vary. Default [0, 1]. */
  dims?: [number, number];
  /** The local latent to vary (default: the model's only one). */
  latent?: string;
  seed?: string;
}

export class TrainedModel {
  readonly seed: string;
  readonly checkpoint?: Checkpoint;
  private globalMeans?: GlobalValues;

  constructor(
    readonly model: Model,
    /** The compiled program (engine internals: its shape may change between versions). */
    readonly program: CompiledProgram,
    init: TrainedModelInit = {},
  ) {
    this.seed = init.seed ?? DEFAULT_TRAIN_OPTIONS.seed;
    this.checkpoint = init.checkpoint;
  }

  /**
   * The picture size of data declaration `name`: that of `data` when its field is an image, else
   * that of the data the model was trained on, when those were images.
   */
  pictureOf(name: string, data?: DataInput): Picture | undefined {
    const own = data === undefined ? undefined : fieldPicture(asBound(this.model, data), name);
    if (own) return own;
    const ckpt = this.checkpoint;
    if (!ckpt) return undefined;
    if (ckpt.pictures) return ckpt.pictures[name];
    // Written before checkpoints recorded picture sizes: the data spec may name an image set.
    const spec = ckpt.flags['data'];
    return typeof spec === 'string' ? specPicture(spec) : undefined;
  }

  /** The checkpoint was written from a different version of the source (its SHA-256 differs). */
  get sourceChanged(): boolean {
    return this.checkpoint !== undefined && this.checkpoint.model.sha256 !== this.model.sha256;
  }

  /** Scalars the optimizer trains (params, nets, automatic guides). */
  get parameterCount(): number {
    return this.program.params.count();
  }

  /** How each guide site's gradient is estimated. */
  estimators(): ReadonlyMap<string, EstimatorKind> {
    return this.program.estimators();
  }

  /**
   * The guide's mean of every global latent: what the per-point methods (sample, reconstruct,
   * inpaint, evaluate, manifold) hold the globals at. Empty without global latents.
   */
  get globals(): GlobalValues {
    this.globalMeans ??= globalGuideMeans(this.program, new Rng(`${this.seed}/globals`));
    return this.globalMeans;
  }

  /** Mean, sd and 5/50/95% quantiles of every global latent (from the guide) and the value of every param. */
  summary(options: SummaryOptions = {}): PosteriorSummary {
    return posteriorSummary(this.program, options);
  }

  /** The guide's posterior summary of every local latent for each data point (mean and sd, or probabilities). */
  async encode(data: DataInput, options: EncodeOptions = {}): Promise<EncodedSet> {
    const { dataset, bindings } = asBound(this.model, data);
    return encodeDataset(this.program, dataset, bindings, { seed: options.seed ?? this.seed, particles: options.particles, limit: options.limit, batchSize: options.batchSize });
  }

  /** n draws from the generative model: latents from their priors (globals at their guide means), then the data. */
  sample(n: number, options: SampleOptions = {}): Generated {
    const seed = options.seed ?? this.seed;
    return sampleModel(this.program, n, new Rng(`${seed}/sample`), { mode: options.mode ?? 'mean', globals: this.globals });
  }

  /** The first points and their reconstructions: x -> the guide's mean of z -> the likelihood mean. */
  async reconstruct(data: DataInput, options: ReconstructOptions = {}): Promise<Reconstruction> {
    const { dataset, bindings } = asBound(this.model, data);
    const seed = options.seed ?? this.seed;
    const d = primaryData(this.program.lowered, 'reconstruct');
    const batch = await firstPoints(dataset, options.n ?? 16, seed);
    const mb = toMinibatch(batch, this.program.lowered, bindings);
    let reconstructions: Float32Array;
    try {
      reconstructions = reconstructBatch(this.program, mb, new Rng(`${seed}/reconstruct`), this.globals).data.get(d.name)!.values;
    } finally {
      disposeMinibatch(mb);
    }
    const originals = batch.fields[bindings.get(d.name)!]!;
    const error = hiddenError(originals, reconstructions, new Uint8Array(originals.length).fill(1));
    return { data: d.name, shape: [...d.shape], indices: batch.indices, originals, reconstructions, error };
  }

  /**
   * Hide part of the first points of `data` and infer it by the posterior. `reference` (default:
   * `data`) gives the mean point that fills the hidden values and scores the baseline.
   */
  async inpaint(data: DataInput, options: InpaintOptions & { reference?: DataInput }): Promise<Inpainting> {
    const points = asBound(this.model, data);
    const reference = options.reference === undefined ? points : asBound(this.model, options.reference);
    const picture = this.pictureOf(primaryData(this.program.lowered, 'inpaint').name, points);
    return inpaintPoints(this.program, this.globals, points, reference, options.seed ?? this.seed, options, picture);
  }

  /** Per data point: the ELBO and the importance-sampled log p(x) (K samples), with standard errors and ESS. */
  async evaluate(data: DataInput, options: EvaluateOptions = {}): Promise<Evaluation> {
    const { dataset, bindings } = asBound(this.model, data);
    return evaluateLogLikelihood(this.program, dataset, bindings, {
      k: options.k ?? 1000,
      globals: this.globals,
      seed: `${options.seed ?? this.seed}/eval`,
      batchSize: options.batchSize ?? 100,
      elboParticles: options.elboParticles ?? 1,
      onProgress: options.onProgress,
    });
  }

  /**
   * Gradient estimators compared at the current parameters on the first points of `data`:
   * norm, variance, SNR, cosine to a reference and cost, per parameter group. `estimators` are
   * labels such as 'reparam', 'score+mavg', 'iwae', 'vimco', or parsed specs.
   */
  async gradientStats(data: DataInput, estimators: readonly (string | EstimatorSpec)[], options: GradientStatsOptions = {}): Promise<GradientReport> {
    const { dataset, bindings } = asBound(this.model, data);
    const seed = options.seed ?? this.seed;
    const specs = estimators.map((e) => (typeof e === 'string' ? parseEstimatorSpec(e, options.particles ?? 1) : e));
    const points = await firstPoints(dataset, options.batchSize ?? 100, seed);
    const batch = toMinibatch(points, this.program.lowered, bindings);
    try {
      return await gradientReportYielding(this.program, batch, specs, {
        repeats: options.repeats ?? 50,
        referenceRepeats: options.referenceRepeats ?? 20,
        referenceParticles: options.referenceParticles ?? 10,
        warmup: options.warmup ?? 200,
        kl: options.kl ?? DEFAULT_TRAIN_OPTIONS.kl,
        datasetSize: dataset.size,
        seed,
        onProgress: options.onProgress,
      });
    } finally {
      disposeMinibatch(batch);
    }
  }

  /** A grid of codes through the prior's quantiles, each decoded to its likelihood mean (Kingma & Welling 2014, Fig. 4). */
  manifold(options: ManifoldOptions = {}): Manifold {
    const seed = options.seed ?? this.seed;
    return latentManifold(this.program, new Rng(`${seed}/manifold`), { grid: options.grid ?? 20, dims: options.dims ?? [0, 1], latent: options.latent, globals: this.globals });
  }

  /** Frees the parameters' tensors; the model cannot be used afterwards. */
  dispose(): void {
    this.program.dispose();
  }
}

export interface RestoreOptions {
  /** Default: the seed the checkpoint was trained with. */
  seed?: string;
  /** Names the checkpoint in error messages (e.g. its path). Default 'checkpoint'. */
  origin?: string;
}

/**
 * `model` with the parameters of `checkpoint`. A checkpoint from another version of the source
 * is accepted when the parameter shapes match (see `sourceChanged`); a UserError names the
 * first parameter that is missing or has another shape.
 */
export function restoreModel(model: Model, checkpoint: Checkpoint, options: RestoreOptions = {}): TrainedModel {
  const saved = checkpoint.flags['seed'];
  const seed = options.seed ?? (typeof saved === 'string' ? saved : DEFAULT_TRAIN_OPTIONS.seed);
  const { program } = restoreProgram(model.checked, checkpoint, options.origin ?? 'checkpoint', seed);
  return new TrainedModel(model, program, { seed, checkpoint });
}

/** `model` with its parameters at their initial values: declared inits, nets drawn with `seed`. */
export function untrainedModel(model: Model, options: { seed?: string } = {}): TrainedModel {
  const seed = options.seed ?? DEFAULT_TRAIN_OPTIONS.seed;
  return new TrainedModel(model, backEnd(model.checked, { seed }), { seed });
}
