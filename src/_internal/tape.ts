/**
 * Tape cleanup after a failed gradient computation.
 *
 * tfjs 4.22 keeps the tensors that ops save for their gradients until the outermost
 * `gradients()` call finishes; when a gradient function throws, that clean-up never runs and
 * the saved tensors (and the stale tape) leak. `withTapeCleanup` disposes them and resets the
 * tape, so a thrown error leaves `tf.memory().numTensors` as it was. Engine internals: pinned
 * to tfjs 4.22 and covered by tests.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';

interface TapeNode {
  saved?: tf.Tensor[];
}
interface EngineState {
  activeTape: TapeNode[] | null;
  gradientDepth: number;
}

export function withTapeCleanup<T>(fn: () => T): T {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  const outermost = state.gradientDepth === 0;
  try {
    return fn();
  } catch (e) {
    if (outermost && state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
      state.activeTape = null;
    }
    throw e;
  }
}
