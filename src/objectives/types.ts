/**
 * Objective terms: named scalar functions of a context (critic, real, fake, generator, step,
 * training flag). Losses and penalties are terms; `combine` adds them with weights.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A critic: maps a batch `[batch, ...]` to scores `[batch]` or `[batch, 1]`. Must be differentiable w.r.t. its input. */
export type CriticFn = (x: tf.Tensor) => tf.Tensor;

/** A generator: maps a noise batch `[batch, ...]` to samples `[batch, ...]`. */
export type GeneratorFn = (z: tf.Tensor) => tf.Tensor;

/**
 * What a term sees during one evaluation. Build it with {@link createObjectiveContext} inside
 * the function that is differentiated, so that memoised critic outputs are on the tape.
 */
export interface ObjectiveContext {
  /** The critic. Terms that need critic outputs on real/fake use `criticReal()`/`criticFake()`. */
  readonly critic: CriticFn;
  /** A batch of real samples `[batch, ...]`. */
  readonly real: tf.Tensor;
  /** A batch of generated samples `[batch, ...]` (already produced by the generator). */
  readonly fake: tf.Tensor;
  /** The generator, for terms that need it (optional). */
  readonly generator?: GeneratorFn;
  /** The noise batch `fake` was generated from (optional). */
  readonly noise?: tf.Tensor;
  /** The step counter of the player being updated (0-based), used by schedules. */
  readonly step: number;
  /** True during training updates; false for evaluation. */
  readonly training: boolean;
  /** A 32-bit seed for this evaluation; terms that sample derive their randomness from it. */
  readonly seed: number;
  /** critic(real), computed on the first call and reused afterwards (memoised). */
  criticReal(): tf.Tensor;
  /** critic(fake), computed on the first call and reused afterwards (memoised). */
  criticFake(): tf.Tensor;
}

/** The value of a term: its total and its named parts (for logging). */
export interface TermValue {
  readonly total: tf.Scalar;
  /** Named parts; a leaf term reports `{ [name]: total }`. */
  readonly parts: Readonly<Record<string, tf.Scalar>>;
}

/** A named scalar objective term. Created by factories; plain frozen object. */
export interface Term {
  readonly kind: 'term';
  readonly name: string;
  /**
   * The names of the parts `evaluate` reports, when they are known without evaluating (a
   * leaf term: `[name]`; a combination: its leaves' names). `combine` uses it to reject
   * duplicate names when the objective is built. Optional: a term without it is assumed to
   * report `[name]`, and is checked when evaluated.
   */
  readonly partNames?: readonly string[];
  /** Computes the term. The caller owns the returned tensors (call inside `tf.tidy`). */
  evaluate(context: ObjectiveContext): TermValue;
}
