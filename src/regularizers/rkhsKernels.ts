/**
 * The kernels the RKHS-norm regularizers know the constants of.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkOptions, checkPositive } from '../_internal/validate.js';
import { checkKnownKeys } from '../objectives/_checks.js';

/**
 * A kernel for the RKHS-norm regularizers, as plain data:
 * - `{ kind: 'gaussian', bandwidth: σ }`: k(x, y) = exp(−‖x − y‖²/(2σ²)), σ = 1 by default;
 * - `{ kind: 'rationalQuadratic', alpha: α, lengthScale: ℓ }`:
 *   k(x, y) = (1 + ‖x − y‖²/(2αℓ²))^(−α), α = 1 and ℓ = 1 by default (Bińkowski et al. 2018).
 *
 * Both are stationary with k(x, x) = κ0 = 1 and ∂₁∂₂k(x, x) = κ1·I with κ1 = 1/σ² resp. 1/ℓ²,
 * the two constants that map an RKHS norm to value and gradient penalties.
 */
export type RkhsKernelSpec =
  | { readonly kind: 'gaussian'; readonly bandwidth?: number }
  | { readonly kind: 'rationalQuadratic'; readonly alpha?: number; readonly lengthScale?: number };

/** A validated kernel with its constants. @internal */
export interface ResolvedKernel {
  /** The spec with every default filled in (frozen). */
  readonly spec: RkhsKernelSpec;
  /** κ0 = k(x, x). */
  readonly kappa0: number;
  /** κ1: ∂₁∂₂k(x, x) = κ1·I. */
  readonly kappa1: number;
  /** Gram matrix of x `[n, d]` and y `[m, d]` (2-D products only). */
  gram(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D;
}

/** ‖xᵢ − yⱼ‖² with 2-D matrix products (batched matMul breaks tfjs's backward pass). */
function squaredDistances(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  const xx = tf.sum(tf.square(x), 1, true); // [n, 1]
  const yy = tf.reshape(tf.sum(tf.square(y), 1), [1, -1]); // [1, m]
  return tf.sub(tf.add(xx, yy), tf.mul(2, tf.matMul(x, y, false, true))) as tf.Tensor2D;
}

/** Validates a kernel spec. @internal */
export function resolveRkhsKernel(fn: string, arg: string, value: RkhsKernelSpec | undefined): ResolvedKernel {
  const k = checkOptions(fn, arg, value);
  const kind = value === undefined ? 'gaussian' : (k as { kind?: unknown }).kind;
  if (kind === 'gaussian') {
    const g = k as { bandwidth?: number };
    if (value !== undefined) checkKnownKeys(fn, arg, g, ['kind', 'bandwidth']);
    const bandwidth = g.bandwidth === undefined ? 1 : checkPositive(fn, `${arg}.bandwidth`, g.bandwidth);
    return Object.freeze({
      spec: Object.freeze({ kind: 'gaussian' as const, bandwidth }),
      kappa0: 1,
      kappa1: 1 / (bandwidth * bandwidth),
      gram: (x: tf.Tensor2D, y: tf.Tensor2D) =>
        tf.tidy(() => tf.exp(tf.mul(squaredDistances(x, y), -1 / (2 * bandwidth * bandwidth))) as tf.Tensor2D),
    });
  }
  if (kind === 'rationalQuadratic') {
    const r = k as { alpha?: number; lengthScale?: number };
    checkKnownKeys(fn, arg, r, ['kind', 'alpha', 'lengthScale']);
    const alpha = r.alpha === undefined ? 1 : checkPositive(fn, `${arg}.alpha`, r.alpha);
    const lengthScale = r.lengthScale === undefined ? 1 : checkPositive(fn, `${arg}.lengthScale`, r.lengthScale);
    return Object.freeze({
      spec: Object.freeze({ kind: 'rationalQuadratic' as const, alpha, lengthScale }),
      kappa0: 1,
      kappa1: 1 / (lengthScale * lengthScale),
      gram: (x: tf.Tensor2D, y: tf.Tensor2D) =>
        tf.tidy(
          () => tf.pow(tf.add(1, tf.mul(squaredDistances(x, y), 1 / (2 * alpha * lengthScale * lengthScale))), -alpha) as tf.Tensor2D,
        ),
    });
  }
  return fail(fn, `${arg}.kind`, "'gaussian' or 'rationalQuadratic'", kind);
}
