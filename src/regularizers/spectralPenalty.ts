/**
 * A soft penalty on the spectral norms of weight tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkInteger, checkNonNegative, checkOptions, checkRange } from '../_internal/validate.js';
import { checkContext, checkKnownKeys, checkName } from '../objectives/_checks.js';
import type { ObjectiveContext, Term, TermValue } from '../objectives/types.js';
import { mixSeed } from './_seed.js';
import { tfSeed } from '../_internal/rng.js';

/** Options of {@link spectralPenalty}. */
export interface SpectralPenaltyOptions {
  /**
   * The weight tensors (usually the critic's kernel Variables), rank ≥ 2. A kernel of shape
   * `[..., out]` is read as the matrix `[prod(...), out]` (dense `[in, out]`; conv
   * `[kh, kw, in, out]` → `[kh·kw·in, out]`, Miyato et al.'s reshaped kernel). Read on every
   * evaluation, so Variables can change between steps. Caller-owned.
   */
  readonly weights: readonly tf.Tensor[];
  /** The scale of the penalty. @defaultValue 1 */
  readonly weight?: number;
  /** Penalise only the excess over this value: max(0, σ − threshold). @defaultValue 0 */
  readonly threshold?: number;
  /** The exponent p ≥ 1 of the excess. @defaultValue 1 */
  readonly power?: number;
  /** Power iterations per evaluation, from a fixed seeded start vector. @defaultValue 30 */
  readonly iterations?: number;
  /** Seed of the start vectors. @defaultValue 0 */
  readonly seed?: number;
  /** @defaultValue 'spectral' */
  readonly name?: string;
}

/** The term returned by {@link spectralPenalty}. */
export interface SpectralPenalty extends Term {
  readonly weights: readonly tf.Tensor[];
  readonly weight: number;
  readonly threshold: number;
  readonly power: number;
  readonly iterations: number;
  readonly seed: number;
  readonly partNames: readonly string[];
}

const normalize = (t: tf.Tensor): tf.Tensor => tf.div(t, tf.add(tf.norm(t), 1e-12));

/**
 * σ̂(W) = ‖W v̂‖ with v̂ from `iterations` power iterations, v̂ treated as a constant: its
 * gradient is û v̂ᵀ (û = W v̂/‖W v̂‖), which is ∂σ/∂W at convergence. The iteration itself is
 * not recorded on the tape (it runs inside the custom op's forward pass).
 */
const sigmaOp = (iterations: number) =>
  tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [w, v0, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    let v = normalize(v0) as tf.Tensor2D;
    let u = normalize(tf.matMul(w, v)) as tf.Tensor2D;
    for (let i = 0; i < iterations; i++) {
      v = normalize(tf.matMul(w, u, true, false)) as tf.Tensor2D;
      u = normalize(tf.matMul(w, v)) as tf.Tensor2D;
    }
    const sigma = tf.sum(tf.mul(u, tf.matMul(w, v))) as tf.Scalar;
    save([u, v]);
    return {
      value: sigma,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        tf.mul(dy, tf.matMul(saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D, false, true)),
        tf.zerosLike(v0),
      ],
    };
  });

/**
 * A soft spectral penalty: weight · Σ_l max(0, σ_l − threshold)^power over the given weight
 * tensors, σ_l the largest singular value of layer l's (reshaped) kernel. With the defaults
 * it is TF-GAN's `spectral_norm_regularizer` (scale·Σσ); `{ threshold: 1, power: 2 }`
 * penalises only layers whose σ exceeds 1, a soft form of the per-layer constraint behind
 * the Lipschitz bound Lip(f) ≤ Π σ_l (condition (I); Bietti et al. 2019 bound ‖f‖_H by an
 * increasing function of the σ_l too).
 *
 * σ is estimated by power iteration from a fixed seeded start (stateless, deterministic),
 * and differentiated as σ̂ = ‖W v̂‖ with v̂ held constant (gradient û v̂ᵀ), as spectral
 * normalisation does. It underestimates σ when the iteration has not converged (a gap
 * between the top two singular values makes it fast; raise `iterations` otherwise). For
 * conv kernels this is the reshaped-kernel σ, which can be below the true operator norm of
 * the convolution by up to a factor sqrt(kh·kw). Pure tfjs-core; no layer wiring. The
 * context is not read.
 *
 * Ownership: the caller owns `total` (also `parts[name]`).
 *
 * @throws At creation, if `weights` is empty or holds a tensor that is not float32 of rank
 *   ≥ 2, or an option is invalid or unknown; at evaluation, if a weight was disposed.
 * @example
 * ```ts
 * const sn = spectralPenalty({ weights: criticKernels, weight: 0.1, threshold: 1, power: 2 });
 * const objective = combine(lossTerm(loss, 'discriminator'), sn);
 * ```
 */
export function spectralPenalty(options: SpectralPenaltyOptions): SpectralPenalty {
  const fn = 'spectralPenalty';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['weights', 'weight', 'threshold', 'power', 'iterations', 'seed', 'name']);
  if (!Array.isArray(o.weights) || o.weights.length === 0) fail(fn, 'options.weights', 'a non-empty array of weight tensors', o.weights);
  const weights = Object.freeze(o.weights.map((w, i) => checkFloatTensor(fn, `options.weights[${i}]`, w, { min: 2 })));
  const weight = o.weight === undefined ? 1 : checkNonNegative(fn, 'options.weight', o.weight);
  const threshold = o.threshold === undefined ? 0 : checkNonNegative(fn, 'options.threshold', o.threshold);
  const power = o.power === undefined ? 1 : checkRange(fn, 'options.power', o.power, 1, Number.MAX_VALUE);
  const iterations = o.iterations === undefined ? 30 : checkInteger(fn, 'options.iterations', o.iterations, 1);
  const seed = o.seed === undefined ? 0 : checkInteger(fn, 'options.seed', o.seed, 0);
  const name = o.name === undefined ? 'spectral' : checkName(fn, 'options.name', o.name);
  const sigma = sigmaOp(iterations);
  const evaluate = (context: ObjectiveContext): TermValue => {
    const evalFn = `${fn}.evaluate`;
    checkContext(evalFn, context);
    weights.forEach((w, i) => checkFloatTensor(evalFn, `options.weights[${i}]`, w, { min: 2 }));
    const total = tf.tidy(() => {
      const terms = weights.map((w, i) => {
        const cols = w.shape[w.rank - 1]!;
        const matrix = tf.reshape(w, [-1, cols]) as tf.Tensor2D;
        const start = tf.randomNormal([cols, 1], 0, 1, 'float32', tfSeed(mixSeed(seed, i)));
        const s = sigma(matrix, start) as tf.Scalar;
        const excess = threshold === 0 ? s : tf.relu(tf.sub(s, threshold));
        return power === 1 ? excess : tf.pow(excess, power);
      });
      return tf.mul(weight, terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
    });
    return { total, parts: { [name]: total } };
  };
  return Object.freeze({
    kind: 'term' as const,
    name,
    weights,
    weight,
    threshold,
    power,
    iterations,
    seed,
    partNames: Object.freeze([name]),
    evaluate,
  });
}
