// Control variates for score-function sites, each optional and combinable:
//   mavg  moving average of the signal per site (Williams 1992);
//   nvil  a running mean c plus an input-dependent b(x) fitted by squared error to the rest,
//         b(x) declared with @baseline(...) or generated; optional variance normalization
//         (Mnih & Gregor 2014);
//   loo   leave-one-out mean over the other L - 1 particles (Kool et al. 2019; the multi-sample
//         baseline of VIMCO).
// The baselines own their state: running statistics on the device and the generated nets'
// parameters in a store of their own, apart from the program's.
import { tf, stopGradient, type Tensor } from '../../runtime/tf.js';
import type { TraceSite } from '../../runtime/trace.js';
import type { CompiledProgram } from '../../lang/compiler/index.js';
import { sitesOf } from '../../lang/lower/program.js';
import { joinedDataSize } from '../../lang/lower/auto-guides.js';
import { Mlp } from '../../runtime/nets.js';
import { ParamStore } from '../../runtime/params.js';
import { joinedDataInput } from '../../runtime/functions.js';
import { Rng } from '../../runtime/random.js';
import { OptionError, UserError } from '../../runtime/errors.js';

export type BaselineKind = 'mavg' | 'nvil' | 'loo';
export const BASELINES: readonly BaselineKind[] = ['mavg', 'nvil', 'loo'];

export interface BaselineOptions {
  baselines: readonly BaselineKind[];
  /** Decay of the moving averages (mavg, and the NVIL centring/normalization statistics). */
  decay: number;
  /** NVIL: divide the centred signal by a running estimate of its standard deviation. */
  normalize: boolean;
  /** Hidden units of a generated NVIL baseline net (data -> hidden -> 1, tanh). */
  nvilHidden: number;
  seed: string;
}

/** Running mean and variance of one site's residual signal, kept on the device. */
interface SiteStats {
  mean: tf.Variable;
  variance: tf.Variable;
  initialized: tf.Variable;
}

export class ScoreBaselines {
  readonly params = new ParamStore();
  private readonly kinds: ReadonlySet<BaselineKind>;
  private readonly stats = new Map<string, SiteStats>();
  private readonly generated = new Map<string, Mlp>();
  private readonly dataNames: readonly string[];

  constructor(
    program: CompiledProgram,
    readonly options: BaselineOptions,
  ) {
    this.kinds = new Set(options.baselines);
    this.dataNames = program.lowered.data.map((d) => d.name);
    if (this.kinds.has('nvil')) this.buildGeneratedBaselines(program);
  }

  get active(): boolean {
    return this.kinds.size > 0;
  }

  /**
   * A generated NVIL baseline b(x) for each local guide site without @baseline: an MLP from the
   * flattened data to one number, tanh hidden units.
   */
  private buildGeneratedBaselines(program: CompiledProgram): void {
    const inputSize = joinedDataSize(program.lowered.data);
    const rng = new Rng(`${this.options.seed}/nvil`);
    for (const site of sitesOf(program.lowered, 'guide')) {
      if (site.target !== 'latent' || site.plate !== 'local' || site.baseline) continue;
      const name = `baseline.${site.name}`;
      this.generated.set(site.name, new Mlp({ name, layers: [inputSize, this.options.nvilHidden, 1], activation: 'tanh' }, this.params, rng.derive(site.name)));
    }
  }

  private siteStats(name: string): SiteStats {
    let s = this.stats.get(name);
    if (!s) {
      s = {
        mean: tf.variable(tf.scalar(0), false),
        variance: tf.variable(tf.scalar(1), false),
        initialized: tf.variable(tf.scalar(0), false),
      };
      this.stats.set(name, s);
    }
    return s;
  }

  /** b(x) of a local site: declared (@baseline) or generated; [1 or P, M], or undefined. */
  private inputBaseline(q: TraceSite, data: ReadonlyMap<string, Tensor>, rows: number): Tensor | undefined {
    if (q.baseline) return q.baseline;
    const net = this.generated.get(q.name);
    if (!net) return undefined;
    const input = joinedDataInput(
      this.dataNames.map((d) => {
        const t = data.get(d);
        if (!t) throw new UserError(`NVIL baseline for ${q.name}: data '${d}' is missing from the minibatch`);
        return t;
      }),
    );
    return tf.reshape(net.apply(input) as Tensor, [1, rows]);
  }

  /**
   * The centred learning signal A and the squared-error loss that fits b(x), for one score site.
   * `signal` is [P, M] (local) or [P, 1] (global), already constant.
   */
  advantage(q: TraceSite, signal: Tensor, data: ReadonlyMap<string, Tensor>): { advantage: Tensor; fitLoss?: Tensor } {
    const particles = signal.shape[0]!;
    let residual = signal;
    if (this.kinds.has('loo')) {
      if (particles < 2) throw new OptionError('baselines', '`baselines` loo needs at least 2 particles (`particles` 2 or more)');
      const others = tf.div(tf.sub(tf.sum(signal, 0, true), signal), particles - 1);
      residual = tf.sub(residual, others);
    }
    // NVIL centres by a running mean c as well and fits b(x) to what remains (Mnih & Gregor 2014).
    const nvil = this.kinds.has('nvil');
    let advantage = residual;
    if (this.kinds.has('mavg') || nvil) {
      const s = this.siteStats(q.name);
      // The baselines use the statistics from before this step, so they do not depend on it.
      advantage = tf.sub(residual, s.mean);
      if (nvil && this.options.normalize) advantage = tf.div(advantage, tf.maximum(1, tf.sqrt(s.variance)));
      this.updateStats(s, residual);
    }
    let fitLoss: Tensor | undefined;
    if (nvil && q.plate === 'local') {
      const bx = this.inputBaseline(q, data, signal.shape[1]!);
      if (bx) {
        fitLoss = tf.mean(tf.square(tf.sub(stopGradient(advantage), bx)));
        advantage = tf.sub(advantage, stopGradient(bx));
      }
    }
    return { advantage, fitLoss };
  }

  private updateStats(s: SiteStats, residual: Tensor): void {
    const d = this.options.decay;
    const batchMean = tf.mean(residual);
    const batchVar = tf.mean(tf.square(tf.sub(residual, batchMean)));
    // The first step starts the averages at the batch values instead of at 0 and 1.
    const first = tf.equal(s.initialized, 0);
    s.mean.assign(tf.where(first, batchMean, tf.add(tf.mul(d, s.mean), tf.mul(1 - d, batchMean))) as tf.Scalar);
    s.variance.assign(tf.where(first, batchVar, tf.add(tf.mul(d, s.variance), tf.mul(1 - d, batchVar))) as tf.Scalar);
    s.initialized.assign(tf.scalar(1));
  }

  dispose(): void {
    for (const s of this.stats.values()) tf.dispose([s.mean, s.variance, s.initialized]);
    this.stats.clear();
    this.params.dispose();
  }
}

/** 'mavg,nvil' or 'mavg+nvil' into baseline kinds; '' and 'none' are none. */
export function parseBaselines(value: string): BaselineKind[] {
  if (value === '' || value === 'none') return [];
  const out: BaselineKind[] = [];
  for (const part of value.split(/[,+]/)) {
    if (!(BASELINES as readonly string[]).includes(part)) throw new OptionError('baselines', `\`baselines\`: unknown baseline '${part}' (choose from none, ${BASELINES.join(', ')}, combined with commas)`);
    out.push(part as BaselineKind);
  }
  return out;
}
