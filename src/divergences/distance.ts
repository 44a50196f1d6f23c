/**
 * The distance-induced kernel, whose MMD² is half the energy distance.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, checkRange } from '../_internal/validate.js';
import { checkFeaturePair, pairedSquaredDistances, squaredDistances } from './_kernelCommon.js';
import type { Kernel } from './types.js';

/** Options of {@link distanceKernel}. */
export interface DistanceKernelOptions {
  /** Exponent q ∈ (0, 2] of the distance. @defaultValue 1 */
  readonly exponent?: number;
}

/** The kernel returned by {@link distanceKernel}. */
export interface DistanceKernel extends Kernel {
  readonly exponent: number;
}

/**
 * ‖v‖^q from ‖v‖² ≥ 0, with a zero gradient (instead of NaN) where ‖v‖ = 0: the mask is a
 * `step` (whose gradient is zero, unlike comparison ops, which have none in tfjs) and the
 * masked entries are evaluated at 1, so every branch stays finite.
 */
function safePower(d2: tf.Tensor, q: number): tf.Tensor {
  const positive = tf.step(d2);
  const safe = tf.add(d2, tf.sub(1, positive));
  return tf.mul(q === 1 ? tf.sqrt(safe) : tf.pow(safe, q / 2), positive);
}

/**
 * Distance-induced kernel k(x, y) = ½·(‖x‖^q + ‖y‖^q − ‖x − y‖^q), centred at the origin.
 *
 * Sejdinovic, Sriperumbudur, Gretton, Fukumizu, "Equivalence of distance-based and RKHS-based
 * statistics in hypothesis testing", Annals of Statistics 2013: for q ∈ (0, 2),
 * MMD²_k(P, Q) = ½·(2E‖X − Y‖^q − E‖X − X′‖^q − E‖Y − Y′‖^q), i.e. half the (generalised)
 * energy distance, used by the Cramér GAN (Bellemare et al. 2017). q = 2 gives the linear
 * kernel xᵀy (MMD² = ‖mean difference‖²). Not differentiable where x = y: the gradient there is
 * taken as 0. Not smooth, so the paper's condition (II) fails. Accuracy: distances come from
 * float32 squared distances via one matrix product, so two distinct but coincident points get
 * ‖x − y‖ ≈ 3e-4 × the spread of the data instead of 0 (`gram(x, x)` is exact on its diagonal).
 *
 * @param options - the exponent q; see {@link DistanceKernelOptions}.
 * @returns a frozen {@link DistanceKernel}; `gram` returns `[n, m]`, `paired` `[n]`, new
 *   tensors the caller owns.
 * @throws `Error in distanceKernel: options.exponent must be a number in (0, 2], …`; `gram` and
 *   `paired` throw for non-float32 or non-2-D inputs and mismatched feature sizes.
 * @example
 * ```ts
 * const k = distanceKernel();
 * k.gram(tf.tensor2d([[3, 0]]), tf.tensor2d([[0, 4]])); // [[½(3 + 4 − 5)]] = [[1]]
 * ```
 */
export function distanceKernel(options?: DistanceKernelOptions): DistanceKernel {
  const fn = 'distanceKernel';
  const o = checkOptions(fn, 'options', options);
  const q = o.exponent === undefined ? 1 : checkRange(fn, 'options.exponent', o.exponent, 0, 2, { min: true });
  const norms = (x: tf.Tensor2D): tf.Tensor => safePower(tf.sum(tf.square(x), 1), q);
  return Object.freeze({
    kind: 'kernel' as const,
    name: 'distance',
    exponent: q,
    gram(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
      const [a, b] = checkFeaturePair(`${fn}.gram`, x, y, false);
      return tf.tidy(() => {
        const na = tf.reshape(norms(a), [-1, 1]);
        const nb = a === b ? tf.reshape(na, [1, -1]) : tf.reshape(norms(b), [1, -1]);
        return tf.mul(0.5, tf.sub(tf.add(na, nb), safePower(squaredDistances(a, b), q)));
      }) as tf.Tensor2D;
    },
    paired(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
      const [a, b] = checkFeaturePair(`${fn}.paired`, x, y, true);
      return tf.tidy(() =>
        tf.mul(0.5, tf.sub(tf.add(norms(a), norms(b)), safePower(pairedSquaredDistances(a, b), q))),
      ) as tf.Tensor1D;
    },
  });
}
