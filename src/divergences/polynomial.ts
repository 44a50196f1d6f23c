/**
 * The polynomial kernel, as KID uses it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkFinite, checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';
import { checkFeaturePair } from './_kernelCommon.js';
import type { Kernel } from './types.js';

/** Options of {@link polynomialKernel}. */
export interface PolynomialKernelOptions {
  /** Degree p (an integer ≥ 1). @defaultValue 3 */
  readonly degree?: number;
  /** Scale γ of the inner product; `undefined` means 1/d for features of size d. @defaultValue 1/d */
  readonly gamma?: number;
  /** Offset c. @defaultValue 1 */
  readonly coef?: number;
}

/** The kernel returned by {@link polynomialKernel}. */
export interface PolynomialKernel extends Kernel {
  readonly degree: number;
  /** γ, or `undefined` for 1/d. */
  readonly gamma: number | undefined;
  readonly coef: number;
}

/**
 * Polynomial kernel k(x, y) = (γ·xᵀy + c)^p.
 *
 * With the defaults (p = 3, γ = 1/d, c = 1) this is the kernel of the Kernel Inception
 * Distance (Bińkowski, Sutherland, Arbel, Gretton, "Demystifying MMD GANs", ICLR 2018;
 * torchmetrics defaults `degree=3, gamma=None → 1/d, coef=1`). Not characteristic: MMD² with
 * it compares the first p moments only. The power is computed by repeated products (exact for
 * negative bases).
 *
 * @param options - degree, γ and c; see {@link PolynomialKernelOptions}.
 * @returns a frozen {@link PolynomialKernel}; `gram(x [n, d], y [m, d])` returns `[n, m]`,
 *   `paired` `[n]`, new tensors the caller owns.
 * @throws `Error in polynomialKernel: options.degree must be an integer >= 1, …` and similar;
 *   `gram` and `paired` throw for non-float32 or non-2-D inputs and mismatched feature sizes.
 * @example
 * ```ts
 * const k = polynomialKernel(); // (xᵀy/d + 1)³
 * k.gram(tf.tensor2d([[1, 1]]), tf.tensor2d([[1, 1]])); // [[(2/2 + 1)³]] = [[8]]
 * ```
 */
export function polynomialKernel(options?: PolynomialKernelOptions): PolynomialKernel {
  const fn = 'polynomialKernel';
  const o = checkOptions(fn, 'options', options);
  const degree = o.degree === undefined ? 3 : checkInteger(fn, 'options.degree', o.degree, 1);
  const gamma = o.gamma === undefined ? undefined : checkPositive(fn, 'options.gamma', o.gamma);
  const coef = o.coef === undefined ? 1 : checkFinite(fn, 'options.coef', o.coef);
  const power = (base: tf.Tensor): tf.Tensor => {
    let out = base;
    for (let i = 1; i < degree; i++) out = tf.mul(out, base);
    return out;
  };
  const scaleOf = (d: number): number => gamma ?? 1 / d;
  return Object.freeze({
    kind: 'kernel' as const,
    name: 'polynomial',
    degree,
    gamma,
    coef,
    gram(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
      const [a, b] = checkFeaturePair(`${fn}.gram`, x, y, false);
      return tf.tidy(() => power(tf.add(tf.mul(tf.matMul(a, b, false, true), scaleOf(a.shape[1])), coef))) as tf.Tensor2D;
    },
    paired(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
      const [a, b] = checkFeaturePair(`${fn}.paired`, x, y, true);
      return tf.tidy(() => power(tf.add(tf.mul(tf.sum(tf.mul(a, b), 1), scaleOf(a.shape[1])), coef))) as tf.Tensor1D;
    },
  });
}
