import { fail } from '../_internal/errors.js';
import { checkInteger, checkNonNegative, checkOneOf, checkOptions } from '../_internal/validate.js';
import { flattenStepEvent } from './flattenStepEvent.js';
import type { StepEvent, Trainer, TrainerCallback } from './types.js';

/** A metric for {@link earlyStopping}: a field of {@link flattenStepEvent}, or a function. */
export type StoppingMetric =
  | string
  | ((event: StepEvent, trainer: Trainer) => number | undefined | Promise<number | undefined>);

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /**
   * What to watch: a flattened field name (e.g. `'generator/loss'`, `'critic/parts/gp'`), or a
   * function returning the value, or `undefined` on steps where it is not measured (e.g. an
   * evaluation every 100 steps).
   */
  readonly metric: StoppingMetric;
  /** Whether smaller or larger is better. @defaultValue 'min' */
  readonly mode?: 'min' | 'max';
  /** Measurements without improvement before stopping. */
  readonly patience: number;
  /** The smallest change that counts as an improvement. @defaultValue 0 */
  readonly minDelta?: number;
}

/** The early-stopping callback, with what it has seen. */
export interface EarlyStopping extends TrainerCallback {
  /** The best value so far (`undefined` before the first measurement). */
  readonly best: number | undefined;
  /** The step of the best value. */
  readonly bestStep: number | undefined;
  /** Measurements since the last improvement. */
  readonly wait: number;
  /** The step at which it asked to stop, if it did. */
  readonly stoppedStep: number | undefined;
}

/**
 * Stops `fit` when a metric has not improved for `patience` measurements (Keras semantics:
 * a value improves when it beats the best by more than `minDelta`; NaN never improves). Steps
 * where the metric is missing are not measurements.
 *
 * @throws If `metric` is neither a string nor a function, `patience` is not an integer ≥ 1,
 *   `mode` is not 'min'/'max', or `minDelta` is negative.
 * @example
 * ```ts
 * const stop = earlyStopping({ metric: 'generator/loss', patience: 50, minDelta: 1e-3 });
 * await trainer.fit({ steps: 10_000, callbacks: [stop] });
 * stop.stoppedStep; // e.g. 812
 * ```
 */
export function earlyStopping(options: EarlyStoppingOptions): EarlyStopping {
  const fn = 'earlyStopping';
  const o = checkOptions(fn, 'options', options);
  if (typeof o.metric !== 'string' && typeof o.metric !== 'function') {
    fail(fn, 'options.metric', "a field name (e.g. 'generator/loss') or a function", o.metric);
  }
  const mode = o.mode === undefined ? 'min' : checkOneOf(fn, 'options.mode', o.mode, ['min', 'max'] as const);
  const patience = checkInteger(fn, 'options.patience', o.patience, 1);
  const minDelta = o.minDelta === undefined ? 0 : checkNonNegative(fn, 'options.minDelta', o.minDelta);
  const metric = o.metric;
  let best: number | undefined;
  let bestStep: number | undefined;
  let wait = 0;
  let stoppedStep: number | undefined;
  const better = (v: number, b: number) => (mode === 'min' ? v < b - minDelta : v > b + minDelta);
  return Object.freeze({
    name: 'earlyStopping',
    get best() {
      return best;
    },
    get bestStep() {
      return bestStep;
    },
    get wait() {
      return wait;
    },
    get stoppedStep() {
      return stoppedStep;
    },
    async onStepEnd(event: StepEvent, trainer: Trainer) {
      const value = typeof metric === 'string' ? flattenStepEvent(event)[metric] : await metric(event, trainer);
      if (value === undefined) return;
      if (!Number.isNaN(value) && (best === undefined || better(value, best))) {
        best = value;
        bestStep = event.step;
        wait = 0;
        return;
      }
      wait += 1;
      if (wait >= patience) {
        stoppedStep = event.step;
        return 'stop' as const;
      }
      return;
    },
  });
}
