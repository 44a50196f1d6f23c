/**
 * The adversarial-loss interface. Every loss factory returns one of these.
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Per-example weights for one side of a batch: a number (the same weight for every example)
 * or a float32 tensor of shape `[]` or `[batch]`. A weight multiplies that example's loss
 * before the reduction (TF-GAN's `real_weights` / `generated_weights`).
 */
export type ExampleWeights = tf.Tensor | number;

/**
 * Critic outputs on a batch of real and a batch of generated samples, passed by name so that
 * the two sides cannot be swapped. Each is `[batch]` or `[batch, ...]` (e.g. `[batch, 1]` or
 * a PatchGAN map `[batch, h, w, 1]`); raw scores (logits), never probabilities.
 */
export interface CriticOutputs {
  readonly real: tf.Tensor;
  readonly fake: tf.Tensor;
  /** Per-example weights of the real side (see {@link ExampleWeights}). @defaultValue 1 */
  readonly realWeights?: ExampleWeights;
  /** Per-example weights of the fake side (see {@link ExampleWeights}). @defaultValue 1 */
  readonly fakeWeights?: ExampleWeights;
}

/** Critic outputs for the generator's loss: `real` is needed only by relativistic losses. */
export interface GeneratorCriticOutputs {
  readonly fake: tf.Tensor;
  readonly real?: tf.Tensor;
  /** Per-example weights of the fake side (see {@link ExampleWeights}). @defaultValue 1 */
  readonly fakeWeights?: ExampleWeights;
  /** Per-example weights of the real side, used only by losses that read `real`. @defaultValue 1 */
  readonly realWeights?: ExampleWeights;
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
  /** The critic's loss on a real and a fake batch of critic outputs (minimised by the critic). The caller owns the scalar. */
  discriminator(outputs: CriticOutputs): tf.Scalar;
  /** The generator's loss on critic outputs of generated samples (`real` only for relativistic losses). The caller owns the scalar. */
  generator(outputs: GeneratorCriticOutputs): tf.Scalar;
}
