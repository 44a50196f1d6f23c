/**
 * A term scaled by a constant or a schedule.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFinite } from '../_internal/validate.js';
import { checkContext, checkTerm, partNamesOf } from './_checks.js';
import { isSchedule, type Schedule } from './schedules.js';
import type { ObjectiveContext, Term, TermValue } from './types.js';

/** The term returned by {@link weighted}. */
export interface WeightedTerm extends Term {
  readonly term: Term;
  /** The constant weight, or the schedule evaluated at `context.step`. */
  readonly weight: number | Schedule;
  readonly partNames: readonly string[];
}

/**
 * A term multiplied by a weight: total = w·term.total and every part is multiplied by w
 * too, so the parts still add up to the total. `w` is a number or a {@link Schedule}
 * evaluated at `context.step` (a warm-up ramp, a piecewise change). The name and part names
 * are the inner term's.
 *
 * When the weight is 0 at a step, the inner term is not evaluated at all (no critic call,
 * no double backprop): total and parts are zeros. An objective made only of zero-weight
 * terms then has no gradient, which tfjs reports as an error; combine it with the loss.
 *
 * Ownership: the caller owns `total` and `parts`; the inner term's tensors are disposed.
 *
 * @param term - The term to scale.
 * @param weight - A finite number or a Schedule.
 * @throws At creation, if `term` is not a Term or `weight` is neither a finite number nor a
 *   Schedule; at evaluation, if the schedule's value is not finite.
 * @example
 * ```ts
 * const gp = weighted(zeroCentredGradientPenalty({ weight: 1 }), linearRamp({ from: 0, to: 10, endStep: 1000 }));
 * ```
 */
export function weighted(term: Term, weight: number | Schedule): WeightedTerm {
  const fn = 'weighted';
  const inner = checkTerm(fn, 'term', term);
  if (!isSchedule(weight)) {
    if (typeof weight !== 'number') fail(fn, 'weight', 'a finite number or a Schedule (constantSchedule, linearRamp, piecewiseSchedule)', weight);
    checkFinite(fn, 'weight', weight);
  }
  const names = Object.freeze([...partNamesOf(inner)]);
  const evaluate = (context: ObjectiveContext): TermValue => {
    const ctx = checkContext(`${fn}.evaluate`, context);
    const w = typeof weight === 'number' ? weight : checkFinite(`${fn}.evaluate`, `the schedule's value at step ${ctx.step}`, weight.valueAt(ctx.step));
    if (w === 0) {
      const zero = tf.scalar(0);
      return { total: zero, parts: Object.fromEntries(names.map((n) => [n, zero])) };
    }
    const v = inner.evaluate(ctx);
    if (w === 1) return v;
    const scale = (t: tf.Scalar): tf.Scalar => tf.mul(t, w);
    const parts: Record<string, tf.Scalar> = {};
    const scaled = new Map<number, tf.Scalar>();
    for (const [n, p] of Object.entries(v.parts)) {
      let s = scaled.get(p.id);
      if (!s) scaled.set(p.id, (s = scale(p)));
      parts[n] = s;
    }
    const total = scaled.get(v.total.id) ?? scale(v.total);
    v.total.dispose();
    for (const p of Object.values(v.parts)) p.dispose();
    return { total, parts };
  };
  return Object.freeze({ kind: 'term' as const, name: inner.name, term: inner, weight, partNames: names, evaluate });
}
