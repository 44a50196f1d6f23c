import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createObjectiveContext } from 'smoothgan/objectives';
import { spectralPenalty } from 'smoothgan/regularizers';
import { fromFlat, spectralNorm } from '../helpers/float64';
import { expectNoLeak, fdGradient64, randn, values } from '../helpers/tensors';

const matrixOf = async (w: tf.Tensor) => {
  const cols = w.shape[w.rank - 1]!;
  return fromFlat(await w.data(), w.size / cols, cols);
};
const sigma64 = async (w: tf.Tensor) => spectralNorm(await matrixOf(w));

async function evaluate(term: ReturnType<typeof spectralPenalty>): Promise<number> {
  const x = tf.zeros([1, 1]);
  const t = await expectNoLeak(() => tf.tidy(() => term.evaluate(createObjectiveContext({ critic: (v) => tf.sum(v, 1), real: x, fake: x })).total));
  const v = (await values(t))[0]!;
  [t, x].forEach((z) => z.dispose());
  return v;
}

describe('spectralPenalty', () => {
  it('Σσ matches float64 singular values for dense and conv kernels', async () => {
    const dense = randn([5, 4], 201);
    const conv = randn([3, 3, 2, 4], 202); // read as [18, 4]
    const got = await evaluate(spectralPenalty({ weights: [dense, conv], weight: 0.5 }));
    const expected = 0.5 * ((await sigma64(dense)) + (await sigma64(conv)));
    expect(Math.abs(got - expected) / expected).toBeLessThan(1e-4);
    [dense, conv].forEach((t) => t.dispose());
  });

  it('threshold and power: weight·Σ max(0, σ − t)^p', async () => {
    const small = tf.tidy(() => tf.mul(0.1, randn([4, 3], 203)));
    const big = tf.tidy(() => tf.mul(2, randn([4, 3], 204)));
    const [s1, s2] = [await sigma64(small), await sigma64(big)];
    expect(s1).toBeLessThan(1);
    expect(s2).toBeGreaterThan(1);
    const got = await evaluate(spectralPenalty({ weights: [small, big], threshold: 1, power: 2, weight: 3 }));
    expect(got).toBeCloseTo(3 * (s2 - 1) ** 2, 3);
    [small, big].forEach((t) => t.dispose());
  });

  it('its gradient is ∂σ/∂W (float64 finite differences of the exact σ)', async () => {
    const w = tf.variable(randn([4, 3], 205));
    const term = spectralPenalty({ weights: [w], power: 2 }); // σ²: gradient 2σ·u vᵀ
    const x = tf.zeros([1, 1]);
    const { value, grads } = tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic: (v) => tf.sum(v, 1), real: x, fake: x })).total, [w]);
    const g = await values(grads[w.name]!);
    const flat = Array.from(await w.data());
    const numeric = fdGradient64((p) => spectralNorm(fromFlat(p, 4, 3)) ** 2, flat, 1e-6);
    const scale = Math.max(...numeric.map(Math.abs));
    numeric.forEach((n, i) => expect(Math.abs(g[i]! - n) / scale).toBeLessThan(1e-4));
    [w, x, value, grads[w.name]!].forEach((t) => t.dispose());
  });

  it('reads Variables at each evaluation', async () => {
    const w = tf.variable(randn([3, 3], 206));
    const term = spectralPenalty({ weights: [w] });
    const before = await evaluate(term);
    w.assign(tf.tidy(() => tf.mul(2, w)));
    expect(await evaluate(term)).toBeCloseTo(2 * before, 4);
    w.dispose();
  });

  it.each([
    [() => ({ weights: [] }), 'Error in spectralPenalty: options.weights must be a non-empty array of weight tensors, but got [].'],
    [() => ({ weights: 'w' }), "Error in spectralPenalty: options.weights must be a non-empty array of weight tensors, but got 'w'."],
    [() => ({ weights: [tf.zeros([3])] }), 'Error in spectralPenalty: options.weights[0] must be a tensor of rank >= 2, but got a float32 tensor of shape [3].'],
    [() => ({ weights: [tf.zeros([3, 3])], power: 0.5 }), 'Error in spectralPenalty: options.power must be a number in [1, '],
    [() => ({ weights: [tf.zeros([3, 3])], iterations: 0 }), 'Error in spectralPenalty: options.iterations must be an integer >= 1, but got 0.'],
    [() => ({ weights: [tf.zeros([3, 3])], scale: 2 }), 'Error in spectralPenalty: options.scale is not a known option'],
  ])('%#: rejects bad options', (options, message) => {
    const o = options();
    expect(() => spectralPenalty(o as never)).toThrow(message);
    if (Array.isArray(o.weights)) o.weights.forEach((t) => t.dispose());
  });

  it('fails clearly when a weight was disposed', () => {
    const w = tf.zeros([3, 3]);
    const term = spectralPenalty({ weights: [w] });
    w.dispose();
    const x = tf.zeros([1, 1]);
    expect(() => term.evaluate(createObjectiveContext({ critic: (v) => tf.sum(v, 1), real: x, fake: x }))).toThrow(
      'Error in spectralPenalty.evaluate: options.weights[0] must be a live tf.Tensor, but got',
    );
    x.dispose();
  });
});
