/**
 * The hinge GAN loss (Lim & Ye 2017; Tran et al. 2017; Miyato et al. 2018).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkFinite } from '../_internal/validate.js';
import { checkLossOptions, pointwiseMethods } from './_common.js';
import type { LossReduction, LossReductionOptions } from './reduction.js';
import type { AdversarialLoss } from './types.js';

/** Options of {@link hingeLoss}. */
export interface HingeLossOptions extends LossReductionOptions {
  /** Margin m_r on real scores (TF-GAN's `real_hinge`). @defaultValue 1 */
  readonly realMargin?: number;
  /** Margin m_f on fake scores (TF-GAN's `generated_hinge`). @defaultValue 1 */
  readonly fakeMargin?: number;
}

/** The loss returned by {@link hingeLoss}, with its hyperparameters. */
export interface HingeLoss extends AdversarialLoss {
  readonly realMargin: number;
  readonly fakeMargin: number;
  readonly reduction: LossReduction;
}

/**
 * Hinge GAN loss (Lim & Ye, "Geometric GAN", 2017; Tran et al. 2017; used by Miyato et al.,
 * "Spectral Normalization for GANs", ICLR 2018) on critic scores C.
 *
 * - Discriminator: L_D = E_real max(0, m_r − C(x)) + E_fake max(0, m_f + C(x̃)).
 * - Generator: L_G = −E_fake C(x̃) (the Wasserstein generator loss).
 * - Optimal discriminator (m_r = m_f = 1): C*(x) = +1 where p_data > p_model and −1 where
 *   p_data < p_model; min L_D = ∫ 2·min(p_data, p_model) = 2 − 2·TV(p_data, p_model).
 *   For general margins: C* = m_r or −m_f, min L_D = (m_r + m_f)·(1 − TV).
 *
 * Critic outputs are `[batch]`, `[batch, 1]` or maps `[batch, ...]` (averaged per example first).
 *
 * @param options - margins and reduction; see {@link HingeLossOptions}.
 * @returns a frozen {@link HingeLoss}; each method returns a new scalar the caller owns.
 * @throws `Error in hingeLoss: options.realMargin must be a finite number, …` for a bad
 *   hyperparameter; the methods throw for a missing side, a non-float32 tensor, mismatched
 *   per-example shapes or badly shaped weights.
 * @example
 * ```ts
 * const loss = hingeLoss();
 * loss.discriminator({ real: tf.tensor1d([0.5]), fake: tf.tensor1d([-2]) }); // 0.5 + 0 = 0.5
 * ```
 */
export function hingeLoss(options?: HingeLossOptions): HingeLoss {
  const fn = 'hingeLoss';
  const { options: o, reduction } = checkLossOptions(fn, options);
  const realMargin = o.realMargin === undefined ? 1 : checkFinite(fn, 'options.realMargin', o.realMargin);
  const fakeMargin = o.fakeMargin === undefined ? 1 : checkFinite(fn, 'options.fakeMargin', o.fakeMargin);
  return Object.freeze({
    kind: 'adversarial-loss' as const,
    name: 'hinge',
    generatorNeedsReal: false,
    realMargin,
    fakeMargin,
    reduction,
    ...pointwiseMethods({
      factory: fn,
      reduction,
      real: (h) => tf.relu(tf.sub(realMargin, h)),
      fake: (h) => tf.relu(tf.add(fakeMargin, h)),
      generator: (h) => tf.neg(h),
    }),
  });
}
