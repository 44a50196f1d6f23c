import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from 'smoothgan/autodiff';
import {
  ACTIVATION_CONSTANTS,
  lipschitzLowerBound,
  smoothnessLowerBound,
  smoothnessUpperBound,
} from 'smoothgan/bounds';
import { spectralNormalization } from 'smoothgan/layers';
import { expectNoLeak, randn } from '../helpers/tensors';

beforeAll(() => {
  registerTrainingKernels();
});

describe('empirical lower bounds on closed forms', () => {
  it('a linear map: the Lipschitz lower bound finds ‖w‖ exactly; its smoothness is 0', async () => {
    const dense = tfl.layers.dense({ units: 1, inputShape: [3] });
    const model = tfl.sequential({ layers: [dense] });
    dense.setWeights([tf.tensor2d([[3], [0], [4]]), tf.zeros([1])]);
    const x = randn([4, 3], 1);
    const lip = await lipschitzLowerBound(model, { inputs: x });
    expect(lip.value).toBeCloseTo(5, 5);
    expect(lip.initial).toBeCloseTo(5, 5);
    expect(lip.evaluations).toBe(4 * 6);
    const s = await smoothnessLowerBound(model, { inputs: x });
    expect(s.value).toBeLessThan(1e-3);
    x.dispose();
  });

  it('tanh(a·x) in 1-D: ascent climbs towards the maximum slope a at 0; smoothness reaches a²·4/(3√3)', async () => {
    const a = 2;
    const f = (x: tf.Tensor) => tf.tanh(tf.mul(a, x));
    const x = tf.tensor2d([[1.5], [-2]]);
    const lip = await lipschitzLowerBound(f, { inputs: x, ascentSteps: 30, stepSize: 0.05 });
    expect(lip.initial).toBeLessThan(0.5);
    expect(lip.value).toBeGreaterThan(lip.initial);
    expect(lip.value).toBeLessThanOrEqual(a + 1e-5);
    expect(lip.value).toBeGreaterThan(0.9 * a);
    // At x* = atanh(1/√3)/a the quotient over a tiny radius is ≈ sup|f″| = a²·s_tanh.
    // (float32 gradients: the quotient carries a rounding error of about 1e-7·‖∇f‖/r.)
    const s = await smoothnessLowerBound(f, { inputs: tf.tensor2d([[Math.atanh(1 / Math.sqrt(3)) / a]]) });
    const sup = a * a * ACTIVATION_CONSTANTS.tanh.smoothness;
    expect(s.value).toBeLessThanOrEqual(sup * (1 + 1e-4));
    expect(s.value).toBeGreaterThan(0.99 * sup);
    x.dispose();
  });

  it('vector-valued outputs are projected on a fixed unit direction', async () => {
    const f = (x: tf.Tensor) => tf.mul(x, tf.tensor1d([1, 2, 3]));
    const x = randn([5, 3], 2);
    const lip = await lipschitzLowerBound(f, { inputs: x, ascentSteps: 0 });
    expect(lip.value).toBeGreaterThan(0);
    expect(lip.value).toBeLessThanOrEqual(3 + 1e-5);
    x.dispose();
  });

  it('do not leak and reject bad arguments', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3], activation: 'softplus' }), tfl.layers.dense({ units: 1 })] });
    const x = randn([4, 3], 3);
    await expectNoLeak(() => lipschitzLowerBound(model, { inputs: x, ascentSteps: 2 }), () => 0);
    await expectNoLeak(() => smoothnessLowerBound(model, { inputs: x, powerIterations: 2 }), () => 0);
    await expect(lipschitzLowerBound(model, { inputs: tf.ones([2, 3], 'int32') })).rejects.toThrow(
      'Error in lipschitzLowerBound: options.inputs must be a float32 tensor, but got an int32 tensor of shape [2,3].',
    );
    await expect(lipschitzLowerBound(3 as unknown as tfl.LayersModel, { inputs: x })).rejects.toThrow(
      'Error in lipschitzLowerBound: network must be a tfjs-layers model or a function of a tensor, but got 3.',
    );
    await expect(smoothnessLowerBound(model, { inputs: x, radius: 0 })).rejects.toThrow(
      'Error in smoothnessLowerBound: options.radius must be a positive number, but got 0.',
    );
    x.dispose();
  });
});

const SMOOTH_ACTS = ['tanh', 'softplus', 'elu', 'sigmoid', 'swish', 'gelu', 'softsign', 'linear'] as const;

/** A random small network: Dense or Conv2D front, smooth activations, optional SN, optional skip. */
function randomNetwork(seed: number, depth: number, width: number, act: (typeof SMOOTH_ACTS)[number], sn: boolean, conv: boolean) {
  const init = (k: number) => tfl.initializers.randomNormal({ stddev: 0.8, seed: seed * 31 + k });
  const wrap = (layer: tfl.layers.Layer) => (sn ? spectralNormalization({ layer, seed, mode: 'operator' }) : layer);
  const input = tfl.input({ shape: conv ? [4, 4, 1] : [3] });
  let h: tfl.SymbolicTensor = input;
  if (conv) {
    h = wrap(tfl.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: act, kernelInitializer: init(0) })).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
  }
  for (let i = 0; i < depth; i++) {
    const next = wrap(tfl.layers.dense({ units: width, activation: act, kernelInitializer: init(i + 1), biasInitializer: init(i + 50) })).apply(h) as tfl.SymbolicTensor;
    h = i === 1 && width === (h.shape[1] as number) ? (tfl.layers.add().apply([h, next]) as tfl.SymbolicTensor) : next;
  }
  const out = wrap(tfl.layers.dense({ units: 1, kernelInitializer: init(99) })).apply(h) as tfl.SymbolicTensor;
  return { model: tfl.model({ inputs: input, outputs: out }), inputShape: conv ? [4, 4, 1] : [3] };
}

describe('property: empirical lower bound ≤ upper bound on random small networks', () => {
  it('for the Lipschitz and the smoothness constant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(...SMOOTH_ACTS),
        fc.boolean(),
        fc.boolean(),
        async (seed, depth, width, act, sn, conv) => {
          const { model, inputShape } = randomNetwork(seed, depth, width, act, sn, conv);
          const x = randn([6, ...inputShape], seed, 2);
          // smoothnessUpperBound reports the Lipschitz bound too (same analysis).
          const upper = await smoothnessUpperBound(model, { tolerance: 1e-5 });
          expect(typeof upper.lipschitz).toBe('number');
          expect(typeof upper.smoothness).toBe('number');
          const lowerL = await lipschitzLowerBound(model, { inputs: x, ascentSteps: 3 });
          expect(lowerL.value).toBeLessThanOrEqual((upper.lipschitz as number) * (1 + 1e-4) + 1e-6);
          const lowerS = await smoothnessLowerBound(model, { inputs: x, powerIterations: 3 });
          expect(lowerS.value).toBeLessThanOrEqual((upper.smoothness as number) * (1 + 1e-4) + 1e-4);
          x.dispose();
          model.dispose();
        },
      ),
      { numRuns: 12 },
    );
  });
});
