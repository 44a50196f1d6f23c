/**
 * Operator-norm estimation for the bounds: power iteration run to convergence, reading σ only
 * between chunks of steps.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LinearOperator } from '../layers/linearOperators.js';
import { seededStandardNormal } from '../layers/_math.js';
import { iterateOperator } from '../layers/powerIteration.js';

/** Settings of the norm estimates, shared by the bound functions. */
export interface NormSettings {
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly seed: number;
}

/** Result of one norm estimate. */
export interface NormEstimate {
  readonly sigma: number;
  readonly iterations: number;
  readonly converged: boolean;
}

type Operator = Pick<LinearOperator, 'apply' | 'applyTranspose' | 'outputShape'>;

/**
 * σ_max(A) by power iteration from a seeded start, in chunks of 10 steps, until the relative
 * change of ‖A v‖ is below `tolerance` or `maxIterations` is reached. ‖A v‖ ≤ σ_max(A) for a
 * unit v, so the estimate approaches from below.
 */
export async function estimateNorm(op: Operator, s: NormSettings): Promise<NormEstimate> {
  let u = seededStandardNormal(op.outputShape, s.seed);
  let prev = -1;
  let sigma = 0;
  let done = 0;
  try {
    while (done < s.maxIterations) {
      const steps = Math.min(10, s.maxIterations - done);
      const next = iterateOperator(op, u, steps, 1e-30);
      const norm = tf.tidy(() => tf.norm(op.apply(next.v)));
      next.v.dispose();
      u.dispose();
      u = next.u;
      done += steps;
      sigma = (await norm.data())[0]!;
      norm.dispose();
      if (!Number.isFinite(sigma)) return { sigma: Infinity, iterations: done, converged: false };
      if (sigma === 0 || Math.abs(sigma - prev) <= s.tolerance * sigma) return { sigma, iterations: done, converged: true };
      prev = sigma;
    }
    return { sigma, iterations: done, converged: false };
  } finally {
    u.dispose();
  }
}
