/**
 * The Gaussian (RBF) kernel, with one or several bandwidths.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions } from '../_internal/validate.js';
import { checkPositiveList, stationaryKernel } from './_kernelCommon.js';
import type { Kernel } from './types.js';

/** Options of {@link gaussianKernel}. */
export interface GaussianKernelOptions {
  /** Bandwidth σ, or several (the kernel is then their sum, as in Li et al. 2017). @defaultValue 1 */
  readonly bandwidths?: number | readonly number[];
}

/** The kernel returned by {@link gaussianKernel}. */
export interface GaussianKernel extends Kernel {
  readonly bandwidths: readonly number[];
}

/**
 * Gaussian kernel k(x, y) = Σ_σ exp(−‖x − y‖² / (2σ²)) over one or several bandwidths σ.
 *
 * The multi-bandwidth sum is the kernel of MMD GAN (Li, Chang, Cheng, Yang, Póczos, NeurIPS
 * 2017, bandwidths {1, 2, 4, 8, 16} on learned features); k(x, x) equals the number of
 * bandwidths. Smooth with bounded derivatives: for J = ½MMD² with one bandwidth, the paper's
 * conditions hold with α = 2e^{−1/2}/σ, β1 = 2/σ², β2 = 1/σ², independent of the dimension
 * (theory.md §2.1). Distances are computed with 2-D products only.
 *
 * @param options - the bandwidths; see {@link GaussianKernelOptions}.
 * @returns a frozen {@link GaussianKernel}; `gram(x [n, d], y [m, d])` returns `[n, m]`,
 *   `paired(x [n, d], y [n, d])` returns `[n]`, both new tensors the caller owns.
 * @throws `Error in gaussianKernel: options.bandwidths must be a positive number, …`; `gram` and
 *   `paired` throw for non-float32 or non-2-D inputs and mismatched feature sizes.
 * @example
 * ```ts
 * const k = gaussianKernel({ bandwidths: [1, 2] });
 * k.gram(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 0]])); // [[e^{−1/2} + e^{−1/8}]] ≈ [[1.4889]]
 * ```
 */
export function gaussianKernel(options?: GaussianKernelOptions): GaussianKernel {
  const fn = 'gaussianKernel';
  const o = checkOptions(fn, 'options', options);
  const bandwidths = checkPositiveList(fn, 'options.bandwidths', o.bandwidths, [1]);
  const profile = (d2: tf.Tensor): tf.Tensor =>
    tf.addN(bandwidths.map((s) => tf.exp(tf.mul(d2, -1 / (2 * s * s)))));
  return stationaryKernel(fn, 'gaussian', profile, { bandwidths });
}
