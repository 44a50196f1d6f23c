/**
 * Critics whose RKHS norm is known exactly: kernel expansions and random-Fourier-feature models.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';
import { checkKnownKeys } from '../objectives/_checks.js';
import { resolveRkhsKernel, type RkhsKernelSpec } from './rkhsKernels.js';
import { tfSeed } from '../_internal/rng.js';

/**
 * A critic that lives in an RKHS with a computable norm. `apply` is a plain function
 * (usable directly as a context's `critic`).
 */
export interface RkhsCritic {
  readonly kind: 'rkhs-critic';
  /** `'kernel-expansion'` or `'random-fourier'`. */
  readonly name: string;
  /** The kernel whose RKHS the norm is taken in (for random features: the kernel they approximate). */
  readonly kernel: RkhsKernelSpec;
  /** Scores `[batch]` of inputs `[batch, ...]`; a new tensor the caller owns. Differentiable in the inputs and parameters. */
  readonly apply: (x: tf.Tensor) => tf.Tensor1D;
  /** ‖f‖²_H as a scalar the caller owns, differentiable in the parameters. */
  rkhsNormSquared(): tf.Scalar;
}

const flatten = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [t.shape[0]!, -1]) as tf.Tensor2D;

/** Options of {@link kernelExpansionCritic}. */
export interface KernelExpansionCriticOptions {
  /** The centres cᵢ, `[m, ...]` (e.g. `[m, d]` or `[m, h, w, c]`). Caller-owned; may be a Variable. */
  readonly centres: tf.Tensor;
  /** The coefficients aᵢ, `[m]`. Caller-owned; usually a Variable. */
  readonly coefficients: tf.Tensor;
  /** @defaultValue { kind: 'gaussian', bandwidth: 1 } */
  readonly kernel?: RkhsKernelSpec;
}

/**
 * A kernel-expansion critic f(x) = Σᵢ aᵢ·k(cᵢ, x), with its exact squared RKHS norm
 * ‖f‖²_H = aᵀKa, K[i, j] = k(cᵢ, cⱼ) (the reproducing property). The model behind the
 * β2 construction of Chu, Minami & Fukumizu (ICLR 2020): with it, the penalty
 * (1/(2β2))‖f‖²_H is computed exactly (see {@link exactRkhsNormPenalty}) instead of through
 * a gradient-penalty surrogate.
 *
 * Centres and coefficients are read on every call, so Variables can be trained. Inputs are
 * compared with the centres after flattening the non-batch axes.
 *
 * @throws At creation, if `centres` is not a float32 tensor of rank ≥ 2, `coefficients` is not
 *   a float32 `[m]`, or the kernel is invalid; in `apply`, if the input's non-batch shape
 *   differs from the centres'.
 * @example
 * ```ts
 * const f = kernelExpansionCritic({ centres, coefficients: tf.variable(tf.zeros([m])) });
 * const normSq = f.rkhsNormSquared(); // aᵀKa
 * ```
 */
export function kernelExpansionCritic(options: KernelExpansionCriticOptions): RkhsCritic {
  const fn = 'kernelExpansionCritic';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['centres', 'coefficients', 'kernel']);
  const centres = checkFloatTensor(fn, 'options.centres', o.centres, { min: 2 });
  const coefficients = checkFloatTensor(fn, 'options.coefficients', o.coefficients, 1);
  if (coefficients.shape[0] !== centres.shape[0]) {
    fail(fn, 'options.coefficients', `of shape [${centres.shape[0]}] (one per centre)`, coefficients);
  }
  const kernel = resolveRkhsKernel(fn, 'options.kernel', o.kernel);
  const rest = centres.shape.slice(1).join(',');
  const apply = (x: tf.Tensor): tf.Tensor1D => {
    checkFloatTensor(`${fn}.apply`, 'x', x, { min: 1 });
    if (x.shape.slice(1).join(',') !== rest) fail(`${fn}.apply`, 'x', `of shape [batch,${rest}] like the centres`, x);
    return tf.tidy(() => {
      const k = kernel.gram(flatten(x), flatten(centres)); // [n, m]
      return tf.reshape(tf.matMul(k, tf.reshape(coefficients, [-1, 1])), [-1]) as tf.Tensor1D;
    });
  };
  const rkhsNormSquared = (): tf.Scalar =>
    tf.tidy(() => {
      const c = flatten(centres);
      const a = tf.reshape(coefficients, [-1, 1]);
      return tf.sum(tf.mul(a, tf.matMul(kernel.gram(c, c), a))) as tf.Scalar;
    });
  return Object.freeze({ kind: 'rkhs-critic' as const, name: 'kernel-expansion', kernel: kernel.spec, apply, rkhsNormSquared });
}

/** Options of {@link randomFourierCritic}. */
export interface RandomFourierCriticOptions {
  /** The output weights w, `[D]` (D = number of features). Caller-owned; usually a Variable. */
  readonly weights: tf.Tensor;
  /** The non-batch input shape, e.g. `[2]` or `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** Bandwidth σ of the Gaussian kernel the features approximate. @defaultValue 1 */
  readonly bandwidth?: number;
  /** Seed of the frequencies and phases. @defaultValue 0 */
  readonly seed?: number;
}

