/**
 * MMD-GAN losses: MMD² between critic features of real and generated batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkOneOf, checkOptions } from '../_internal/validate.js';
import type { AdversarialLoss, CriticOutputs, GeneratorCriticOutputs } from '../losses/types.js';
import { checkFeaturePair } from './_kernelCommon.js';
import { checkKernel, checkSampleSizes, MMD_ESTIMATORS, mmd2Unchecked, type MmdEstimator } from './mmd.js';
import { rationalQuadraticKernel } from './rationalQuadratic.js';
import type { Kernel } from './types.js';

/** Options of {@link mmdLoss}. */
export interface MmdLossOptions {
  /** The kernel on critic features. @defaultValue rationalQuadraticKernel() (α ∈ {0.2, 0.5, 1, 2, 5}) */
  readonly kernel?: Kernel;
  /** The MMD² estimator. @defaultValue 'unbiased' */
  readonly estimator?: MmdEstimator;
}

/** The loss returned by {@link mmdLoss}. */
export interface MmdLoss extends AdversarialLoss {
  readonly kernel: Kernel;
  readonly estimator: MmdEstimator;
}

/** Critic outputs as a feature matrix: `[batch]` → `[batch, 1]`, `[batch, ...]` → `[batch, prod(...)]`. */
function features(fn: string, arg: string, value: unknown, hint: string): tf.Tensor {
  if (value === undefined || value === null) fail(fn, arg, 'a float32 tensor of critic features [batch, k]', value, hint);
  const t = checkFloatTensor(fn, arg, value, { min: 1 });
  if (t.shape[0] === 0) fail(fn, arg, 'a tensor with at least one example', t);
  return t;
}

/**
 * MMD-GAN loss: the squared MMD between critic features of the real and the fake batch,
 * which the critic maximises and the generator minimises.
 *
 * - Discriminator: L_D = −MMD²_k(f(x_real), f(x_fake)); generator: L_G = +MMD²_k(f(x_real), f(x_fake)).
 * - The critic outputs are features `[batch, k]` (`[batch]` is read as `[batch, 1]`, maps
 *   `[batch, h, w, c]` are flattened per example), not scores.
 * - References: Li, Chang, Cheng, Yang, Póczos, "MMD GAN", NeurIPS 2017 (Gaussian mixture
 *   kernel); Bińkowski, Sutherland, Arbel, Gretton, "Demystifying MMD GANs", ICLR 2018 (the
 *   rational-quadratic mixture used by default and the unbiased estimator).
 * - With a fixed smooth kernel, J = ½MMD² satisfies the paper's three smoothness conditions
 *   (theory.md §2.1); this loss is MMD² (double the constants). The optimum is reached when the
 *   feature distributions agree (MMD² = 0).
 * - MMD² is a statistic of the whole batch, not a sum over examples: per-example weights and a
 *   reduction mode do not apply, and passing `realWeights`/`fakeWeights` is an error.
 *
 * @param options - kernel and estimator; see {@link MmdLossOptions}.
 * @returns a frozen {@link MmdLoss} (`generatorNeedsReal` is true); each method returns a new
 *   scalar the caller owns.
 * @throws `Error in mmdLoss: options.kernel must be a kernel …` for bad options; the methods
 *   throw for a missing side, a non-float32 tensor, mismatched feature sizes, too few examples
 *   for the estimator, or weights.
 * @example
 * ```ts
 * const loss = mmdLoss({ kernel: gaussianKernel({ bandwidths: [1, 2, 4, 8, 16] }) });
 * const dLoss = loss.discriminator({ real: critic(realBatch), fake: critic(fakeBatch) }); // −MMD²
 * ```
 */
export function mmdLoss(options?: MmdLossOptions): MmdLoss {
  const fn = 'mmdLoss';
  const o = checkOptions(fn, 'options', options);
  const kernel = o.kernel === undefined ? rationalQuadraticKernel() : checkKernel(fn, 'options.kernel', o.kernel);
  const estimator = o.estimator === undefined ? 'unbiased' : checkOneOf(fn, 'options.estimator', o.estimator, MMD_ESTIMATORS);

  const evaluate = (method: 'discriminator' | 'generator', outputs: CriticOutputs | GeneratorCriticOutputs, sign: 1 | -1) => {
    const fnm = `${fn}.${method}`;
    const hint = `Pass critic features by name: loss.${method}({ real, fake }).`;
    if (outputs === null || typeof outputs !== 'object' || outputs instanceof tf.Tensor) {
      fail(fnm, 'outputs', 'an object { real, fake } of critic features', outputs, hint);
    }
    const real = features(fnm, 'outputs.real', outputs.real, hint);
    const fake = features(fnm, 'outputs.fake', outputs.fake, hint);
    for (const side of ['realWeights', 'fakeWeights'] as const) {
      if (outputs[side] !== undefined) {
        fail(fnm, `outputs.${side}`, 'undefined (MMD² is a statistic of the whole batch, not a sum of per-example terms)', outputs[side]);
      }
    }
    const flat = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [t.shape[0]!, -1]);
    const rest = (t: tf.Tensor) => t.shape.slice(1).reduce((p, d) => p * d, 1);
    if (rest(real) !== rest(fake)) {
      fail(fnm, 'outputs.fake', `a tensor with ${rest(real)} features per example like outputs.real`, fake);
    }
    return tf.tidy(() => {
      const [a, b] = checkFeaturePair(fnm, flat(real), flat(fake), false, ['outputs.real', 'outputs.fake']);
      checkSampleSizes(fnm, a, b, estimator, ['outputs.real', 'outputs.fake']);
      const value = mmd2Unchecked(a, b, kernel, estimator);
      return sign === 1 ? value : (tf.neg(value) as tf.Scalar);
    });
  };

  return Object.freeze({
    kind: 'adversarial-loss' as const,
    name: 'mmd',
    generatorNeedsReal: true,
    kernel,
    estimator,
    discriminator: (outputs: CriticOutputs): tf.Scalar => evaluate('discriminator', outputs, -1),
    generator: (outputs: GeneratorCriticOutputs): tf.Scalar => evaluate('generator', outputs, 1),
  });
}
