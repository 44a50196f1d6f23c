/**
 * Empirical lower bounds on the Lipschitz and smoothness constants of a network: valid by
 * definition at every point evaluated, so lower ≤ true ≤ upper (theory §5.12).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { enableSecondOrderGradients } from '../autodiff/secondOrder.js';
import { fail } from '../_internal/errors.js';
import { withTapeCleanup } from '../_internal/tape.js';
import { seededStandardNormal } from '../layers/_math.js';
import { checkFloatTensor, checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';

/** A network: a tfjs-layers model (applied with `training: false`) or a function `[batch, ...] → [batch, ...]`. */
export type NetworkFunction = tfl.LayersModel | ((x: tf.Tensor) => tf.Tensor);

/** Options of {@link lipschitzLowerBound}. */
export interface LipschitzLowerBoundOptions {
  /** Sample points `[batch, ...]` (e.g. real and generated data). Not disposed. */
  readonly inputs: tf.Tensor;
  /** Gradient-ascent steps on ‖∇f‖² from the samples. @defaultValue 5 */
  readonly ascentSteps?: number;
  /** Step length of the ascent, relative to the mean per-example norm of `inputs`. @defaultValue 0.1 */
  readonly stepSize?: number;
  /** Seed of the random output direction (vector-valued outputs only). @defaultValue 0 */
  readonly seed?: number;
}

/** Options of {@link smoothnessLowerBound}. */
export interface SmoothnessLowerBoundOptions {
  /** Sample points `[batch, ...]`. Not disposed. */
  readonly inputs: tf.Tensor;
  /** Hessian-vector power-iteration steps that choose each example's direction v. @defaultValue 5 */
  readonly powerIterations?: number;
  /** Distance of the second point y = x + r·v, relative to the mean per-example norm of `inputs`. @defaultValue 1e-2 */
  readonly radius?: number;
  /** Seed of the start directions and the output direction. @defaultValue 0 */
  readonly seed?: number;
}

/** Result of an empirical lower bound. */
export interface LowerBound {
  readonly kind: 'lowerBound';
  readonly quantity: 'lipschitz' | 'smoothness';
  /** The largest quotient found: a valid lower bound of the constant. */
  readonly value: number;
  /** The largest value at the given samples (before any ascent). */
  readonly initial: number;
  /** How many per-example evaluations the maximum was taken over. */
  readonly evaluations: number;
}

function checkNetwork(fn: string, f: unknown): (x: tf.Tensor) => tf.Tensor {
  if (f instanceof tfl.LayersModel) return (x) => f.apply(x, { training: false }) as tf.Tensor;
  if (typeof f === 'function') return f as (x: tf.Tensor) => tf.Tensor;
  fail(fn, 'network', 'a tfjs-layers model or a function of a tensor', f);
}

const perExampleNorms = (t: tf.Tensor): tf.Tensor1D =>
  tf.sqrt(tf.sum(tf.square(tf.reshape(t, [t.shape[0]!, -1])), 1)) as tf.Tensor1D;

/**
 * f_w(x) = Σ_b ⟨w, f(x_b)⟩ with a fixed unit w over the output's non-batch axes (w = 1 when each
 * example has one output): ∇ of it gives every example's ∇⟨w, f⟩ at once, and
 * ‖∇⟨w, f⟩‖ ≤ ‖J_f‖, so the scalarisation keeps lower bounds valid.
 */
function scalarize(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, seed: number): (x: tf.Tensor) => tf.Scalar {
  const probe = tf.tidy(() => f(x));
  const perExample = probe.shape.slice(1);
  probe.dispose();
  const size = perExample.reduce((a, b) => a * b, 1);
  if (size === 1) return (z) => tf.sum(f(z)) as tf.Scalar;
  return (z) =>
    tf.tidy(() => {
      const w = seededStandardNormal(perExample, seed);
      const unit = tf.div(w, tf.norm(w));
      return tf.sum(tf.mul(f(z), unit)) as tf.Scalar;
    });
}

async function meanNorm(x: tf.Tensor): Promise<number> {
  const m = tf.tidy(() => tf.mean(perExampleNorms(x)));
  const v = (await m.data())[0]!;
  m.dispose();
  return v > 0 ? v : 1;
}

async function maxOf(t: tf.Tensor): Promise<number> {
  const m = tf.max(t);
  const v = (await m.data())[0]!;
  m.dispose();
  return v;
}

/**
 * An empirical lower bound on the Lipschitz constant of a network: the largest per-example
 * gradient norm ‖∇_x⟨w, f(x)⟩‖ over the samples, then over a few steps of normalised gradient
 * ascent on ‖∇f‖² from them (theory §5.12). Every point evaluated gives a valid lower bound, so
 * `value` ≤ Lip(f) ≤ {@link lipschitzUpperBound}.
 *
 * The examples of a batch must not interact (true in inference mode: the model is applied with
 * `training: false`). Uses second-order gradients; calls `enableSecondOrderGradients()` itself.
 *
 * @param network - a tfjs-layers model or a function `[batch, ...] → [batch, ...]`.
 * @param options - samples and ascent settings; see {@link LipschitzLowerBoundOptions}.
 * @returns a frozen {@link LowerBound}; no tensors.
 * @throws `Error in lipschitzLowerBound: options.inputs must be a float32 tensor, …`; bad
 *   `ascentSteps` (integer ≥ 0), `stepSize` (> 0) or `seed`.
 * @example
 * ```ts
 * const lower = await lipschitzLowerBound(critic, { inputs: realBatch });
 * const upper = await lipschitzUpperBound(critic);
 * // lower.value ≤ upper.value
 * ```
 */
