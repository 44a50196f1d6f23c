/**
 * Squared maximum mean discrepancy with unbiased, biased and linear-time estimators.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkOneOf, checkOptions } from '../_internal/validate.js';
import { checkFeaturePair } from './_kernelCommon.js';
import type { Kernel } from './types.js';

/**
 * Estimators of MMD²: `'unbiased'` (U-statistic, can be negative), `'biased'` (V-statistic,
 * always ≥ 0), `'linear'` (linear-time, unbiased, higher variance).
 */
export type MmdEstimator = 'unbiased' | 'biased' | 'linear';

/** The accepted values of {@link MmdEstimator}. */
export const MMD_ESTIMATORS: readonly MmdEstimator[] = Object.freeze(['unbiased', 'biased', 'linear'] as const);

/** Options of {@link mmd2}. */
export interface Mmd2Options {
  /** The kernel k (required), e.g. `gaussianKernel({ bandwidths: [1, 2, 4] })`. */
  readonly kernel: Kernel;
  /** The estimator. @defaultValue 'unbiased' */
  readonly estimator?: MmdEstimator;
}

/** @internal Checks a kernel argument. */
export function checkKernel(fn: string, arg: string, kernel: unknown): Kernel {
  const k = kernel as Partial<Kernel> | undefined;
  if (!k || typeof k !== 'object' || k.kind !== 'kernel' || typeof k.gram !== 'function' || typeof k.paired !== 'function') {
    fail(fn, arg, "a kernel (an object of kind 'kernel', e.g. gaussianKernel())", kernel);
  }
  return k as Kernel;
}

/** @internal The estimator without argument checks (x, y already validated). */
export function mmd2Unchecked(x: tf.Tensor2D, y: tf.Tensor2D, kernel: Kernel, estimator: MmdEstimator): tf.Scalar {
  return tf.tidy(() => {
    const m = x.shape[0];
    const n = y.shape[0];
    if (estimator === 'linear') {
      const h = Math.floor(n / 2);
      const x1 = tf.slice(x, [0, 0], [h, -1]) as tf.Tensor2D;
      const x2 = tf.slice(x, [h, 0], [h, -1]) as tf.Tensor2D;
      const y1 = tf.slice(y, [0, 0], [h, -1]) as tf.Tensor2D;
      const y2 = tf.slice(y, [h, 0], [h, -1]) as tf.Tensor2D;
      const terms = tf.sub(
        tf.add(kernel.paired(x1, x2), kernel.paired(y1, y2)),
        tf.add(kernel.paired(x1, y2), kernel.paired(x2, y1)),
      );
      return tf.mean(terms) as tf.Scalar;
    }
    const kxx = kernel.gram(x, x);
    const kyy = kernel.gram(y, y);
    const kxy = kernel.gram(x, y);
    const cross = tf.mul(2, tf.mean(kxy));
    if (estimator === 'biased') return tf.sub(tf.add(tf.mean(kxx), tf.mean(kyy)), cross) as tf.Scalar;
    const offDiagonalSum = (k: tf.Tensor2D, size: number) => tf.sum(tf.mul(k, tf.sub(1, tf.eye(size))));
    const within = tf.add(
      tf.div(offDiagonalSum(kxx, m), m * (m - 1)),
      tf.div(offDiagonalSum(kyy, n), n * (n - 1)),
    );
    return tf.sub(within, cross) as tf.Scalar;
  });
}

/** @internal Checks the sample sizes an estimator needs. */
export function checkSampleSizes(fn: string, x: tf.Tensor2D, y: tf.Tensor2D, estimator: MmdEstimator, names = ['x', 'y']): void {
  const [nx, ny] = names as [string, string];
  if (estimator === 'linear') {
    if (x.shape[0] < 2) fail(fn, nx, "a tensor with at least 2 rows for estimator 'linear'", x);
    if (y.shape[0] !== x.shape[0]) fail(fn, ny, `of shape [${x.shape.join(',')}] like ${nx} (estimator 'linear' pairs rows)`, y);
    return;
  }
  const min = estimator === 'unbiased' ? 2 : 1;
  const what = `a tensor with at least ${min} row${min > 1 ? 's' : ''}${min > 1 ? " for estimator 'unbiased'" : ''}`;
  if (x.shape[0] < min) fail(fn, nx, what, x);
  if (y.shape[0] < min) fail(fn, ny, what, y);
}

/**
 * Squared maximum mean discrepancy MMD²_k(P, Q) = E k(x, x′) + E k(y, y′) − 2·E k(x, y)
 * between the samples x `[m, d]` ~ P and y `[n, d]` ~ Q, as a differentiable scalar.
 *
 * Estimators (Gretton, Borgwardt, Rasch, Schölkopf, Smola, "A Kernel Two-Sample Test",
 * JMLR 2012):
 * - `'unbiased'`: (1/(m(m−1)))·Σ_{i≠j} k(x_i, x_j) + (1/(n(n−1)))·Σ_{i≠j} k(y_i, y_j) − (2/(mn))·Σ_{i,j} k(x_i, y_j);
 *   its expectation is exactly MMD²; it can be negative. Needs m, n ≥ 2.
 * - `'biased'`: the same with the diagonals included and divided by m², n²; always ≥ 0.
 * - `'linear'`: with h = ⌊n/2⌋ and the halves x_i, x′_i = x_{h+i} (likewise y):
 *   (1/h)·Σ_i [k(x_i, x′_i) + k(y_i, y′_i) − k(x_i, y′_i) − k(x′_i, y_i)]; unbiased, O(n) kernel
 *   evaluations; needs m = n ≥ 2 (an odd last row is unused).
 *
 * With a smooth kernel, J = ½·MMD² satisfies all three conditions of Chu, Minami, Fukumizu
 * (ICLR 2020) (theory.md §2.1). Gram matrices use 2-D products only, so gradients work on every
 * backend.
 *
 * @param x - samples `[m, d]`, float32.
 * @param y - samples `[n, d]`, float32.
 * @param options - the kernel and the estimator; see {@link Mmd2Options}.
 * @returns a new scalar the caller owns.
 * @throws `Error in mmd2: options.kernel must be a kernel …`, `… y must be of shape [m,d] …`,
 *   `… x must be a tensor with at least 2 rows for estimator 'unbiased' …` and the like.
 * @example
 * ```ts
 * const x = tf.randomNormal([64, 2]);
 * const y = tf.add(tf.randomNormal([64, 2]), 1);
 * const d = mmd2(x, y, { kernel: gaussianKernel({ bandwidths: [0.5, 1, 2] }) }); // > 0
 * ```
 */
export function mmd2(x: tf.Tensor2D, y: tf.Tensor2D, options: Mmd2Options): tf.Scalar {
  const fn = 'mmd2';
  const o = checkOptions(fn, 'options', options);
  const kernel = checkKernel(fn, 'options.kernel', o.kernel);
  const estimator = o.estimator === undefined ? 'unbiased' : checkOneOf(fn, 'options.estimator', o.estimator, MMD_ESTIMATORS);
  const [a, b] = checkFeaturePair(fn, x, y, false);
  checkSampleSizes(fn, a, b, estimator);
  return mmd2Unchecked(a, b, kernel, estimator);
}
