/**
 * Shared machinery of the per-example adversarial losses: argument checks, the per-example
 * mean over non-batch axes, weights and reductions. Not exported from the family barrel.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFinite, checkFloatTensor, checkOneOf, checkOptions } from '../_internal/validate.js';
import { LOSS_REDUCTIONS, type LossReduction } from './reduction.js';
import type { AdversarialLoss, CriticOutputs, ExampleWeights, GeneratorCriticOutputs } from './types.js';

const BY_NAME_HINT = 'Pass critic outputs by name, e.g. loss.discriminator({ real, fake }).';

/** Checks the options bag of a factory and returns it with its reduction resolved. */
export function checkLossOptions<T extends { reduction?: LossReduction }>(
  fn: string,
  options: T | undefined,
): { options: T; reduction: LossReduction } {
  const o = checkOptions(fn, 'options', options);
  const reduction =
    o.reduction === undefined ? 'sumByNonzeroWeights' : checkOneOf(fn, 'options.reduction', o.reduction, LOSS_REDUCTIONS);
  return { options: o, reduction };
}

/** The outputs bag: an object, or a clear error naming the call convention. */
export function checkOutputsBag<T extends object>(fn: string, outputs: T | undefined): T {
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs) || outputs instanceof tf.Tensor) {
    fail(fn, 'outputs', 'an object { real, fake } of critic outputs', outputs, BY_NAME_HINT);
  }
  return outputs;
}

/** Critic scores `[batch, ...]`: a live float32 tensor of rank ≥ 1 with a non-empty batch. */
export function checkScores(fn: string, arg: string, value: unknown, hint = BY_NAME_HINT): tf.Tensor {
  if (value === undefined || value === null) {
    fail(fn, arg, 'a float32 tensor of critic outputs [batch, ...]', value, hint);
  }
  const t = checkFloatTensor(fn, arg, value, { min: 1 });
  if (t.shape[0] === 0) fail(fn, arg, 'a tensor with at least one example', t);
  return t;
}

const exampleShape = (t: tf.Tensor): string => `[batch${t.shape.slice(1).map((d) => `,${d}`).join('')}]`;

/** `fake` must have the same per-example shape as `real` (batch sizes may differ). */
export function checkSameExampleShape(fn: string, real: tf.Tensor, fake: tf.Tensor): void {
  if (exampleShape(real) !== exampleShape(fake)) {
    fail(fn, 'outputs.fake', `of shape ${exampleShape(real)} like outputs.real`, fake);
  }
}

/** Per-example weights: undefined, a finite number, or a float32 tensor of shape `[]` or `[batch]`. */
export function checkWeights(fn: string, arg: string, value: unknown, batch: number): ExampleWeights | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return checkFinite(fn, arg, value);
  const t = checkFloatTensor(fn, arg, value);
  if (!(t.rank === 0 || (t.rank === 1 && t.shape[0] === batch))) {
    fail(fn, arg, `a number or a float32 tensor of shape [] or [${batch}] (one weight per example)`, t);
  }
  return t;
}

/** Mean over every non-batch axis: `[batch, ...]` → `[batch]`. */
export function perExample(t: tf.Tensor): tf.Tensor1D {
  if (t.rank === 1) return t as tf.Tensor1D;
  const axes = Array.from({ length: t.rank - 1 }, (_, i) => i + 1);
  return tf.mean(t, axes) as tf.Tensor1D;
}

/** Weighted reduction of per-example losses `[batch]` to a scalar (see {@link LossReduction}). */
export function reduceLoss(values: tf.Tensor1D, weights: ExampleWeights | undefined, reduction: LossReduction): tf.Scalar {
  const batch = values.shape[0];
  const total = tf.sum(weights === undefined ? values : tf.mul(values, weights)) as tf.Scalar;
  if (reduction === 'sum') return total;
  if (reduction === 'mean' || weights === undefined) return tf.div(total, batch);
  if (typeof weights === 'number') return weights === 0 ? total : tf.div(total, batch);
  const nonzero = tf.sum(tf.cast(tf.notEqual(tf.broadcastTo(weights, [batch]), 0), 'float32'));
  return tf.div(total, tf.maximum(nonzero, 1));
}

/** Product of two optional weights (for losses on pairs of examples). */
export function productWeights(a: ExampleWeights | undefined, b: ExampleWeights | undefined): ExampleWeights | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  return tf.mul(a, b);
}

/** Elementwise loss on critic scores. */
export type Elementwise = (h: tf.Tensor) => tf.Tensor;

/** Logistic loss with target t: t·softplus(−h) + (1 − t)·softplus(h) (stable binary cross-entropy on logits). */
export function logistic(target: number): Elementwise {
  if (target === 1) return (h) => tf.softplus(tf.neg(h));
  if (target === 0) return (h) => tf.softplus(h);
  return (h) => tf.add(tf.mul(target, tf.softplus(tf.neg(h))), tf.mul(1 - target, tf.softplus(h)));
}

/** What a per-example loss is made of: elementwise terms on real and fake scores. */
export interface PointwiseSpec {
  /** The factory's name, used in error messages (`<factory>.discriminator`). */
  readonly factory: string;
  readonly reduction: LossReduction;
  /** Discriminator loss on real scores. */
  readonly real: Elementwise;
  /** Discriminator loss on fake scores. */
  readonly fake: Elementwise;
  /** Generator loss on fake scores. */
  readonly generator: Elementwise;
}

/**
 * The two methods of a loss that is a sum of per-example terms:
 * D = reduce(ℓ_real(real), w_real) + reduce(ℓ_fake(fake), w_fake), G = reduce(ℓ_gen(fake), w_fake).
 */
export function pointwiseMethods(spec: PointwiseSpec): Pick<AdversarialLoss, 'discriminator' | 'generator'> {
  return {
    discriminator(outputs: CriticOutputs): tf.Scalar {
      const fn = `${spec.factory}.discriminator`;
      const o = checkOutputsBag(fn, outputs);
      const real = checkScores(fn, 'outputs.real', o.real);
      const fake = checkScores(fn, 'outputs.fake', o.fake);
      checkSameExampleShape(fn, real, fake);
      const wr = checkWeights(fn, 'outputs.realWeights', o.realWeights, real.shape[0]!);
      const wf = checkWeights(fn, 'outputs.fakeWeights', o.fakeWeights, fake.shape[0]!);
      return tf.tidy(() =>
        tf.add(
          reduceLoss(perExample(spec.real(real)), wr, spec.reduction),
          reduceLoss(perExample(spec.fake(fake)), wf, spec.reduction),
        ),
      );
    },
    generator(outputs: GeneratorCriticOutputs): tf.Scalar {
      const fn = `${spec.factory}.generator`;
      const o = checkOutputsBag(fn, outputs);
      const fake = checkScores(fn, 'outputs.fake', o.fake, 'Pass critic outputs by name, e.g. loss.generator({ fake }).');
      const wf = checkWeights(fn, 'outputs.fakeWeights', o.fakeWeights, fake.shape[0]!);
      return tf.tidy(() => reduceLoss(perExample(spec.generator(fake)), wf, spec.reduction));
    },
  };
}