export async function lipschitzLowerBound(network: NetworkFunction, options: LipschitzLowerBoundOptions): Promise<LowerBound> {
  const fn = 'lipschitzLowerBound';
  const f = checkNetwork(fn, network);
  const o = checkOptions(fn, 'options', options);
  const inputs = checkFloatTensor(fn, 'options.inputs', o.inputs, { min: 1 });
  const steps = checkInteger(fn, 'options.ascentSteps', o.ascentSteps ?? 5, 0);
  const stepSize = checkPositive(fn, 'options.stepSize', o.stepSize ?? 0.1);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail(fn, 'options.seed', 'an integer', seed);
  if (steps > 0) enableSecondOrderGradients();
  const h = scalarize(f, inputs, seed);
  const gradNorms = (x: tf.Tensor): tf.Tensor1D => withTapeCleanup(() => tf.tidy(() => perExampleNorms(tf.grad(h)(x))));
  const scale = (await meanNorm(inputs)) * stepSize;
  let x = tf.clone(inputs);
  try {
    const n0 = gradNorms(x);
    const initial = await maxOf(n0);
    n0.dispose();
    let best = initial;
    for (let i = 0; i < steps; i++) {
      const next = withTapeCleanup(() =>
        tf.tidy(() => {
          // + 0·Σz keeps z on the tape when ∇f does not depend on it (a linear network).
          const d = tf.grad((z: tf.Tensor) => tf.add(tf.sum(tf.square(tf.grad(h)(z))), tf.mul(0, tf.sum(z))) as tf.Scalar)(x);
          const dn = tf.reshape(tf.maximum(perExampleNorms(d), 1e-30), [-1, ...new Array<number>(x.rank - 1).fill(1)]);
          return tf.add(x, tf.mul(scale, tf.div(d, dn)));
        }),
      );
      x.dispose();
      x = next;
      const n = gradNorms(x);
      best = Math.max(best, await maxOf(n));
      n.dispose();
    }
    return Object.freeze({ kind: 'lowerBound' as const, quantity: 'lipschitz' as const, value: best, initial, evaluations: inputs.shape[0]! * (steps + 1) });
  } finally {
    x.dispose();
  }
}

/**
 * An empirical lower bound on the smoothness constant of a network (the Lipschitz constant of
 * its gradient, β1 for a critic): for each sample x, a direction v is chosen by a few steps of
 * power iteration with Hessian-vector products (v ← ∇²f(x)·v/‖·‖, by double backprop), and the
 * difference quotient ‖∇f(x + r·v) − ∇f(x)‖/r is evaluated at a finite r. Each quotient is a
 * valid lower bound by definition (no limit is taken), also at kinks, so
 * `value` ≤ β(f) ≤ {@link smoothnessUpperBound}, up to the float32 rounding of the two
 * gradients (about 1e-7·‖∇f‖/r: keep `radius` well above 1e-4).
 *
 * @param network - a tfjs-layers model or a function `[batch, ...] → [batch, ...]`.
 * @param options - samples and settings; see {@link SmoothnessLowerBoundOptions}.
 * @returns a frozen {@link LowerBound}; no tensors.
 * @throws `Error in smoothnessLowerBound: options.inputs must be a float32 tensor, …`; bad
 *   `powerIterations` (integer ≥ 0), `radius` (> 0) or `seed`.
 * @example
 * ```ts
 * const lower = await smoothnessLowerBound(critic, { inputs: realBatch });
 * ```
 */
export async function smoothnessLowerBound(network: NetworkFunction, options: SmoothnessLowerBoundOptions): Promise<LowerBound> {
  const fn = 'smoothnessLowerBound';
  const f = checkNetwork(fn, network);
  const o = checkOptions(fn, 'options', options);
  const inputs = checkFloatTensor(fn, 'options.inputs', o.inputs, { min: 1 });
  const iterations = checkInteger(fn, 'options.powerIterations', o.powerIterations ?? 5, 0);
  const radius = checkPositive(fn, 'options.radius', o.radius ?? 1e-2);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail(fn, 'options.seed', 'an integer', seed);
  enableSecondOrderGradients();
  const h = scalarize(f, inputs, seed);
  const r = (await meanNorm(inputs)) * radius;
  const bshape = [-1, ...new Array<number>(inputs.rank - 1).fill(1)];
  const unitRows = (t: tf.Tensor) => tf.div(t, tf.reshape(tf.maximum(perExampleNorms(t), 1e-30), bshape));
  let v = tf.tidy(() => unitRows(seededStandardNormal(inputs.shape, seed + 1)));
  try {
    for (let i = 0; i < iterations; i++) {
      const next = withTapeCleanup(() =>
        tf.tidy(() => {
          const hv = tf.grad((z: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.grad(h)(z), v)), tf.mul(0, tf.sum(z))) as tf.Scalar)(inputs);
          // Keep the previous direction where the Hessian-vector product vanishes (e.g. ReLU regions).
          const n = tf.reshape(perExampleNorms(hv), bshape);
          return tf.where(tf.broadcastTo(tf.greater(n, 0), hv.shape), tf.div(hv, tf.maximum(n, 1e-30)), v);
        }),
      );
      v.dispose();
      v = next;
    }
    const q = withTapeCleanup(() =>
      tf.tidy(() => {
        const g0 = tf.grad(h)(inputs);
        const g1 = tf.grad(h)(tf.add(inputs, tf.mul(r, v)));
        return tf.div(perExampleNorms(tf.sub(g1, g0)), r);
      }),
    );
    const value = await maxOf(q);
    q.dispose();
    return Object.freeze({ kind: 'lowerBound' as const, quantity: 'smoothness' as const, value, initial: value, evaluations: inputs.shape[0]! });
  } finally {
    v.dispose();
  }
}
