/**
 * The non-saturating GAN loss of Goodfellow et al. (2014).
 */
import * as tf from '@tensorflow/tfjs-core';
import { logistic, pointwiseMethods } from './_common.js';
import { logisticOptions, type LogisticLoss, type LogisticLossOptions } from './minimax.js';

/** Options of {@link nonSaturatingLoss}. */
export type NonSaturatingLossOptions = LogisticLossOptions;

/**
 * Non-saturating GAN loss ("modified" minimax, Goodfellow et al., "Generative Adversarial
 * Nets", NeurIPS 2014, §3), on critic logits h (D = sigmoid(h)).
 *
 * - Discriminator: L_D = E_real softplus(−h(x)) + E_fake softplus(h(x̃)) (as {@link minimaxLoss}).
 * - Generator: L_G = E_fake softplus(−h(x̃)) (= −E log D(x̃)), which keeps a strong gradient
 *   when D rejects the fakes.
 * - Optimal discriminator: h*(x) = log(p_data(x)/p_model(x)); min L_D = log 4 − 2·JS(p_data ‖ p_model).
 *   With label smoothing s: h* = log((1 − s)·p_data / (s·p_data + p_model)).
 * - At D*, the generator's loss has the gradient of 2·KL(½p_model + ½p_data ‖ p_data), not of JS
 *   (theory.md §2.1); none of the paper's three smoothness conditions hold uniformly.
 *
 * Critic outputs are `[batch]`, `[batch, 1]` or maps `[batch, ...]` (averaged per example first).
 *
 * @param options - label smoothing and reduction; see {@link NonSaturatingLossOptions}.
 * @returns a frozen {@link LogisticLoss}; each method returns a new scalar the caller owns.
 * @throws `Error in nonSaturatingLoss: …` for a bad hyperparameter; the methods throw for a
 *   missing side, a non-float32 tensor, mismatched per-example shapes or badly shaped weights.
 * @example
 * ```ts
 * const loss = nonSaturatingLoss({ labelSmoothing: 0.1 });
 * const g = loss.generator({ fake: tf.tensor1d([0]) }); // softplus(0) = log 2 ≈ 0.6931
 * ```
 */
export function nonSaturatingLoss(options?: NonSaturatingLossOptions): LogisticLoss {
  const fn = 'nonSaturatingLoss';
  const { reduction, labelSmoothing } = logisticOptions(fn, options);
  return Object.freeze({
    kind: 'adversarial-loss' as const,
    name: 'non-saturating',
    generatorNeedsReal: false,
    labelSmoothing,
    reduction,
    ...pointwiseMethods({
      factory: fn,
      reduction,
      real: logistic(1 - labelSmoothing),
      fake: logistic(0),
      generator: (h) => tf.softplus(tf.neg(h)),
    }),
  });
}
