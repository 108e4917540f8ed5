// The messages a running program sends: one per sample or observe statement and one per param
// read. Handlers (handlers.ts) see each message on its way down the stack and may change it;
// what is left unset at the bottom gets the default behaviour (sample from the distribution,
// read the parameter store). The shape of this design follows NumPyro's primitives.py.
import { stopGradient, tf, type Tensor } from '../tf.js';
import type { Distribution } from '../distributions/index.js';
import type { Rng } from '../random.js';
import type { EstimatorKind, EstimatorRule } from '../estimator-rule.js';

export type Plate = 'local' | 'global';
export { resolveEstimator, type EstimatorKind, type EstimatorMode, type EstimatorRule } from '../estimator-rule.js';

/** Inference hints a site carries from the lowered program; handlers may rewrite them. */
export interface SiteInfer {
  estimator: EstimatorKind;
  rule: EstimatorRule;
  /** Summed out exactly over its finite support (@enumerate). */
  enumerated: boolean;
  /** A guide site's declared input-dependent baseline b(x), [1 or P, M, ...]. */
  baseline?: Tensor;
  /**
   * Multiplies the site's terms in an objective (@scale(c), KL annealing): a latent's
   * log p(z) - log q(z), data's log-likelihood, a factor. 1 when absent. Unlike `scale`, which
   * turns a minibatch's sum into an estimate over the data set, it changes what is estimated.
   */
  weight?: number;
}

/** `z[t] ~ ...`: the site draws element `at` of `of`'s first axis (the site's own name is `of[at]`). */
export interface SiteElementRef {
  readonly of: string;
  readonly at: number;
}

export interface SampleMessage {
  readonly type: 'sample';
  readonly name: string;
  readonly block: 'model' | 'guide';
  readonly kind: 'latent' | 'data';
  readonly plate: Plate;
  fn: Distribution;
  /** The declared shape of one value (of one element, for an element site). */
  readonly eventShape: readonly number[];
  /** Set when the site draws one element of a declared value along its first axis. */
  readonly element?: SiteElementRef;
  /** [particles, rows], set by the plate handler; rows is 1 for a global site. */
  batchShape?: [number, number];
  value?: Tensor;
  /** The value is data (or conditioned on), not a draw. */
  observed: boolean;
  /** Multiplies the site's log-density in every objective. */
  scale: number;
  /** 1 where the value counts, 0 where it is missing; broadcastable to the value. */
  mask?: Tensor;
  infer: SiteInfer;
  rng?: Rng;
  /** Set by a handler to hide the message from the handlers outside it (block). */
  stop: boolean;
}

export interface ParamMessage {
  readonly type: 'param';
  readonly name: string;
  /** The stored value, read only when no handler supplies one. */
  readonly read: () => Tensor;
  value?: Tensor;
  stop: boolean;
}

/** Which entries of data `name` are observed (`observed(x)`): answered by the handler that knows the minibatch's gaps. */
export interface ObservedMessage {
  readonly type: 'observed';
  readonly name: string;
  /** 1 where observed, 0 where missing, like the data; 1 (every entry) when no handler answers. */
  value?: Tensor;
  stop: boolean;
}

export type Message = SampleMessage | ParamMessage | ObservedMessage;

/**
 * A handler's two hooks: `process` on the way down (innermost handler first), `postprocess` on
 * the way back up, after the value is known.
 */
export interface Handler {
  process?(msg: Message): void;
  postprocess?(msg: Message): void;
  /** Records what it sees (a trace): a computation that must not be recorded runs without it. */
  readonly records?: boolean;
  /** Asks Markov chains of discrete latents to be summed out by the forward algorithm. */
  readonly sumsChains?: boolean;
}

/** Handlers from the outermost to the innermost, as nested blocks read top to bottom. */
export type Stack = readonly Handler[];

function defaultSample(msg: SampleMessage): Tensor {
  if (!msg.batchShape) throw new Error(`internal: site '${msg.name}' reached the bottom of the stack without a plate handler`);
  if (!msg.rng) throw new Error(`internal: site '${msg.name}' is sampled without a seed handler`);
  const value = msg.fn.sample([...msg.batchShape, ...msg.eventShape], msg.rng);
  // A score-function site must not pass pathwise gradients; its gradient comes from log q.
  return msg.infer.estimator === 'score' || !msg.fn.spec.reparameterizable ? stopGradient(value) : value;
}

/**
 * Pass `msg` through the stack and return it with its value: each handler's `process` from the
 * innermost out (until one stops it), the default behaviour if no handler gave a value, then
 * `postprocess` over the handlers that saw it, outermost first.
 */
export function send<M extends Message>(stack: Stack, msg: M): M & { value: Tensor } {
  let reached = stack.length;
  for (let i = stack.length - 1; i >= 0; i--) {
    stack[i]!.process?.(msg);
    reached = i;
    if (msg.stop) break;
  }
  if (msg.value === undefined) msg.value = msg.type === 'sample' ? defaultSample(msg) : msg.type === 'param' ? msg.read() : tf.ones([1, 1]);
  for (let i = reached; i < stack.length; i++) stack[i]!.postprocess?.(msg);
  return msg as M & { value: Tensor };
}
