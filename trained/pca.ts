// Principal components of a small set of vectors (e.g. encoded means), for 2-D pictures of
// higher-dimensional codes. The covariance's eigenvectors come from the cyclic Jacobi method:
// exact to rounding for the few dimensions latent codes have.

export interface Projection {
  /** n * k coordinates, row-major. */
  coords: Float64Array;
  /** Fraction of the total variance along each of the k components. */
  explained: number[];
  /** k unit vectors of length d. */
  components: Float64Array[];
}

/** Eigen-decomposition of a symmetric d x d matrix (row-major): values and column vectors. */
function jacobiEigen(a: Float64Array, d: number): { values: number[]; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += m[p * d + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * d + q]! - m[p * d + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = m[k * d + p]!;
          const akq = m[k * d + q]!;
          m[k * d + p] = c * akp - s * akq;
          m[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = m[p * d + k]!;
          const aqk = m[q * d + k]!;
          m[p * d + k] = c * apk - s * aqk;
          m[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: d }, (_, i) => m[i * d + i]!), vectors: v };
}

/** The first k principal components of n points of dimension d (row-major), signs fixed so each component's largest entry is positive. */
export function principalComponents(x: ArrayLike<number>, n: number, d: number, k = 2): Projection {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = x[i * d + a]! - mean[a]!;
      for (let b = a; b < d; b++) cov[a * d + b]! += (xa * (x[i * d + b]! - mean[b]!)) / Math.max(1, n - 1);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a]!;
  const { values, vectors } = jacobiEigen(cov, d);
  const order = values.map((_, i) => i).sort((p, q) => values[q]! - values[p]!);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const components: Float64Array[] = [];
  const explained: number[] = [];
  for (const idx of order.slice(0, k)) {
    const c = new Float64Array(d);
    for (let j = 0; j < d; j++) c[j] = vectors[j * d + idx]!;
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(c[j]!) > Math.abs(c[big]!)) big = j;
    if (c[big]! < 0) for (let j = 0; j < d; j++) c[j] = -c[j]!;
    components.push(c);
    explained.push(total > 0 ? Math.max(values[idx]!, 0) / total : 0);
  }
  const coords = new Float64Array(n * components.length);
  for (let i = 0; i < n; i++) {
    components.forEach((c, j) => {
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t]! - mean[t]!) * c[t]!;
      coords[i * components.length + j] = s;
    });
  }
  return { coords, explained, components };
}
