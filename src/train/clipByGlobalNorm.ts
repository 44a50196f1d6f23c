import * as tf from '@tensorflow/tfjs-core';
import { checkPositive } from '../_internal/validate.js';
import type { GradientMap, GradientTransform } from './transform.js';

/**
 * Clips the gradients by their global norm: g ← g · min(1, maxNorm / ‖g‖), where ‖g‖ is the
 * Euclidean norm of all gradient entries of the player together (Pascanu et al. 2013). Computed
 * on the device, no value is read. Stateless (state `null`).
 *
 * @param maxNorm - the largest allowed global norm, > 0.
 * @throws If `maxNorm` is not a positive finite number.
 * @example
 * ```ts
 * createPlayer({ name: 'critic', ..., transform: clipByGlobalNorm(10) });
 * ```
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransform<null> {
  const max = checkPositive('clipByGlobalNorm', 'maxNorm', maxNorm);
  return Object.freeze({
    kind: 'gradient-transform' as const,
    name: 'clipByGlobalNorm',
    maxNorm: max,
    init: () => null,
    update(grads: GradientMap, state: null) {
      const names = Object.keys(grads);
      if (names.length === 0) return { grads, state };
      const sq = tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))));
      // max / max(norm, max) = min(1, max / norm), and NaN stays NaN.
      const scale = tf.div(max, tf.maximum(tf.sqrt(sq), max));
      const out: Record<string, tf.Tensor> = {};
      for (const n of names) out[n] = tf.mul(grads[n]!, scale);
      return { grads: out, state };
    },
  });
}
