import type * as tf from '@tensorflow/tfjs-core';
import { checkFloatTensor, checkInteger, checkOptions } from '../_internal/validate.js';
import { fail } from '../_internal/errors.js';
import type { CriticFn, GeneratorFn, ObjectiveContext } from './types.js';

/** Options of {@link createObjectiveContext}. */
export interface ObjectiveContextOptions {
  readonly critic: CriticFn;
  readonly real: tf.Tensor;
  readonly fake: tf.Tensor;
  readonly generator?: GeneratorFn;
  readonly noise?: tf.Tensor;
  /** @defaultValue 0 */
  readonly step?: number;
  /** @defaultValue true */
  readonly training?: boolean;
  /** @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Builds the context a {@link Term} is evaluated in, with memoised critic outputs: however
 * many terms read `criticReal()`, the critic runs on `real` once per context.
 *
 * @throws If `critic` is not a function, or `real`/`fake` are not float32 tensors with the
 *   same non-batch shape.
 * @example
 * ```ts
 * const ctx = createObjectiveContext({ critic: (x) => model.apply(x) as tf.Tensor, real, fake });
 * const { total, parts } = objective.evaluate(ctx);
 * ```
 */
export function createObjectiveContext(options: ObjectiveContextOptions): ObjectiveContext {
  const fn = 'createObjectiveContext';
  const o = checkOptions(fn, 'options', options);
  if (typeof o.critic !== 'function') fail(fn, 'options.critic', 'a function (x: Tensor) => Tensor', o.critic);
  const real = checkFloatTensor(fn, 'options.real', o.real, { min: 1 });
  const fake = checkFloatTensor(fn, 'options.fake', o.fake, { min: 1 });
  const rest = (t: tf.Tensor) => t.shape.slice(1).join(',');
  if (rest(real) !== rest(fake)) {
    fail(fn, 'options.fake', `of shape [batch,${rest(real)}] like options.real`, fake);
  }
  if (o.generator !== undefined && typeof o.generator !== 'function') fail(fn, 'options.generator', 'a function', o.generator);
  const step = o.step === undefined ? 0 : checkInteger(fn, 'options.step', o.step, 0);
  const seed = o.seed === undefined ? 0 : checkInteger(fn, 'options.seed', o.seed, 0);
  let realOut: tf.Tensor | undefined;
  let fakeOut: tf.Tensor | undefined;
  return Object.freeze({
    critic: o.critic,
    real,
    fake,
    generator: o.generator,
    noise: o.noise,
    step,
    training: o.training ?? true,
    seed,
    criticReal: () => (realOut ??= o.critic(real)),
    criticFake: () => (fakeOut ??= o.critic(fake)),
  });
}
