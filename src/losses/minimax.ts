/**
 * The original (saturating) GAN loss of Goodfellow et al. (2014).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkRange } from '../_internal/validate.js';
import { checkLossOptions, logistic, pointwiseMethods } from './_common.js';
import type { LossReduction, LossReductionOptions } from './reduction.js';
import type { AdversarialLoss } from './types.js';

/** Options of {@link minimaxLoss} and {@link nonSaturatingLoss}. */
export interface LogisticLossOptions extends LossReductionOptions {
  /**
   * One-sided label smoothing s ∈ [0, 1) (Salimans et al. 2016): the discriminator's target for
   * real samples becomes 1 − s; fake targets stay 0 and the generator loss is unchanged.
   * TF-GAN's `label_smoothing` uses TensorFlow's convention (target 1 − s/2), so TF-GAN's
   * default 0.25 is s = 0.125 here.
   * @defaultValue 0
   */
  readonly labelSmoothing?: number;
}

/** Options of {@link minimaxLoss}. */
export type MinimaxLossOptions = LogisticLossOptions;

/** The loss returned by {@link minimaxLoss} and {@link nonSaturatingLoss}, with its hyperparameters. */
export interface LogisticLoss extends AdversarialLoss {
  readonly labelSmoothing: number;
  readonly reduction: LossReduction;
}

/** @internal Resolves the options shared by the two logistic losses. */
export function logisticOptions(fn: string, options: LogisticLossOptions | undefined) {
  const { options: o, reduction } = checkLossOptions(fn, options);
  const labelSmoothing =
    o.labelSmoothing === undefined ? 0 : checkRange(fn, 'options.labelSmoothing', o.labelSmoothing, 0, 1, { max: true });
  return { reduction, labelSmoothing };
}

/**
 * Minimax (saturating) GAN loss: the two-player game of Goodfellow et al., "Generative
 * Adversarial Nets", NeurIPS 2014, on critic logits h (D = sigmoid(h)).
 *
 * - Discriminator: L_D = E_real softplus(−h(x)) + E_fake softplus(h(x̃))
 *   (= −E log D(x) − E log(1 − D(x̃)), binary cross-entropy written stably on logits).
 * - Generator: L_G = −E_fake softplus(h(x̃)) (= E log(1 − D(x̃))).
 * - Optimal discriminator: h*(x) = log(p_data(x) / p_model(x)), i.e. D* = p_data/(p_data + p_model);
 *   optimal value min L_D = log 4 − 2·JS(p_data ‖ p_model). With label smoothing s:
 *   h* = log((1 − s)·p_data / (s·p_data + p_model)).
 * - At D*, the generator minimises 2·JS(p_data ‖ p_model) − log 4; its gradient vanishes when D
 *   confidently rejects fakes (saturation), which is why {@link nonSaturatingLoss} is used in practice.
 *
 * Critic outputs are `[batch]`, `[batch, 1]` or maps `[batch, ...]` (averaged per example first).
 *
 * @param options - label smoothing and reduction; see {@link MinimaxLossOptions}.
 * @returns a frozen {@link LogisticLoss}; each method returns a new scalar the caller owns.
 * @throws `Error in minimaxLoss: options.labelSmoothing must be a number in [0, 1), …` for a bad
 *   hyperparameter; the methods throw for a missing side, a non-float32 tensor, mismatched
 *   per-example shapes or weights of the wrong shape.
 * @example
 * ```ts
 * const loss = minimaxLoss();
 * const d = loss.discriminator({ real: tf.tensor1d([2]), fake: tf.tensor1d([-2]) });
 * // d ≈ softplus(−2) + softplus(−2) ≈ 0.2539
 * ```
 */
export function minimaxLoss(options?: MinimaxLossOptions): LogisticLoss {
  const fn = 'minimaxLoss';
  const { reduction, labelSmoothing } = logisticOptions(fn, options);
  return Object.freeze({
    kind: 'adversarial-loss' as const,
    name: 'minimax',
    generatorNeedsReal: false,
    labelSmoothing,
    reduction,
    ...pointwiseMethods({
      factory: fn,
      reduction,
      real: logistic(1 - labelSmoothing),
      fake: logistic(0),
      generator: (h) => tf.neg(tf.softplus(h)),
    }),
  });
}
