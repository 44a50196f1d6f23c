/**
 * The adversarial-loss interface. Every loss factory returns one of these.
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Critic outputs on a batch of real and a batch of generated samples, passed by name so that
 * the two sides cannot be swapped. Each is `[batch]` or `[batch, ...]` (e.g. `[batch, 1]` or
 * a PatchGAN map `[batch, h, w, 1]`); raw scores (logits), never probabilities.
 */
export interface CriticOutputs {
  readonly real: tf.Tensor;
  readonly fake: tf.Tensor;
}

/** Critic outputs for the generator's loss: `real` is needed only by relativistic losses. */
export interface GeneratorCriticOutputs {
  readonly fake: tf.Tensor;
  readonly real?: tf.Tensor;
}

/**
 * A discriminator/generator loss pair (TF-GAN style). Convention: the critic scores real
 * samples high; `discriminator` is minimised by the critic, `generator` by the generator.
 * Both return a scalar the caller owns.
 */
export interface AdversarialLoss {
  readonly kind: 'adversarial-loss';
  /** Short name, e.g. `'hinge'`, used in logs. */
  readonly name: string;
  /** True when `generator` needs `real` as well (relativistic losses). */
  readonly generatorNeedsReal: boolean;
  discriminator(outputs: CriticOutputs): tf.Scalar;
  generator(outputs: GeneratorCriticOutputs): tf.Scalar;
}
