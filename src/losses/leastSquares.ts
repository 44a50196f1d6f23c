/**
 * The least-squares GAN loss of Mao et al. (2017).
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFinite } from '../_internal/validate.js';
import { checkLossOptions, pointwiseMethods } from './_common.js';
import type { LossReduction, LossReductionOptions } from './reduction.js';
import type { AdversarialLoss } from './types.js';

/** Options of {@link leastSquaresLoss}: the codes a, b, c of Mao et al. */
export interface LeastSquaresLossOptions extends LossReductionOptions {
  /** Target a of the discriminator on fake samples. @defaultValue 0 */
  readonly a?: number;
  /** Target b of the discriminator on real samples (must differ from a). @defaultValue 1 */
  readonly b?: number;
  /** Target c the generator pushes fake scores towards. @defaultValue 1 */
  readonly c?: number;
}

/** The loss returned by {@link leastSquaresLoss}, with its codes. */
export interface LeastSquaresLoss extends AdversarialLoss {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly reduction: LossReduction;
}

/**
 * Least-squares GAN loss (Mao et al., "Least Squares Generative Adversarial Networks",
 * ICCV 2017) on critic scores D.
 *
 * - Discriminator: L_D = ½·E_real (D(x) − b)² + ½·E_fake (D(x̃) − a)².
 * - Generator: L_G = ½·E_fake (D(x̃) − c)².
 * - Optimal discriminator: D*(x) = (b·p_data + a·p_model)/(p_data + p_model);
 *   min L_D = ½·(b − a)²·∫ p_data·p_model/(p_data + p_model).
 * - Codes: the default (a, b, c) = (0, 1, 1) is the practical 0-1 coding (TF-GAN, torchgan);
 *   (−1, 1, 0) satisfies b − c = 1, b − a = 2, under which the generator minimises the
 *   Pearson χ²(p_data + p_model ‖ 2·p_model).
 *
 * Critic outputs are `[batch]`, `[batch, 1]` or maps `[batch, ...]` (averaged per example first).
 *
 * @param options - the codes and the reduction; see {@link LeastSquaresLossOptions}.
 * @returns a frozen {@link LeastSquaresLoss}; each method returns a new scalar the caller owns.
 * @throws `Error in leastSquaresLoss: options.b must be a number different from options.a (0), …`
 *   for bad codes; the methods throw for a missing side, a non-float32 tensor, mismatched
 *   per-example shapes or badly shaped weights.
 * @example
 * ```ts
 * const loss = leastSquaresLoss({ a: -1, b: 1, c: 0 });
 * loss.generator({ fake: tf.tensor1d([2]) }); // ½·(2 − 0)² = 2
 * ```
 */
export function leastSquaresLoss(options?: LeastSquaresLossOptions): LeastSquaresLoss {
  const fn = 'leastSquaresLoss';
  const { options: o, reduction } = checkLossOptions(fn, options);
  const a = o.a === undefined ? 0 : checkFinite(fn, 'options.a', o.a);
  const b = o.b === undefined ? 1 : checkFinite(fn, 'options.b', o.b);
  const c = o.c === undefined ? 1 : checkFinite(fn, 'options.c', o.c);
  if (a === b) fail(fn, 'options.b', `a number different from options.a (${a})`, b);
  const half = (target: number) => (h: tf.Tensor) => tf.mul(0.5, tf.square(tf.sub(h, target)));
  return Object.freeze({
    kind: 'adversarial-loss' as const,
    name: 'least-squares',
    generatorNeedsReal: false,
    a,
    b,
    c,
    reduction,
    ...pointwiseMethods({ factory: fn, reduction, real: half(b), fake: half(a), generator: half(c) }),
  });
}
