/**
 * Relativistic GAN losses of Jolicoeur-Martineau (2019), standard and average forms.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkOneOf, checkRange } from '../_internal/validate.js';
import {
  checkLossOptions,
  checkOutputsBag,
  checkSameExampleShape,
  checkScores,
  checkWeights,
  logistic,
  perExample,
  productWeights,
  reduceLoss,
  type Elementwise,
} from './_common.js';
import type { LossReduction, LossReductionOptions } from './reduction.js';
import type { AdversarialLoss, CriticOutputs, ExampleWeights, GeneratorCriticOutputs } from './types.js';

/** The base loss f of a relativistic loss: logistic (`'sgan'`), least squares or hinge. */
export type RelativisticBase = 'sgan' | 'lsgan' | 'hinge';

/** `'standard'` pairs real and fake examples; `'average'` compares each with the other side's batch mean. */
export type RelativisticForm = 'standard' | 'average';

/** Options of {@link relativisticLoss}. */
export interface RelativisticLossOptions extends LossReductionOptions {
  /** The base loss. @defaultValue 'sgan' */
  readonly base?: RelativisticBase;
  /** Standard (RGAN, paired) or average (RaGAN) form. @defaultValue 'average' */
  readonly form?: RelativisticForm;
  /**
   * One-sided label smoothing s ∈ [0, 1) of the discriminator's "real is more realistic"
   * target (1 − s). Only for `base: 'sgan'`.
   * @defaultValue 0
   */
  readonly labelSmoothing?: number;
}

/** The loss returned by {@link relativisticLoss}, with its hyperparameters. */
export interface RelativisticLoss extends AdversarialLoss {
  readonly base: RelativisticBase;
  readonly form: RelativisticForm;
  readonly labelSmoothing: number;
  readonly reduction: LossReduction;
}

const BASES: readonly RelativisticBase[] = ['sgan', 'lsgan', 'hinge'];
const FORMS: readonly RelativisticForm[] = ['standard', 'average'];

/** f(y): the loss on a "real minus fake" difference y that should be large. */
function baseLoss(base: RelativisticBase, labelSmoothing: number): Elementwise {
  if (base === 'sgan') return logistic(1 - labelSmoothing);
  if (base === 'lsgan') return (y) => tf.square(tf.sub(y, 1));
  return (y) => tf.relu(tf.sub(1, y));
}

/** Batch mean over axis 0, kept as `[1, ...]` so it broadcasts against `[batch, ...]`. */
const batchMean = (t: tf.Tensor): tf.Tensor => tf.mean(t, 0, true);

/**
 * Relativistic GAN losses (Jolicoeur-Martineau, "The relativistic discriminator: a key element
 * missing from standard GAN", ICLR 2019) on critic scores C, over a base loss f with
 * f(y) = softplus(−y) (`'sgan'`), (y − 1)² (`'lsgan'`) or max(0, 1 − y) (`'hinge'`).
 *
 * - Standard form (RSGAN, RLSGAN, RHingeGAN): real and fake examples are paired (same batch):
 *   L_D = E f(C(x_r) − C(x_f)), L_G = E f(C(x_f) − C(x_r)). Per-pair weights are the product
 *   of `realWeights` and `fakeWeights`.
 * - Average form (RaSGAN, RaLSGAN, RaHingeGAN), with batch means C̄_r = mean C(x_r), C̄_f = mean C(x_f):
 *   L_D = E_r f(C(x_r) − C̄_f) + E_f f(−(C(x_f) − C̄_r)),
 *   L_G = E_f f(C(x_f) − C̄_r) + E_r f(−(C(x_r) − C̄_f)).
 *   The batch means are unweighted; weights apply to the per-example terms. For maps
 *   `[batch, h, w, 1]` the means are taken over the batch axis, position by position.
 * - With `'sgan'`, f(−y) = softplus(y) = −log(1 − sigmoid(y)), matching the paper's RaSGAN. The
 *   least-squares form has no ½ factor, as in the paper.
 * - Optimum: with the logistic base, the optimal relativistic discriminator is again a function of
 *   the density ratio only (sigmoid(C(x_r) − C(x_f)) estimates the probability that x_r is the
 *   real one); no closed-form optimal value is claimed here.
 *
 * The generator needs `real` as well (`generatorNeedsReal` is true).
 *
 * @param options - base, form, label smoothing and reduction; see {@link RelativisticLossOptions}.
 * @returns a frozen {@link RelativisticLoss}; each method returns a new scalar the caller owns.
 * @throws `Error in relativisticLoss: options.base must be one of 'sgan', 'lsgan', 'hinge', …`
 *   and similar for bad options (label smoothing needs `base: 'sgan'`); the methods throw for a
 *   missing side, a non-float32 tensor, mismatched shapes (the standard form needs equal batch
 *   sizes) or badly shaped weights.
 * @example
 * ```ts
 * const loss = relativisticLoss({ base: 'hinge', form: 'average' });
 * const real = tf.tensor1d([1, 3]); // mean 2
 * const fake = tf.tensor1d([0, 0]); // mean 0
 * loss.discriminator({ real, fake }); // mean(max(0, 1 − [1, 3])) + mean(max(0, 1 + [−2, −2])) = 0
 * loss.generator({ real, fake });     // mean(max(0, 1 − [−2, −2])) + mean(max(0, 1 + [1, 3])) = 3 + 3 = 6
 * ```
 */
