/**
 * Power iteration for the largest singular value: on a matrix, and on a linear operator
 * (e.g. the true operator of a convolution). Pure functions: the persistent vector is passed in
 * and handed back, so the caller owns the state (warm start across calls).
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';
import { keepNonZeroRows, normalize, seededStandardNormal, stopGradient } from './_math.js';
import { matrixOperator, type LinearOperator } from './linearOperators.js';

/** Options of {@link powerIteration} and {@link operatorPowerIteration}. */
export interface PowerIterationOptions {
  /**
   * The persistent left vector from the previous call (warm start): shape `[m]` for an
   * `[m, n]` matrix, `operator.outputShape` for an operator. Need not be normalised. Not disposed.
   * @defaultValue a standard-normal draw from `seed`
   */
  readonly u?: tf.Tensor;
  /** Number of power-iteration steps (torch's `n_power_iterations`). @defaultValue 1 */
  readonly iterations?: number;
  /** Normalisation floor: x / max(‖x‖, eps) (torch's eps). @defaultValue 1e-12 */
  readonly eps?: number;
  /** Seed of the starting vector when `u` is not given. @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Result of a power iteration. `u` (left, output side) and `v` (right, input side) are unit
 * vectors treated as constants: no gradient flows through them. `sigma` = uᵀ A v carries the
 * gradient with respect to the matrix or the operator's kernel (Miyato et al. 2018, torch's
 * `spectral_norm`). All three are new tensors the caller owns.
 */
export interface PowerIterationResult {
  readonly u: tf.Tensor;
  readonly v: tf.Tensor;
  readonly sigma: tf.Scalar;
}

interface Checked {
  iterations: number;
  eps: number;
  seed: number;
  u?: tf.Tensor;
}

function checkIterationOptions(fn: string, options: PowerIterationOptions | undefined, uShape: readonly number[]): Checked {
  const o = checkOptions(fn, 'options', options);
  const iterations = checkInteger(fn, 'options.iterations', o.iterations ?? 1, 1);
  const eps = checkPositive(fn, 'options.eps', o.eps ?? 1e-12);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail(fn, 'options.seed', 'an integer', seed);
  let u: tf.Tensor | undefined;
  if (o.u !== undefined) {
    u = checkFloatTensor(fn, 'options.u', o.u);
    if (u.size !== uShape.reduce((a, b) => a * b, 1)) {
      fail(fn, 'options.u', `a tensor with ${uShape.reduce((a, b) => a * b, 1)} entries (shape [${uShape.join(',')}])`, u);
    }
  }
  return { iterations, eps, seed, u };
}

/**
 * The iteration itself on any linear map (Miyato's order): `iterations` times
 * { v ← Aᵀu/‖Aᵀu‖; u ← A v/‖A v‖ }. Norms are floored at eps; a u that would collapse to zero
 * (A = 0) keeps its previous direction. With `iterations` = 0: u normalised, v = Aᵀu/‖Aᵀu‖.
 * @internal
 */
export function iterateOperator(
  op: Pick<LinearOperator, 'apply' | 'applyTranspose' | 'outputShape'>,
  u0: tf.Tensor,
  iterations: number,
  eps: number,
): { u: tf.Tensor; v: tf.Tensor } {
  return tf.tidy(() => {
    const shape = op.outputShape as number[];
    const start = normalize(tf.reshape(u0, shape), eps);
    let u = start;
    let v: tf.Tensor | undefined;
    for (let i = 0; i < iterations; i++) {
      v = normalize(op.applyTranspose(u), eps);
      u = normalize(op.apply(v), eps);
    }
    if (iterations > 0) {
      // A = 0 sends u to 0 for good: keep the start direction instead.
      const kept = keepNonZeroRows(tf.reshape(u, [1, -1]) as tf.Tensor2D, tf.reshape(start, [1, -1]) as tf.Tensor2D);
      u = tf.reshape(kept, shape);
    }
    v ??= normalize(op.applyTranspose(u), eps);
    return { u, v };
  });
}

function runPowerIteration(op: LinearOperator, c: Checked): PowerIterationResult {
  return tf.tidy(() => {
    const start = c.u ?? seededStandardNormal(op.outputShape, c.seed);
    const it = iterateOperator(op, start, c.iterations, c.eps);
    const u = stopGradient(it.u);
    const v = stopGradient(it.v);
    const sigma = tf.sum(tf.mul(u, op.apply(v))) as tf.Scalar;
    return { u, v, sigma };
  });
}

/**
 * Largest singular value of a matrix by power iteration (Miyato et al., "Spectral
 * Normalization for GANs", ICLR 2018, Algorithm 1; torch's `spectral_norm`).
 *
 * For A of shape `[m, n]` and a start vector u ∈ R^m: repeat `iterations` times
 * { v ← Aᵀu/‖Aᵀu‖; u ← Av/‖Av‖ }, then σ = uᵀAv. σ ≤ σ_max(A) always, and it approaches
 * σ_max(A) as the iterations grow. Feed the returned `u` back in on the next call (warm start):
 * one step per call then suffices while A changes slowly.
 *
 * Gradient: u and v are constants, so ∂σ/∂A = u vᵀ, the derivative of the top singular value
 * where it is simple.
 *
 * @param matrix - float32 `[m, n]`; not disposed.
 * @param options - state and settings; see {@link PowerIterationOptions}.
 * @returns `{ u: [m], v: [n], sigma: [] }`, new tensors the caller owns.
 * @throws `Error in powerIteration: matrix must be a tensor of rank 2, …`; bad
 *   `iterations` (an integer ≥ 1), `eps` (> 0), `seed`, or a `u` of the wrong size.
 * @example
 * ```ts
 * const { u, sigma } = powerIteration(tf.tensor2d([[3, 0], [0, 1]]), { iterations: 20 });
 * await sigma.data(); // ≈ 3
 * const next = powerIteration(w, { u }); // warm start on the next step
 * ```
 */
export function powerIteration(matrix: tf.Tensor, options?: PowerIterationOptions): PowerIterationResult {
  const fn = 'powerIteration';
  const m = checkFloatTensor(fn, 'matrix', matrix, 2);
  const c = checkIterationOptions(fn, options, [m.shape[0]!]);
  return runPowerIteration(matrixOperator(m), c);
}

/**
 * Largest singular value of a {@link LinearOperator} by power iteration on the operator
 * itself: repeat { v ← Aᵀu/‖Aᵀu‖; u ← Av/‖Av‖ }, then σ = ⟨u, A v⟩ (Gouk et al. 2021;
 * Farnia, Zhang & Tse, ICLR 2019). For a convolution this is the true operator norm with its
 * stride, padding and dilation, which the reshaped-kernel σ of SN-GAN neither equals nor
 * bounds: a 3×3 box filter has reshaped σ = 1/3 but operator norm ≈ 1.
 *
 * u has the operator's `outputShape`, v its `inputShape`. Gradient as in {@link powerIteration}:
 * through σ to the operator's kernel, not through u, v.
 *
 * @param operator - e.g. from {@link conv2dOperator}.
 * @param options - state and settings; see {@link PowerIterationOptions}.
 * @returns `{ u, v, sigma }`, new tensors the caller owns.
 * @throws `Error in operatorPowerIteration: operator must be a LinearOperator, …`; bad options
 *   as in {@link powerIteration}.
 * @example
 * ```ts
 * const op = conv2dOperator({ kernel, inputShape: [28, 28, 1], strides: 2, padding: 'same' });
 * let state = operatorPowerIteration(op, { iterations: 30 });
 * state = operatorPowerIteration(op, { u: state.u }); // warm start
 * ```
 */
export function operatorPowerIteration(operator: LinearOperator, options?: PowerIterationOptions): PowerIterationResult {
  const fn = 'operatorPowerIteration';
  if (
    operator === null ||
    typeof operator !== 'object' ||
    operator.kind !== 'linearOperator' ||
    typeof operator.apply !== 'function' ||
    typeof operator.applyTranspose !== 'function'
  ) {
    fail(fn, 'operator', 'a LinearOperator (e.g. from conv2dOperator)', operator);
  }
  const c = checkIterationOptions(fn, options, operator.outputShape);
  return runPowerIteration(operator, c);
}
