/**
 * Fréchet distance between Gaussian fits of two feature sets (the FID formula).
 */
import { fail, failWith } from '../_internal/errors.js';
import { traceSqrtProduct } from '../_internal/linalg.js';
import { checkNonNegative, checkOptions } from '../_internal/validate.js';
import { matrixReader, type FeatureMatrix } from './_read.js';

/** Mean and covariance of a feature set, from {@link featureStatistics}. */
export interface FeatureStatistics {
  readonly kind: 'feature-statistics';
  /** Number of samples n. */
  readonly count: number;
  /** Feature size d. */
  readonly dim: number;
  /** Mean `[d]`. */
  readonly mean: Float64Array;
  /** Covariance `[d·d]`, row-major, unbiased (divided by n − 1). */
  readonly covariance: Float64Array;
}

/**
 * Mean and unbiased covariance (divided by n − 1, as numpy.cov and pytorch-fid) of a feature
 * set, in float64, with a two-pass algorithm (centre, then multiply). Compute these once for the
 * training set and pass them to {@link frechetDistance}.
 *
 * @param features - `[n, d]` with n ≥ 2: a float32 tensor (read with `await t.data()`, not
 *   disposed) or an array of rows.
 * @returns a promise of frozen {@link FeatureStatistics}.
 * @throws (rejects) `Error in featureStatistics: features must be a tensor with at least 2 rows, …`
 *   and for non-finite values.
 * @example
 * ```ts
 * const trainStats = await featureStatistics(trainFeatures); // reuse across evaluations
 * const fid = await frechetDistance(trainStats, fakeFeatures);
 * ```
 */
export async function featureStatistics(features: FeatureMatrix): Promise<FeatureStatistics> {
  return statisticsOf(await matrixReader('featureStatistics', 'features', features, 2)());
}

function statisticsOf(m: { data: Float64Array; rows: number; cols: number }): FeatureStatistics {
  const { data, rows: n, cols: d } = m;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = data[i * d + j]! - mean[j]!;
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let a = 0; a < d; a++) {
      const va = centred[row + a]!;
      if (va === 0) continue;
      for (let b = a; b < d; b++) covariance[a * d + b]! += va * centred[row + b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = covariance[a * d + b]! / (n - 1);
      covariance[a * d + b] = v;
      covariance[b * d + a] = v;
    }
  }
  return Object.freeze({ kind: 'feature-statistics' as const, count: n, dim: d, mean, covariance });
}

/** Options of {@link frechetDistance}. */
export interface FrechetDistanceOptions {
  /**
   * ε added to both covariance diagonals before the square root (pytorch-fid adds 1e-6 only
   * when its sqrtm fails; the symmetric eigendecomposition used here does not need it).
   * @defaultValue 0
   */
  readonly eps?: number;
}

const isStatistics = (v: unknown): v is FeatureStatistics =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'feature-statistics';

function statisticsReader(fn: string, arg: string, value: unknown): () => Promise<FeatureStatistics> {
  if (isStatistics(value)) {
    const s = value;
    if (!(s.mean instanceof Float64Array) || s.mean.length !== s.dim || !(s.covariance instanceof Float64Array) || s.covariance.length !== s.dim * s.dim) {
      fail(fn, arg, 'statistics from featureStatistics() (mean of length d, covariance of length d·d)', value);
    }
    return async () => s;
  }
  const read = matrixReader(fn, arg, value, 2);
  return async () => statisticsOf(await read());
}

/**
 * Fréchet distance between Gaussian fits N(m₁, C₁), N(m₂, C₂) of two feature sets:
 * d² = ‖m₁ − m₂‖² + Tr(C₁ + C₂ − 2·(C₁C₂)^{1/2}) — the FID formula of Heusel, Ramsauer,
 * Unterthiner, Nessler, Hochreiter, "GANs Trained by a Two Time-Scale Update Rule Converge to
 * a Local Nash Equilibrium", NeurIPS 2017 (there on Inception-v3 pool3 features; here on any
 * features the caller supplies, so FID works with any feature extractor).
 *
 * Tr((C₁C₂)^{1/2}) is computed in float64 as Σ √λᵢ over the eigenvalues of the symmetric PSD
 * matrix C₁^{1/2}·C₂·C₁^{1/2} (Householder + QL eigensolver), so no complex square root or
 * imaginary-part clean-up is needed; tiny negative eigenvalues from rounding are clipped to 0
 * and the result is clipped at 0. O(d³): about a second at d = 512 in Node, more at d = 2048.
 *
 * @param a - features `[n, d]` (n ≥ 2; a float32 tensor or an array of rows) or statistics from
 *   {@link featureStatistics}.
 * @param b - the same for the other set.
 * @param options - see {@link FrechetDistanceOptions}.
 * @returns a promise of the squared Fréchet distance (FID is this number). Tensors are read with
 *   `await t.data()` and not disposed.
 * @throws (rejects) `Error in frechetDistance: b must have feature size 2 like a, but got 3.`,
 *   fewer than 2 rows, non-finite values or a negative ε.
 * @example
 * ```ts
 * const fid = await frechetDistance(realFeatures, fakeFeatures); // same d, any extractor
 * ```
 */
export async function frechetDistance(
  a: FeatureMatrix | FeatureStatistics,
  b: FeatureMatrix | FeatureStatistics,
  options?: FrechetDistanceOptions,
): Promise<number> {
  const fn = 'frechetDistance';
  const o = checkOptions(fn, 'options', options);
  const eps = o.eps === undefined ? 0 : checkNonNegative(fn, 'options.eps', o.eps);
  const readA = statisticsReader(fn, 'a', a);
  const readB = statisticsReader(fn, 'b', b);
  const sa = await readA();
  const sb = await readB();
  if (sa.dim !== sb.dim) failWith(fn, `b must have feature size ${sa.dim} like a, but got ${sb.dim}.`);
  const d = sa.dim;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (sa.mean[j]! - sb.mean[j]!) ** 2;
  const ca = Float64Array.from(sa.covariance);
  const cb = Float64Array.from(sb.covariance);
  let traces = 0;
  for (let j = 0; j < d; j++) {
    ca[j * d + j]! += eps;
    cb[j * d + j]! += eps;
    traces += ca[j * d + j]! + cb[j * d + j]!;
  }
  return Math.max(0, meanTerm + traces - 2 * traceSqrtProduct(ca, cb, d));
}
