// Seeded randomness. One Rng per purpose (data order, binarization, sampling), each derived
// from the user's --seed and a label, so runs with one seed give the same numbers.
import seedrandom from 'seedrandom';

export class Rng {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly seed: string) {
    this.prng = seedrandom.alea(seed);
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
