/**
 * Post-update projections: maps applied to a player's variables after each optimizer step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkPositive } from '../_internal/validate.js';

/**
 * A projection of a player's variables, applied after every optimizer step of that player.
 * `apply` is called inside `tf.tidy` and changes the variables in place with `assign`.
 */
export interface Projection {
  readonly kind: 'projection';
  readonly name: string;
  /** Projects the player's variables in place (`Variable.assign`), after the optimizer step. */
  apply(variables: readonly tf.Variable[]): void;
}

/**
 * Weight clipping of the original WGAN (Arjovsky et al. 2017): w ← clip(w, −bound, bound)
 * for every variable of the player. A crude Lipschitz constraint; spectral normalisation or a
 * gradient penalty is usually better.
 *
 * @param bound - the clipping bound c > 0 (WGAN used 0.01).
 * @throws If `bound` is not a positive finite number.
 * @example
 * ```ts
 * createPlayer({ name: 'critic', ..., projections: [clipWeights(0.01)] });
 * ```
 */
export function clipWeights(bound: number): Projection {
  const c = checkPositive('clipWeights', 'bound', bound);
  return Object.freeze({
    kind: 'projection' as const,
    name: 'clipWeights',
    bound: c,
    apply(variables: readonly tf.Variable[]) {
      for (const v of variables) v.assign(tf.clipByValue(v, -c, c));
    },
  });
}