export function relativisticLoss(options?: RelativisticLossOptions): RelativisticLoss {
  const fn = 'relativisticLoss';
  const { options: o, reduction } = checkLossOptions(fn, options);
  const base = o.base === undefined ? 'sgan' : checkOneOf(fn, 'options.base', o.base, BASES);
  const form = o.form === undefined ? 'average' : checkOneOf(fn, 'options.form', o.form, FORMS);
  const labelSmoothing =
    o.labelSmoothing === undefined ? 0 : checkRange(fn, 'options.labelSmoothing', o.labelSmoothing, 0, 1, { max: true });
  if (labelSmoothing !== 0 && base !== 'sgan') {
    fail(fn, 'options.labelSmoothing', `0 with base '${base}' (label smoothing applies to the logistic base 'sgan')`, labelSmoothing);
  }
  const fSmoothed = baseLoss(base, labelSmoothing);
  const f = baseLoss(base, 0);
  const fNeg: Elementwise = (y) => f(tf.neg(y));
  const name = `r${form === 'average' ? 'a' : ''}${base === 'hinge' ? 'hinge' : base}`;

  const read = (method: 'discriminator' | 'generator', outputs: CriticOutputs | GeneratorCriticOutputs) => {
    const fnm = `${fn}.${method}`;
    const hint = `Relativistic losses compare real with fake scores: call loss.${method}({ real, fake }).`;
    const bag = checkOutputsBag(fnm, outputs);
    const real = checkScores(fnm, 'outputs.real', bag.real, hint);
    const fake = checkScores(fnm, 'outputs.fake', bag.fake, hint);
    checkSameExampleShape(fnm, real, fake);
    if (form === 'standard' && real.shape[0] !== fake.shape[0]) {
      fail(fnm, 'outputs.fake', `of shape [${real.shape.join(',')}] like outputs.real (the standard form pairs real and fake examples)`, fake);
    }
    const wr = checkWeights(fnm, 'outputs.realWeights', bag.realWeights, real.shape[0]!);
    const wf = checkWeights(fnm, 'outputs.fakeWeights', bag.fakeWeights, fake.shape[0]!);
    return { real, fake, wr, wf };
  };

  /** One player's loss: `pos` should score above `neg`. */
  const evaluate = (
    pos: tf.Tensor,
    wPos: ExampleWeights | undefined,
    neg: tf.Tensor,
    wNeg: ExampleWeights | undefined,
    fPos: Elementwise,
  ): tf.Scalar =>
    tf.tidy(() => {
      if (form === 'standard') return reduceLoss(perExample(fPos(tf.sub(pos, neg))), productWeights(wPos, wNeg), reduction);
      const posTerm = reduceLoss(perExample(fPos(tf.sub(pos, batchMean(neg)))), wPos, reduction);
      const negTerm = reduceLoss(perExample(fNeg(tf.sub(neg, batchMean(pos)))), wNeg, reduction);
      return tf.add(posTerm, negTerm);
    });

  return Object.freeze({
    kind: 'adversarial-loss' as const,
    name,
    generatorNeedsReal: true,
    base,
    form,
    labelSmoothing,
    reduction,
    discriminator(outputs: CriticOutputs): tf.Scalar {
      const { real, fake, wr, wf } = read('discriminator', outputs);
      return evaluate(real, wr, fake, wf, fSmoothed);
    },
    generator(outputs: GeneratorCriticOutputs): tf.Scalar {
      const { real, fake, wr, wf } = read('generator', outputs);
      return evaluate(fake, wf, real, wr, f);
    },
  });
}
