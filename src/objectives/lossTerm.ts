/**
 * Adapts an adversarial loss to an objective term.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkOneOf, checkOptions } from '../_internal/validate.js';
import type { AdversarialLoss } from '../losses/types.js';
import { checkContext, checkKnownKeys, checkName } from './_checks.js';
import type { ObjectiveContext, Term, TermValue } from './types.js';

/** Which player's loss a {@link lossTerm} computes. */
export type LossSide = 'discriminator' | 'generator';

/** Options of {@link lossTerm}. */
export interface LossTermOptions {
  /** The term's name (its part name in logs). @defaultValue the loss's `name` */
  readonly name?: string;
}

/** An adversarial loss as an objective term. */
export interface LossTerm extends Term {
  readonly loss: AdversarialLoss;
  readonly side: LossSide;
  readonly partNames: readonly string[];
}

/**
 * An adversarial loss as an objective term: `evaluate(ctx)` returns
 * `loss.discriminator({ real: ctx.criticReal(), fake: ctx.criticFake() })` for the
 * discriminator side, and `loss.generator({ fake: ctx.criticFake() })` for the generator side
 * (with `real: ctx.criticReal()` too when `loss.generatorNeedsReal`, as for relativistic
 * losses). The critic outputs come from the context's memoised `criticReal()`/`criticFake()`,
 * so a penalty on real data in the same objective (R1) reuses D(real) instead of running the
 * critic again.
 *
 * Ownership: the caller owns `total` (which is also `parts[name]`); evaluate inside the
 * function being differentiated, or inside `tf.tidy`.
 *
 * @param loss - An {@link AdversarialLoss} (from `smoothgan/losses`).
 * @param side - `'discriminator'` or `'generator'`.
 * @throws At creation, if `loss` is not an AdversarialLoss or `side` is not one of the two
 *   sides; at evaluation, if the context is not an ObjectiveContext.
 * @example
 * ```ts
 * const dObjective = combine(lossTerm(hingeLoss(), 'discriminator'), r1Penalty({ gamma: 10 }));
 * const { total, parts } = dObjective.evaluate(createObjectiveContext({ critic, real, fake }));
 * // parts: { hinge: …, r1: … }
 * ```
 */
export function lossTerm(loss: AdversarialLoss, side: LossSide, options?: LossTermOptions): LossTerm {
  const fn = 'lossTerm';
  const l = loss as Partial<AdversarialLoss> | null | undefined;
  if (
    l === null ||
    typeof l !== 'object' ||
    l.kind !== 'adversarial-loss' ||
    typeof l.discriminator !== 'function' ||
    typeof l.generator !== 'function'
  ) {
    fail(fn, 'loss', "an AdversarialLoss (kind 'adversarial-loss', from smoothgan/losses)", loss);
  }
  const s = checkOneOf(fn, 'side', side, ['discriminator', 'generator'] as const);
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['name']);
  const name = o.name === undefined ? checkName(fn, 'loss.name', loss.name) : checkName(fn, 'options.name', o.name);
  const evaluate = (context: ObjectiveContext): TermValue => {
    const ctx = checkContext(`${fn}.evaluate`, context);
    let total: tf.Scalar;
    if (s === 'discriminator') {
      total = loss.discriminator({ real: ctx.criticReal(), fake: ctx.criticFake() });
    } else {
      const fake = ctx.criticFake();
      total = loss.generatorNeedsReal ? loss.generator({ fake, real: ctx.criticReal() }) : loss.generator({ fake });
    }
    return { total, parts: { [name]: total } };
  };
  return Object.freeze({ kind: 'term' as const, name, loss, side: s, partNames: Object.freeze([name]), evaluate });
}
