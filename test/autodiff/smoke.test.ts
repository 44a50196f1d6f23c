import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { enableSecondOrderGradients, secondOrderGradientsEnabled } from 'smoothgan/autodiff';
import { BACKEND } from '../setup';

describe('harness', () => {
  it('runs on the selected backend', () => {
    expect(tf.getBackend()).toBe(BACKEND);
  });
  it('starts each file with stock gradients', () => {
    expect(secondOrderGradientsEnabled()).toBe(false);
    enableSecondOrderGradients();
    expect(secondOrderGradientsEnabled()).toBe(true);
  });
});
