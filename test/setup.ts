/**
 * Per-file setup: registers the cpu and wasm backends and selects the one named by
 * SMOOTHGAN_BACKEND (default cpu). A backend that fails to start fails the run loudly.
 * tfjs-layers is imported because tfjs-core's Node bundle registers no gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { beforeAll } from 'vitest';

export const BACKEND = process.env.SMOOTHGAN_BACKEND ?? 'cpu';

tf.env().set('PROD', true);

beforeAll(async () => {
  const ok = await tf.setBackend(BACKEND);
  if (!ok || tf.getBackend() !== BACKEND) {
    throw new Error(`test setup: tfjs backend '${BACKEND}' failed to start (setBackend returned ${ok}).`);
  }
  await tf.ready();
});