/** The critic returned by {@link randomFourierCritic}. */
export interface RandomFourierCritic extends RkhsCritic {
  /** The frequencies Ω `[d, D]`, ωⱼ ~ N(0, I/σ²) (owned by the critic). */
  readonly frequencies: tf.Tensor2D;
  /** The phases b `[D]`, U[0, 2π) (owned by the critic). */
  readonly phases: tf.Tensor1D;
  /** The features φ(x) = sqrt(2/D)·cos(xΩ + b), `[batch, D]`; a new tensor the caller owns. */
  readonly featureMap: (x: tf.Tensor) => tf.Tensor2D;
  /** Disposes the frequencies and phases (not the caller's weights). */
  dispose(): void;
}

/**
 * A random-Fourier-feature critic f(x) = wᵀφ(x), φ(x) = sqrt(2/D)·cos(Ωᵀx + b), with
 * ωⱼ ~ N(0, I/σ²) and bⱼ ~ U[0, 2π) (Rahimi & Recht, NeurIPS 2007), whose RKHS norm is
 * ‖w‖².
 *
 * The approximation, precisely: φ(x)ᵀφ(y) = k̃(x, y) is an unbiased estimate of the Gaussian
 * kernel k(x, y) = exp(−‖x − y‖²/(2σ²)), with error O(1/sqrt(D)) uniformly on compact sets.
 * ‖w‖² is the **exact** norm of f in the RKHS of k̃ (the cosines with distinct frequencies are
 * linearly independent, so w is unique); it is not the Gaussian-RKHS norm of f, which is
 * infinite for a finite sum of cosines. Penalising ‖w‖² is the β2 construction with the
 * kernel k̃ ≈ k, which is what the model can represent.
 *
 * The frequencies and phases are drawn once, from `seed`, and owned by the critic: call
 * `dispose()` when done.
 *
 * @throws At creation, if `weights` is not a float32 `[D]`, `inputShape` is not a list of
 *   positive integers, or `bandwidth` is not positive; in `apply`, if the input shape differs.
 * @example
 * ```ts
 * const f = randomFourierCritic({ weights: tf.variable(tf.zeros([256])), inputShape: [2], bandwidth: 0.5 });
 * const objective = combine(lossTerm(loss, 'discriminator'), exactRkhsNormPenalty({ critic: f, beta2: 1 }));
 * ```
 */
export function randomFourierCritic(options: RandomFourierCriticOptions): RandomFourierCritic {
  const fn = 'randomFourierCritic';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['weights', 'inputShape', 'bandwidth', 'seed']);
  const weights = checkFloatTensor(fn, 'options.weights', o.weights, 1);
  if (!Array.isArray(o.inputShape) || o.inputShape.length === 0) {
    fail(fn, 'options.inputShape', 'a non-empty array of positive integers', o.inputShape);
  }
  const inputShape = o.inputShape.map((s, i) => checkInteger(fn, `options.inputShape[${i}]`, s, 1));
  const bandwidth = o.bandwidth === undefined ? 1 : checkPositive(fn, 'options.bandwidth', o.bandwidth);
  const seed = o.seed === undefined ? 0 : checkInteger(fn, 'options.seed', o.seed, 0);
  const d = inputShape.reduce((a, b) => a * b, 1);
  const features = weights.shape[0]!;
  const frequencies = tf.randomNormal([d, features], 0, 1 / bandwidth, 'float32', tfSeed(seed)) as tf.Tensor2D;
  const phases = tf.randomUniform([features], 0, 2 * Math.PI, 'float32', tfSeed(seed + 1)) as tf.Tensor1D;
  const rest = inputShape.join(',');
  const featureMap = (x: tf.Tensor): tf.Tensor2D => {
    checkFloatTensor(`${fn}.apply`, 'x', x, { min: 1 });
    if (x.shape.slice(1).join(',') !== rest) fail(`${fn}.apply`, 'x', `of shape [batch,${rest}]`, x);
    return tf.tidy(() => tf.mul(Math.sqrt(2 / features), tf.cos(tf.add(tf.matMul(flatten(x), frequencies), phases))) as tf.Tensor2D);
  };
  const apply = (x: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => tf.reshape(tf.matMul(featureMap(x), tf.reshape(weights, [-1, 1])), [-1]) as tf.Tensor1D);
  return Object.freeze({
    kind: 'rkhs-critic' as const,
    name: 'random-fourier',
    kernel: Object.freeze({ kind: 'gaussian' as const, bandwidth }),
    frequencies,
    phases,
    featureMap,
    apply,
    rkhsNormSquared: () => tf.tidy(() => tf.sum(tf.square(weights)) as tf.Scalar),
    dispose: () => {
      frequencies.dispose();
      phases.dispose();
    },
  });
}
