import { fail } from '../_internal/errors.js';
import { checkInteger, checkOptions } from '../_internal/validate.js';
import { flattenStepEvent } from './flattenStepEvent.js';
import type { StepEvent, Trainer, TrainerCallback } from './types.js';

/** Options of {@link jsonLinesLogger}. */
export interface JsonLinesLoggerOptions {
  /** Write every this many steps (the last step of `fit` is always written). @defaultValue 1 */
  readonly every?: number;
  /** Extra fields per line (e.g. a run id, or a metric computed here). @defaultValue none */
  readonly extra?: (event: StepEvent, trainer: Trainer) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * A callback that writes one JSON object per step (JSON Lines): the fields of
 * {@link flattenStepEvent} plus `extra`. Non-finite numbers (NaN, ±Infinity) are written as
 * strings `"NaN"`, `"Infinity"`, `"-Infinity"`, so that a diverging run stays visible in the log.
 *
 * @param sink - receives each line without the trailing newline (e.g. `console.log`, or
 *   `jsonLinesFile(path)` from `smoothgan/node`). May be async.
 * @throws If `sink` is not a function or `every` is not an integer ≥ 1.
 * @example
 * ```ts
 * await trainer.fit({ steps: 1000, callbacks: [jsonLinesLogger((line) => lines.push(line), { every: 10 })] });
 * ```
 */
export function jsonLinesLogger(
  sink: (line: string) => void | Promise<void>,
  options: JsonLinesLoggerOptions = {},
): TrainerCallback {
  const fn = 'jsonLinesLogger';
  if (typeof sink !== 'function') fail(fn, 'sink', 'a function (line: string) => void', sink);
  const o = checkOptions(fn, 'options', options);
  const every = o.every === undefined ? 1 : checkInteger(fn, 'options.every', o.every, 1);
  if (o.extra !== undefined && typeof o.extra !== 'function') fail(fn, 'options.extra', 'a function', o.extra);
  let finalStep = Infinity;
  const replacer = (_: string, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : v;
  return Object.freeze({
    name: 'jsonLinesLogger',
    onTrainBegin(info: { finalStep: number }) {
      finalStep = info.finalStep;
    },
    async onStepEnd(event: StepEvent, trainer: Trainer) {
      if (event.step % every !== 0 && event.step !== finalStep) return;
      const extra = o.extra ? await o.extra(event, trainer) : {};
      await sink(JSON.stringify({ ...flattenStepEvent(event), ...extra }, replacer));
    },
  });
}
