/**
 * The Wasserstein GAN loss of Arjovsky, Chintala and Bottou (2017).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkLossOptions, pointwiseMethods } from './_common.js';
import type { LossReduction, LossReductionOptions } from './reduction.js';
import type { AdversarialLoss } from './types.js';

/** Options of {@link wassersteinLoss}. */
export type WassersteinLossOptions = LossReductionOptions;

/** The loss returned by {@link wassersteinLoss}. */
export interface WassersteinLoss extends AdversarialLoss {
  readonly reduction: LossReduction;
}

/**
 * Wasserstein GAN loss (Arjovsky, Chintala, Bottou, "Wasserstein Generative Adversarial
 * Networks", ICML 2017) on critic scores C.
 *
 * - Discriminator (critic): L_D = E_fake C(x̃) − E_real C(x).
 * - Generator: L_G = −E_fake C(x̃).
 * - Over 1-Lipschitz critics, −min L_D = W1(p_data, p_model) (Kantorovich–Rubinstein duality);
 *   the optimal critic is a Kantorovich potential. Without a Lipschitz constraint (weight
 *   clipping, a gradient penalty or spectral normalisation) the loss is unbounded below.
 * - Satisfies the paper's condition (I) with α = 1, but not (II) or (III) (theory.md §2.1).
 *
 * Critic outputs are `[batch]`, `[batch, 1]` or maps `[batch, ...]` (averaged per example first).
 *
 * @param options - the reduction; see {@link WassersteinLossOptions}.
 * @returns a frozen {@link WassersteinLoss}; each method returns a new scalar the caller owns.
 * @throws `Error in wassersteinLoss: …` for bad options; the methods throw for a missing side,
 *   a non-float32 tensor, mismatched per-example shapes or badly shaped weights.
 * @example
 * ```ts
 * const loss = wassersteinLoss();
 * loss.discriminator({ real: tf.tensor1d([1, 3]), fake: tf.tensor1d([0, 0]) }); // 0 − 2 = −2
 * ```
 */
export function wassersteinLoss(options?: WassersteinLossOptions): WassersteinLoss {
  const fn = 'wassersteinLoss';
  const { reduction } = checkLossOptions(fn, options);
  return Object.freeze({
    kind: 'adversarial-loss' as const,
    name: 'wasserstein',
    generatorNeedsReal: false,
    reduction,
    ...pointwiseMethods({ factory: fn, reduction, real: (h) => tf.neg(h), fake: (h) => h, generator: (h) => tf.neg(h) }),
  });
}
