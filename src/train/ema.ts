/**
 * Exponential moving average of weights (Yazıcı et al., ICLR 2019), for sampling with an
 * averaged generator.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { failRaw } from './failRaw.js';
import { checkInteger, checkOptions, checkRange } from '../_internal/validate.js';
import type { Ema } from './types.js';

/** Options of {@link createEma}. */
export interface EmaOptions {
  /** The decay β in θ_EMA ← β·θ_EMA + (1 − β)·θ, in [0, 1). @defaultValue 0.999 */
  readonly decay?: number;
  /**
   * Updates before averaging starts: while `count ≤ start` the average copies the weights
   * (θ_EMA ← θ), as in the authors' `ma_start`. @defaultValue 0
   */
  readonly start?: number;
}

/**
 * Creates an exponential moving average of `variables`. The averages start as copies of the
 * current values. Each `update()` increments `count` and then sets, per variable,
 * θ_EMA ← θ while count ≤ start, and θ_EMA ← β·θ_EMA + (1 − β)·θ afterwards (no bias correction).
 * Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019.
 *
 * @param variables - the source variables (e.g. a generator's weights); shapes are kept.
 * @returns an {@link Ema} that owns its averaged variables (call `dispose()` when done).
 * @throws If `variables` is not a non-empty array of live variables, `decay` is not in [0, 1),
 *   or `start` is not a non-negative integer.
 * @example
 * ```ts
 * const ema = createEma(generatorVars, { decay: 0.999 });
 * // after each generator step: ema.update();
 * const samples = await withEmaWeights(ema, () => generator.predict(z));
 * ```
 */
export function createEma(variables: readonly tf.Variable[], options: EmaOptions = {}): Ema {
  const fn = 'createEma';
  if (!Array.isArray(variables) || variables.length === 0) fail(fn, 'variables', 'a non-empty array of tf.Variable', variables);
  variables.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) fail(fn, `variables[${i}]`, 'a tf.Variable', v);
    if (v.isDisposed) failRaw(fn, `variables[${i}]`, 'a live tf.Variable', 'a disposed variable');
  });
  const o = checkOptions(fn, 'options', options);
  const decay = o.decay === undefined ? 0.999 : checkRange(fn, 'options.decay', o.decay, 0, 1, { max: true });
  const start = o.start === undefined ? 0 : checkInteger(fn, 'options.start', o.start, 0);
  const sources = Object.freeze([...variables]);
  const averages = Object.freeze(sources.map((v) => tf.variable(v, false, undefined, 'float32')));
  let count = 0;
  let disposed = false;
  const live = (method: string) => {
    if (disposed) failRaw(`Ema.${method}`, 'the EMA', 'live', 'a disposed EMA');
  };
  const ema: Ema = {
    kind: 'ema',
    decay,
    start,
    variables: averages,
    sources,
    get count() {
      return count;
    },
    update() {
      live('update');
      count += 1;
      tf.tidy(() => {
        sources.forEach((s, i) => {
          const a = averages[i]!;
          a.assign(count <= start ? s : tf.add(tf.mul(a, decay), tf.mul(s, 1 - decay)));
        });
      });
    },
    reset(newCount = 0) {
      live('reset');
      count = checkInteger('Ema.reset', 'count', newCount, 0);
      sources.forEach((s, i) => averages[i]!.assign(s));
    },
    setCount(newCount: number) {
      live('setCount');
      count = checkInteger('Ema.setCount', 'count', newCount, 0);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const a of averages) a.dispose();
    },
  };
  return Object.freeze(ema);
}

/**
 * Runs `fn` with the averaged weights swapped into the source variables, then puts the trained
 * weights back (also when `fn` throws). Use it to sample from, or evaluate, the EMA generator
 * with the model object you already have. Do not train while `fn` runs.
 *
 * @returns what `fn` returns (tensors it returns belong to the caller).
 * @throws If the EMA was disposed; rethrows what `fn` throws (after restoring the weights).
 * @example
 * ```ts
 * const images = await withEmaWeights(trainer.ema!, () => generator.predict(z) as tf.Tensor);
 * ```
 */
export async function withEmaWeights<T>(ema: Ema, fn: () => T | Promise<T>): Promise<T> {
  if (ema === null || typeof ema !== 'object' || ema.kind !== 'ema') fail('withEmaWeights', 'ema', 'an EMA from createEma', ema);
  if (ema.variables.some((v) => v.isDisposed)) failRaw('withEmaWeights', 'ema', 'live', 'a disposed EMA');
  if (typeof fn !== 'function') fail('withEmaWeights', 'fn', 'a function', fn);
  const saved = ema.sources.map((s) => tf.clone(s));
  ema.sources.forEach((s, i) => s.assign(ema.variables[i]!));
  try {
    return await fn();
  } finally {
    ema.sources.forEach((s, i) => s.assign(saved[i]!));
    tf.dispose(saved);
  }
}
