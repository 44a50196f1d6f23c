import { checkInteger } from '../_internal/validate.js';
import type { GradientInfo, GradientMap, GradientTransform } from './transform.js';

/** Options of {@link skipNonFinite}. */
export interface SkipNonFiniteOptions {
  /**
   * After this many consecutive skipped updates, the next non-finite update is let through to
   * the trainer's guard (which throws by default), so that a run that has diverged for good
   * does not spin silently.
   * @defaultValue Infinity
   */
  readonly maxConsecutive?: number;
}

/** State of {@link skipNonFinite}: consecutive and total skipped updates. */
export interface SkipNonFiniteState {
  readonly consecutive: number;
  readonly total: number;
}

/**
 * Skips an update whose objective or raw gradient contains NaN or Inf (like optax's
 * `apply_if_finite`): weights and optimizer slots stay as they were, and the state counts the
 * skips. A finite update resets `consecutive` to 0.
 *
 * @throws If `maxConsecutive` is not a non-negative integer or Infinity.
 * @example
 * ```ts
 * createPlayer({ ..., transform: chainTransforms(skipNonFinite({ maxConsecutive: 10 }), clipByGlobalNorm(5)) });
 * ```
 */
export function skipNonFinite(options: SkipNonFiniteOptions = {}): GradientTransform<SkipNonFiniteState> {
  const max = options.maxConsecutive ?? Infinity;
  if (max !== Infinity) checkInteger('skipNonFinite', 'options.maxConsecutive', max, 0);
  return Object.freeze({
    kind: 'gradient-transform' as const,
    name: 'skipNonFinite',
    maxConsecutive: max,
    init: (): SkipNonFiniteState => ({ consecutive: 0, total: 0 }),
    update(grads: GradientMap, state: SkipNonFiniteState, info: GradientInfo) {
      if (info.finite) return { grads, state: { consecutive: 0, total: state.total } };
      if (state.consecutive >= max) return { grads, state };
      return { grads: null, state: { consecutive: state.consecutive + 1, total: state.total + 1 } };
    },
  });
}
