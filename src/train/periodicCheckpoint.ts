import type * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkInteger, checkOptions } from '../_internal/validate.js';
import type { StepEvent, Trainer, TrainerCallback } from './types.js';

/** Options of {@link periodicCheckpoint}. */
export interface PeriodicCheckpointOptions {
  /** Save every this many steps. */
  readonly every: number;
  /**
   * The handler to save to at a step: e.g. `(step) => fileIOHandler(\`ckpt/${step}\`)` from
   * `smoothgan/node`, or always the same `memoryIOHandler()`.
   */
  readonly handler: (step: number) => tf.io.IOHandler;
  /** Also save when `fit` ends (completed or stopped by a callback, not on error). @defaultValue true */
  readonly atEnd?: boolean;
}

/**
 * A callback that saves a trainer checkpoint every `every` steps (see `Trainer.save`).
 *
 * @throws If `every` is not an integer ≥ 1 or `handler` is not a function.
 * @example
 * ```ts
 * await trainer.fit({ steps: 5000, callbacks: [periodicCheckpoint({ every: 500, handler: (s) => fileIOHandler(`runs/a/${s}`) })] });
 * ```
 */
export function periodicCheckpoint(options: PeriodicCheckpointOptions): TrainerCallback {
  const fn = 'periodicCheckpoint';
  const o = checkOptions(fn, 'options', options);
  const every = checkInteger(fn, 'options.every', o.every, 1);
  if (typeof o.handler !== 'function') fail(fn, 'options.handler', 'a function (step) => tf.io.IOHandler', o.handler);
  const atEnd = o.atEnd ?? true;
  let lastSaved = -1;
  const save = async (trainer: Trainer) => {
    if (trainer.stepCount === lastSaved) return;
    await trainer.save(o.handler(trainer.stepCount));
    lastSaved = trainer.stepCount;
  };
  return Object.freeze({
    name: 'periodicCheckpoint',
    async onStepEnd(event: StepEvent, trainer: Trainer) {
      if (event.step % every === 0) await save(trainer);
    },
    async onTrainEnd(info: { stopReason?: string }, trainer: Trainer) {
      if (atEnd && info.stopReason !== 'error') await save(trainer);
    },
  });
}
