/**
 * The rational-quadratic kernel mixture of Bińkowski et al. (2018).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions } from '../_internal/validate.js';
import { checkPositiveList, stationaryKernel } from './_kernelCommon.js';
import type { Kernel } from './types.js';

/** Options of {@link rationalQuadraticKernel}. */
export interface RationalQuadraticKernelOptions {
  /** Shape parameter α, or several (the kernel is then their sum). @defaultValue [0.2, 0.5, 1, 2, 5] */
  readonly alphas?: number | readonly number[];
}

/** The kernel returned by {@link rationalQuadraticKernel}. */
export interface RationalQuadraticKernel extends Kernel {
  readonly alphas: readonly number[];
}

/**
 * Rational-quadratic mixture k(x, y) = Σ_α (1 + ‖x − y‖² / (2α))^{−α}, computed as
 * exp(−α·log1p(‖x − y‖²/(2α))).
 *
 * The "rq*" kernel of Bińkowski, Sutherland, Arbel, Gretton, "Demystifying MMD GANs",
 * ICLR 2018, with α ∈ {0.2, 0.5, 1, 2, 5} by default; heavier tails than a Gaussian, so the
 * witness keeps a gradient far from the data. Smooth with bounded derivatives, so MMD² with it
 * satisfies the paper's three conditions (theory.md §2.1). k(x, x) = number of α values.
 *
 * @param options - the α values; see {@link RationalQuadraticKernelOptions}.
 * @returns a frozen {@link RationalQuadraticKernel}; `gram` returns `[n, m]`, `paired` `[n]`,
 *   new tensors the caller owns.
 * @throws `Error in rationalQuadraticKernel: options.alphas must be …` for bad α values; `gram`
 *   and `paired` throw for non-float32 or non-2-D inputs and mismatched feature sizes.
 * @example
 * ```ts
 * const k = rationalQuadraticKernel({ alphas: 1 });
 * k.gram(tf.tensor2d([[0]]), tf.tensor2d([[2]])); // [[(1 + 4/2)^{−1}]] = [[1/3]]
 * ```
 */
export function rationalQuadraticKernel(options?: RationalQuadraticKernelOptions): RationalQuadraticKernel {
  const fn = 'rationalQuadraticKernel';
  const o = checkOptions(fn, 'options', options);
  const alphas = checkPositiveList(fn, 'options.alphas', o.alphas, [0.2, 0.5, 1, 2, 5]);
  const profile = (d2: tf.Tensor): tf.Tensor =>
    tf.addN(alphas.map((a) => tf.exp(tf.mul(-a, tf.log1p(tf.mul(d2, 1 / (2 * a)))))));
  return stationaryKernel(fn, 'rational-quadratic', profile, { alphas });
}
