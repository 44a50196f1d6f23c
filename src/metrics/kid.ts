/**
 * Kernel Inception Distance: unbiased MMD² with the cubic polynomial kernel, over subsets.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail, failWith } from '../_internal/errors.js';
import { createRng } from '../_internal/rng.js';
import { checkFinite, checkFloatTensor, checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';
import { matrixReader, type FeatureMatrix } from './_read.js';

/** Options of {@link kernelInceptionDistance} (torchmetrics defaults). */
export interface KernelInceptionDistanceOptions {
  /** Number of random subsets. @defaultValue 100 */
  readonly subsets?: number;
  /** Samples per subset, drawn without replacement from each set; at most the smaller set size. @defaultValue 1000 */
  readonly subsetSize?: number;
  /** Polynomial degree. @defaultValue 3 */
  readonly degree?: number;
  /** Inner-product scale γ. @defaultValue 1/d */
  readonly gamma?: number;
  /** Offset c. @defaultValue 1 */
  readonly coef?: number;
  /** Seed of the subset draws. @defaultValue 0 */
  readonly seed?: number;
}

/** The result of {@link kernelInceptionDistance}. */
export interface KernelInceptionDistanceResult {
  /** Mean of the subset estimates (the KID). */
  readonly mean: number;
  /** Standard deviation of the subset estimates (divided by subsets − 1; 0 for one subset). */
  readonly std: number;
  /** The per-subset unbiased MMD² estimates. */
  readonly estimates: readonly number[];
}

/** The first `k` entries of a seeded Fisher–Yates shuffle of 0..n−1. */
function sampleIndices(n: number, k: number, next: () => number): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(next() * (n - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, k);
}

/** Checks features synchronously; the reader returns a float32 tensor and whether the caller must dispose it. */
function tensorReader(fn: string, arg: string, value: unknown): () => Promise<{ tensor: tf.Tensor2D; owned: boolean }> {
  if (value instanceof tf.Tensor) {
    const tensor = checkFloatTensor(fn, arg, value, 2) as tf.Tensor2D;
    return async () => ({ tensor, owned: false });
  }
  const read = matrixReader(fn, arg, value);
  return async () => {
    const m = await read();
    return { tensor: tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols], 'float32'), owned: true };
  };
}

/**
 * Kernel Inception Distance (Bińkowski, Sutherland, Arbel, Gretton, "Demystifying MMD GANs",
 * ICLR 2018): the unbiased MMD² estimate with the polynomial kernel k(x, y) = (γ·xᵀy + c)^p
 * (p = 3, γ = 1/d, c = 1), averaged over `subsets` random subsets of `subsetSize` samples drawn
 * without replacement from each set — the torchmetrics defaults. Over feature matrices the caller
 * supplies, so any feature extractor works.
 *
 * The inner products xᵀy are computed by tfjs (2-D matMul, float32, fast on wasm/webgl); the
 * polynomial, the off-diagonal sums and the estimator are evaluated in float64, so the small
 * difference of large sums keeps its precision. Unbiased: can be slightly negative.
 *
 * @param x - features `[m, d]`: a float32 tensor (not disposed) or an array of rows.
 * @param y - features `[n, d]`.
 * @param options - subsets, subset size, kernel and seed; see {@link KernelInceptionDistanceOptions}.
 * @returns a promise of `{ mean, std, estimates }`.
 * @throws (rejects) `Error in kernelInceptionDistance: options.subsetSize must be at most the
 *   number of samples in each set (…)` and for bad features or options.
 * @example
 * ```ts
 * const { mean, std } = await kernelInceptionDistance(realFeatures, fakeFeatures, { subsets: 10, subsetSize: 500 });
 * ```
 */
export async function kernelInceptionDistance(
  x: FeatureMatrix,
  y: FeatureMatrix,
  options?: KernelInceptionDistanceOptions,
): Promise<KernelInceptionDistanceResult> {
  const fn = 'kernelInceptionDistance';
  const o = checkOptions(fn, 'options', options);
  const subsets = o.subsets === undefined ? 100 : checkInteger(fn, 'options.subsets', o.subsets, 1);
  const requestedSize = o.subsetSize === undefined ? 1000 : checkInteger(fn, 'options.subsetSize', o.subsetSize, 2);
  const degree = o.degree === undefined ? 3 : checkInteger(fn, 'options.degree', o.degree, 1);
  const gammaOpt = o.gamma === undefined ? undefined : checkPositive(fn, 'options.gamma', o.gamma);
  const coef = o.coef === undefined ? 1 : checkFinite(fn, 'options.coef', o.coef);
  const seed = o.seed === undefined ? 0 : checkInteger(fn, 'options.seed', o.seed, 0);
  const readX = tensorReader(fn, 'x', x);
  const readY = tensorReader(fn, 'y', y);
  const ax = await readX();
  const ay = await readY();
  const tx = ax.tensor;
  const ty = ay.tensor;
  try {
    const [m, d] = tx.shape;
    const [n, dy] = ty.shape;
    if (d !== dy) failWith(fn, `y must have feature size ${d} like x, but got ${dy}.`);
    if (requestedSize > Math.min(m, n)) {
      fail(fn, 'options.subsetSize', `at most the number of samples in each set (x: ${m}, y: ${n})`, requestedSize, 'Pass a smaller subsetSize or more samples.');
    }
    const k = requestedSize;
    const gamma = gammaOpt ?? 1 / d;
    const kern = (dot: number) => (gamma * dot + coef) ** degree;
    const rng = createRng(seed);
    const estimates: number[] = [];
    for (let s = 0; s < subsets; s++) {
      const ix = sampleIndices(m, k, rng.next);
      const iy = sampleIndices(n, k, rng.next);
      const [gxx, gyy, gxy] = tf.tidy(() => {
        const sx = tf.gather(tx, tf.tensor1d(ix, 'int32'));
        const sy = tf.gather(ty, tf.tensor1d(iy, 'int32'));
        return [tf.matMul(sx, sx, false, true), tf.matMul(sy, sy, false, true), tf.matMul(sx, sy, false, true)];
      });
      try {
        const [dxx, dyy, dxy] = await Promise.all([gxx.data(), gyy.data(), gxy.data()]);
        let sxx = 0;
        let syy = 0;
        let sxy = 0;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const q = i * k + j;
            if (i !== j) {
              sxx += kern(dxx[q]!);
              syy += kern(dyy[q]!);
            }
            sxy += kern(dxy[q]!);
          }
        }
        estimates.push((sxx + syy) / (k * (k - 1)) - (2 * sxy) / (k * k));
      } finally {
        tf.dispose([gxx, gyy, gxy]);
      }
    }
    const mean = estimates.reduce((a, v) => a + v, 0) / subsets;
    const std = subsets > 1 ? Math.sqrt(estimates.reduce((a, v) => a + (v - mean) ** 2, 0) / (subsets - 1)) : 0;
    return Object.freeze({ mean, std, estimates: Object.freeze(estimates) });
  } finally {
    if (ax.owned) tx.dispose();
    if (ay.owned) ty.dispose();
  }
}
