import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { normalNoise } from 'smoothgan/train';

describe('seed 0 replays (tfjs treats a falsy seed as unseeded)', () => {
  it('normalNoise with seed 0 gives the same batch twice', async () => {
    const noise = normalNoise([3]);
    const a = noise({ batchSize: 4, seed: 0, step: 0 });
    const b = noise({ batchSize: 4, seed: 0, step: 0 });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    const c = noise({ batchSize: 4, seed: 1, step: 0 });
    expect(Array.from(await c.data())).not.toEqual(Array.from(await a.data()));
    tf.dispose([a, b, c]);
  });
});
