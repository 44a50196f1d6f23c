/**
 * Schedules: a number as a function of the step counter, for weighting objective terms.
 */
import { fail, failWith } from '../_internal/errors.js';
import { checkFinite, checkInteger, checkOptions } from '../_internal/validate.js';
import { checkKnownKeys } from './_checks.js';

/** A number that depends on the step counter. Plain frozen data plus `valueAt`. */
export interface Schedule {
  readonly kind: 'schedule';
  /** `'constant'`, `'linear-ramp'` or `'piecewise'`. */
  readonly name: string;
  /**
   * The value at `step` (an integer ≥ 0, the step counter of the player being updated).
   * @throws If `step` is not an integer ≥ 0.
   */
  valueAt(step: number): number;
}

/** A schedule that is `value` at every step. */
export interface ConstantSchedule extends Schedule {
  readonly name: 'constant';
  readonly value: number;
}

/**
 * A schedule that is `value` at every step.
 *
 * @param value - Any finite number.
 * @throws If `value` is not a finite number.
 * @example
 * ```ts
 * constantSchedule(10).valueAt(1234); // 10
 * ```
 */
export function constantSchedule(value: number): ConstantSchedule {
  const fn = 'constantSchedule';
  const v = checkFinite(fn, 'value', value);
  return Object.freeze({
    kind: 'schedule' as const,
    name: 'constant' as const,
    value: v,
    valueAt: (step: number) => {
      checkInteger(`${fn}.valueAt`, 'step', step, 0);
      return v;
    },
  });
}

/** Options of {@link linearRamp}. */
export interface LinearRampOptions {
  /** Value up to and including `startStep`. @defaultValue 0 */
  readonly from?: number;
  /** Value from `endStep` on. */
  readonly to: number;
  /** Step at which the ramp starts. @defaultValue 0 */
  readonly startStep?: number;
  /** Step at which the ramp reaches `to`; must be greater than `startStep`. */
  readonly endStep: number;
}

/** A linear ramp from `from` to `to` between two steps. */
export interface LinearRampSchedule extends Schedule {
  readonly name: 'linear-ramp';
  readonly from: number;
  readonly to: number;
  readonly startStep: number;
  readonly endStep: number;
}

/**
 * A linear ramp: `from` for step ≤ startStep, `to` for step ≥ endStep, and
 * from + (to − from)·(step − startStep)/(endStep − startStep) in between (a warm-up of a
 * penalty weight, for instance).
 *
 * @throws If `to` or `endStep` is missing, a value is not finite, a step is not an integer
 *   ≥ 0, or `endStep ≤ startStep`.
 * @example
 * ```ts
 * const ramp = linearRamp({ from: 0, to: 10, startStep: 100, endStep: 200 });
 * ramp.valueAt(150); // 5
 * ```
 */
export function linearRamp(options: LinearRampOptions): LinearRampSchedule {
  const fn = 'linearRamp';
  const o = checkOptions(fn, 'options', options);
  if (options === undefined) fail(fn, 'options', 'an options object with `to` and `endStep`', options);
  checkKnownKeys(fn, 'options', o, ['from', 'to', 'startStep', 'endStep']);
  const from = o.from === undefined ? 0 : checkFinite(fn, 'options.from', o.from);
  const to = checkFinite(fn, 'options.to', o.to);
  const startStep = o.startStep === undefined ? 0 : checkInteger(fn, 'options.startStep', o.startStep, 0);
  const endStep = checkInteger(fn, 'options.endStep', o.endStep, 0);
  if (endStep <= startStep) fail(fn, 'options.endStep', `greater than options.startStep (${startStep})`, endStep);
  return Object.freeze({
    kind: 'schedule' as const,
    name: 'linear-ramp' as const,
    from,
    to,
    startStep,
    endStep,
    valueAt: (step: number) => {
      checkInteger(`${fn}.valueAt`, 'step', step, 0);
      if (step <= startStep) return from;
      if (step >= endStep) return to;
      return from + ((to - from) * (step - startStep)) / (endStep - startStep);
    },
  });
}

/** Options of {@link piecewiseSchedule}. */
export interface PiecewiseScheduleOptions {
  /** Strictly increasing integer steps ≥ 1 where the value changes. */
  readonly boundaries: readonly number[];
  /** One more value than boundaries: `values[i]` holds from `boundaries[i − 1]` (inclusive) to `boundaries[i]` (exclusive). */
  readonly values: readonly number[];
}

/** A piecewise-constant schedule. */
export interface PiecewiseSchedule extends Schedule {
  readonly name: 'piecewise';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
}

/**
 * A piecewise-constant schedule: `values[0]` for step < boundaries[0], `values[i]` for
 * boundaries[i − 1] ≤ step < boundaries[i], and the last value from the last boundary on.
 * (TF's `PiecewiseConstantDecay` switches one step later: it uses `step ≤ boundary`.)
 *
 * @throws If `values.length !== boundaries.length + 1`, a boundary is not an integer ≥ 1 or
 *   the boundaries are not strictly increasing, or a value is not finite.
 * @example
 * ```ts
 * // R1 at full weight for 1000 steps, then halved
 * const s = piecewiseSchedule({ boundaries: [1000], values: [10, 5] });
 * s.valueAt(999); // 10
 * s.valueAt(1000); // 5
 * ```
 */
export function piecewiseSchedule(options: PiecewiseScheduleOptions): PiecewiseSchedule {
  const fn = 'piecewiseSchedule';
  const o = checkOptions(fn, 'options', options);
  if (options === undefined) fail(fn, 'options', 'an options object with `boundaries` and `values`', options);
  checkKnownKeys(fn, 'options', o, ['boundaries', 'values']);
  if (!Array.isArray(o.boundaries)) fail(fn, 'options.boundaries', 'an array of integer steps', o.boundaries);
  if (!Array.isArray(o.values)) fail(fn, 'options.values', 'an array of numbers', o.values);
  const boundaries = o.boundaries.map((b, i) => checkInteger(fn, `options.boundaries[${i}]`, b, 1));
  boundaries.forEach((b, i) => {
    if (i > 0 && b <= boundaries[i - 1]!) {
      fail(fn, `options.boundaries[${i}]`, `greater than options.boundaries[${i - 1}] (${boundaries[i - 1]})`, b);
    }
  });
  if (o.values.length !== boundaries.length + 1) {
    failWith(fn, `options.values must have ${boundaries.length + 1} entries (one more than options.boundaries), but got ${o.values.length}.`);
  }
  const values = o.values.map((v, i) => checkFinite(fn, `options.values[${i}]`, v));
  return Object.freeze({
    kind: 'schedule' as const,
    name: 'piecewise' as const,
    boundaries: Object.freeze(boundaries),
    values: Object.freeze(values),
    valueAt: (step: number) => {
      checkInteger(`${fn}.valueAt`, 'step', step, 0);
      let i = 0;
      while (i < boundaries.length && step >= boundaries[i]!) i++;
      return values[i]!;
    },
  });
}

/** True for objects that look like a {@link Schedule}. @internal */
export function isSchedule(value: unknown): value is Schedule {
  const s = value as Partial<Schedule> | null | undefined;
  return s !== null && typeof s === 'object' && s.kind === 'schedule' && typeof s.valueAt === 'function';
}
