// Seeded randomness. One Rng per purpose (data order, binarization, sampling), each derived
// from the user's --seed and a label, so runs with one seed give the same numbers.
import seedrandom from 'seedrandom';

/** Where a stream stands: a checkpoint taken inside an epoch keeps it, so a resumed run draws on from there. */
export interface RngState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

export class Rng {
  private readonly prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;

  /** The stream of `seed`, from its start, or from `state` (taken by state() of a stream of the same seed). */
  constructor(
    readonly seed: string,
    state?: RngState,
  ) {
    this.prng = seedrandom.alea(seed, { state: state ? { ...state } : true }) as seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  }

  /** A copy of where the stream stands (plain numbers: it survives JSON). */
  state(): RngState {
    const { c, s0, s1, s2 } = this.prng.state();
    return { c, s0, s1, s2 };
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.prng();
  }

  /** An integer seed for one tfjs random op (tf.randomNormal(..., seed)). */
  nextSeed(): number {
    return Math.floor(this.prng() * 2 ** 31);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** An independent stream for a sub-purpose, e.g. rng.derive('epoch-3'). */
  derive(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}
