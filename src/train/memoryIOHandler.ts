import type * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';

/** An IO handler that keeps the last saved artifacts in memory and loads them back. */
export interface MemoryIOHandler extends tf.io.IOHandler {
  /** Stores the artifacts (the tfjs `IOHandler.save` contract). */
  save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult>;
  /** Returns the stored artifacts (the tfjs `IOHandler.load` contract); throws when nothing was saved. */
  load(): Promise<tf.io.ModelArtifacts>;
  /** The last saved artifacts (a copy), or `undefined` before the first save. */
  readonly artifacts: tf.io.ModelArtifacts | undefined;
}

/**
 * A `tf.io.IOHandler` that saves to and loads from memory (works in every environment). Each
 * save replaces the previous one; the weight bytes and JSON parts are copied, so later changes
 * to the model do not alter what was saved. Useful for in-process checkpoints (rollback) and tests.
 *
 * @returns a handler with `save`, `load` and the `artifacts` it holds.
 * @throws `load()` throws when nothing has been saved yet.
 * @example
 * ```ts
 * const ckpt = memoryIOHandler();
 * await trainer.save(ckpt);
 * // ... later, roll back:
 * await trainer.load(ckpt);
 * ```
 */
export function memoryIOHandler(): MemoryIOHandler {
  let stored: tf.io.ModelArtifacts | undefined;
  const copy = (a: tf.io.ModelArtifacts): tf.io.ModelArtifacts => ({
    ...a,
    modelTopology: a.modelTopology instanceof ArrayBuffer ? a.modelTopology.slice(0) : structuredClone(a.modelTopology),
    weightSpecs: structuredClone(a.weightSpecs),
    weightData: Array.isArray(a.weightData) ? a.weightData.map((b) => b.slice(0)) : a.weightData?.slice(0),
  });
  return Object.freeze({
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts == null || typeof artifacts !== 'object') fail('memoryIOHandler.save', 'artifacts', 'ModelArtifacts', artifacts);
      stored = copy(artifacts);
      const bytes = Array.isArray(stored.weightData)
        ? stored.weightData.reduce((n, b) => n + b.byteLength, 0)
        : (stored.weightData?.byteLength ?? 0);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(stored.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(stored.weightSpecs ?? []).length,
          weightDataBytes: bytes,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      if (!stored) fail('memoryIOHandler.load', 'the handler', 'saved to before loading', 'nothing saved');
      return copy(stored);
    },
    get artifacts() {
      return stored ? copy(stored) : undefined;
    },
  });
}
