/**
 * The inverse multiquadric kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, checkPositive } from '../_internal/validate.js';
import { stationaryKernel } from './_kernelCommon.js';
import type { Kernel } from './types.js';

/** Options of {@link inverseMultiquadricKernel}. */
export interface InverseMultiquadricKernelOptions {
  /** Length scale c. @defaultValue 1 */
  readonly scale?: number;
  /** Exponent β > 0. @defaultValue 0.5 */
  readonly exponent?: number;
}

/** The kernel returned by {@link inverseMultiquadricKernel}. */
export interface InverseMultiquadricKernel extends Kernel {
  readonly scale: number;
  readonly exponent: number;
}

/**
 * Inverse multiquadric kernel k(x, y) = (1 + ‖x − y‖² / c²)^{−β}, normalised so k(x, x) = 1
 * (the classical form (c² + ‖x − y‖²)^{−β} times c^{2β}).
 *
 * Characteristic for every β > 0 and heavy-tailed, as used for MMD tests and in "On gradient
 * regularizers for MMD GANs" (Arbel, Sutherland, Bińkowski, Gretton, NeurIPS 2018); smooth
 * with bounded derivatives, so MMD² with it satisfies the paper's three conditions.
 *
 * @param options - scale c and exponent β; see {@link InverseMultiquadricKernelOptions}.
 * @returns a frozen {@link InverseMultiquadricKernel}; `gram` returns `[n, m]`, `paired` `[n]`,
 *   new tensors the caller owns.
 * @throws `Error in inverseMultiquadricKernel: options.scale must be a positive number, …`;
 *   `gram` and `paired` throw for non-float32 or non-2-D inputs and mismatched feature sizes.
 * @example
 * ```ts
 * const k = inverseMultiquadricKernel({ scale: 1, exponent: 0.5 });
 * k.gram(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 0]])); // [[1/√10]] ≈ [[0.3162]]
 * ```
 */
export function inverseMultiquadricKernel(options?: InverseMultiquadricKernelOptions): InverseMultiquadricKernel {
  const fn = 'inverseMultiquadricKernel';
  const o = checkOptions(fn, 'options', options);
  const scale = o.scale === undefined ? 1 : checkPositive(fn, 'options.scale', o.scale);
  const exponent = o.exponent === undefined ? 0.5 : checkPositive(fn, 'options.exponent', o.exponent);
  const profile = (d2: tf.Tensor): tf.Tensor => tf.exp(tf.mul(-exponent, tf.log1p(tf.mul(d2, 1 / (scale * scale)))));
  return stationaryKernel(fn, 'inverse-multiquadric', profile, { scale, exponent });
}
