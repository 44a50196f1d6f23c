import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from 'smoothgan/autodiff';
import { ACTIVATION_CONSTANTS, lipschitzUpperBound, smoothnessUpperBound } from 'smoothgan/bounds';
import { spectralNormalization, updateSpectralNorms } from 'smoothgan/layers';
import { fromFlat, spectralNorm } from '../helpers/float64';
import { expectNoLeak, randn } from '../helpers/tensors';
import { conv2dMatrix } from '../layers/_reference64';

beforeAll(() => {
  registerTrainingKernels();
});

const TANH_S = ACTIVATION_CONSTANTS.tanh.smoothness;

/** Dense layer with a fixed kernel and zero bias. */
function dense(kernel: number[][], activation: 'linear' | 'tanh' | 'relu' | 'softplus' = 'linear', inputShape?: number[]) {
  const layer = tfl.layers.dense({ units: kernel[0]!.length, activation, ...(inputShape ? { inputShape } : {}) });
  return {
    layer,
    set: () => layer.setWeights([tf.tensor2d(kernel), tf.zeros([kernel[0]!.length])]),
  };
}

describe('lipschitzUpperBound / smoothnessUpperBound on closed forms', () => {
  it('MLP: product of ‖W_i‖·ℓ, and the recursion S_i = s·n_i²·M_{i−1}² + ℓ·n_i·S_{i−1} (theory §3.2)', async () => {
    const l1 = dense([[3, 0], [0, 1]], 'tanh', [2]);
    const l2 = dense([[0.5, 0], [0, 2]], 'tanh');
    const l3 = dense([[2], [0]]);
    const model = tfl.sequential({ layers: [l1.layer, l2.layer, l3.layer] });
    [l1, l2, l3].forEach((l) => l.set());
    // n = (3, 2, 2), ℓ = 1: M = 12. S_1 = s·9; M_1 = 3; S_2 = s·4·9 + 2·9s = 54s; β ≤ n_3·S_2 = 108s.
    const lip = await lipschitzUpperBound(model);
    expect(lip.value as number).toBeCloseTo(12, 4);
    expect(lip.layers.map((e) => e.method)).toEqual(['matrix', 'matrix', 'matrix']);
    expect(lip.layers.map((e) => e.activation)).toEqual(['tanh', 'tanh', 'linear']);
    const smooth = await smoothnessUpperBound(model);
    expect(smooth.quantity).toBe('smoothness');
    expect(smooth.value as number).toBeCloseTo(108 * TANH_S, 3);
    expect(smooth.lipschitz as number).toBeCloseTo(12, 4);
    expect(smooth.reasons).toEqual([]);
  });

  it('spectrally normalised, 1-Lipschitz smooth activation: Lip ≈ 1 and β ≈ s·(L − 1)', async () => {
    const model = tfl.sequential({
      layers: [
        spectralNormalization({ layer: tfl.layers.dense({ units: 6, activation: 'tanh' }), inputShape: [4], warmStartIterations: 200 }),
        spectralNormalization({ layer: tfl.layers.dense({ units: 5, activation: 'tanh' }), warmStartIterations: 200 }),
        spectralNormalization({ layer: tfl.layers.dense({ units: 1 }), warmStartIterations: 200 }),
      ],
    });
    const b = await smoothnessUpperBound(model);
    expect(Math.abs((b.lipschitz as number) - 1)).toBeLessThan(1e-3);
    expect(Math.abs((b.value as number) - 2 * TANH_S)).toBeLessThan(3e-3);
  });

  it('convolutions use the true operator norm (float64 explicit matrix), not the reshaped σ', async () => {
    const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', inputShape: [6, 6, 1], useBias: false });
    const model = tfl.sequential({ layers: [conv] });
    const k = randn([3, 3, 1, 2], 5);
    conv.setWeights([k]);
    const b = await lipschitzUpperBound(model);
    const ref = spectralNorm(conv2dMatrix(await k.data(), [3, 3, 1, 2], [6, 6], { strides: [2, 2], padding: 'same', dilations: [1, 1] }));
    expect(b.layers[0]!.method).toBe('operator');
    expect(Math.abs((b.value as number) - ref) / ref).toBeLessThan(1e-4);
    // Box filter: operator ≈ 0.98 on 16×16 'same', while the reshaped kernel has σ = 1/3.
    const box = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', inputShape: [16, 16, 1], useBias: false });
    const boxModel = tfl.sequential({ layers: [box] });
    box.setWeights([tf.fill([3, 3, 1, 1], 1 / 9)]);
    const bb = await lipschitzUpperBound(boxModel);
    expect(bb.value as number).toBeCloseTo(((1 + 2 * Math.cos(Math.PI / 17)) / 3) ** 2, 4);
    k.dispose();
  });

  it('without a fixed input size, falls back to √(multiplicity)·σ(reshaped), an upper bound of the operator norm', async () => {
    const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', useBias: false });
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ batchInputShape: [null, null, null, 1] }), conv] });
    const k = randn([3, 3, 1, 2], 5);
    conv.setWeights([k]);
    const b = await lipschitzUpperBound(model);
    expect(b.layers[0]!.method).toBe('reshapedKernelBound');
    const reshaped = spectralNorm(fromFlat(await k.data(), 9, 2));
    expect(b.value as number).toBeCloseTo(Math.sqrt(4) * reshaped, 4); // ⌈3/2⌉² = 4 windows per pixel
    const op = spectralNorm(conv2dMatrix(await k.data(), [3, 3, 1, 2], [9, 9], { strides: [2, 2], padding: 'same', dilations: [1, 1] }));
    expect(b.value as number).toBeGreaterThanOrEqual(op);
    k.dispose();
  });

  it('functional graphs: Add sums, Concatenate takes √(Σ M²), shared layers count per call', async () => {
    const input = tfl.input({ shape: [2] });
    const a = dense([[2, 0], [0, 1]]);
    const b = dense([[0, 0], [0, 3]]);
    const ya = a.layer.apply(input) as tfl.SymbolicTensor;
    const yb = b.layer.apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([ya, yb]) as tfl.SymbolicTensor;
    const cat = tfl.layers.concatenate().apply([ya, yb]) as tfl.SymbolicTensor;
    const again = a.layer.apply(sum) as tfl.SymbolicTensor; // shared layer, second call
    const model = tfl.model({ inputs: input, outputs: [tfl.layers.concatenate().apply([again, cat]) as tfl.SymbolicTensor] });
    a.set();
    b.set();
    const r = await lipschitzUpperBound(model);
    // ‖W_a‖ = 2, ‖W_b‖ = 3: Add ≤ 5, again ≤ 2·5 = 10, cat ≤ √(4 + 9), final ≤ √(100 + 13).
    expect(r.value as number).toBeCloseTo(Math.sqrt(113), 4);
    expect(r.layers.map((e) => e.name)).toContain(`${a.layer.name}#1`);
  });

  it('nested models are followed, with prefixed names', async () => {
    const inner = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'softplus', name: 'in_d' })] });
    const input = tfl.input({ shape: [2] });
    const out = tfl.layers.dense({ units: 1, name: 'out_d' }).apply(inner.apply(input) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const r = await smoothnessUpperBound(model);
    expect(r.layers.map((e) => e.name)).toEqual([`${inner.name}/in_d`, 'out_d']);
    expect(r.value).not.toBe('unbounded');
  });
});

describe('unbounded cases name the layer and the reason', () => {
  it('a ReLU critic is Lipschitz but not smooth', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu', name: 'hidden' }), tfl.layers.leakyReLU({ alpha: 0.2, name: 'lrelu' }), tfl.layers.dense({ units: 1, name: 'head' })],
    });
    const lip = await lipschitzUpperBound(model);
    expect(typeof lip.value).toBe('number');
    expect(lip.reasons).toEqual([]);
    const s = await smoothnessUpperBound(model);
    expect(s.value).toBe('unbounded');
    expect(s.smoothness).toBe('unbounded');
    expect(s.reasons).toEqual(['hidden: relu is not smooth: σ′ jumps from 0 to 1 at 0', 'lrelu: LeakyReLU is not smooth: σ′ jumps at 0']);
  });

  it('unsupported layers and bilinear merges are unbounded for both', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3] }), tfl.layers.layerNormalization({ name: 'ln' })] });
    const r = await lipschitzUpperBound(model);
    expect(r.value).toBe('unbounded');
    expect(r.reasons).toEqual(['ln: unsupported layer class LayerNormalization']);
    const input = tfl.input({ shape: [2] });
    const prod = tfl.layers.multiply({ name: 'mul' }).apply([input, input]) as tfl.SymbolicTensor;
    const r2 = await smoothnessUpperBound(tfl.model({ inputs: input, outputs: prod }));
    expect(r2.reasons).toEqual(['mul: Multiply of two branches is not globally Lipschitz (it is bilinear)']);
  });
});

describe('bound functions', () => {
  it('closed-form layers: pooling, upsampling, batch norm (inference), dropout', async () => {
    const bn = tfl.layers.batchNormalization({ name: 'bn' });
    const model = tfl.sequential({
      layers: [
        tfl.layers.averagePooling2d({ poolSize: 2, inputShape: [4, 4, 1] }),
        tfl.layers.upSampling2d({ size: [2, 2] }),
        tfl.layers.dropout({ rate: 0.5 }),
        bn,
        tfl.layers.globalAveragePooling2d({}),
      ],
    });
    bn.setWeights([tf.tensor1d([3]), tf.tensor1d([0]), tf.tensor1d([0]), tf.tensor1d([4 - 1e-3])]);
    const r = await smoothnessUpperBound(model);
    // avg 2×2/2: 1/2; nearest ×2: 2; BN: 3/√4 = 1.5; global average over 16: 1/4.
    expect(r.lipschitz as number).toBeCloseTo(0.5 * 2 * 1.5 * 0.25, 5);
    expect(r.value).toBe(0);
  });

  it('do not leak tensors', async () => {
    const model = tfl.sequential({
      layers: [
        spectralNormalization({ layer: tfl.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }), mode: 'operator' }),
        tfl.layers.activation({ activation: 'elu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    updateSpectralNorms(model);
    await expectNoLeak(() => lipschitzUpperBound(model), () => 0);
    await expectNoLeak(() => smoothnessUpperBound(model), () => 0);
  });

  it('reject what is not a built model', async () => {
    await expect(lipschitzUpperBound({} as tfl.LayersModel)).rejects.toThrow(
      'Error in lipschitzUpperBound: model must be a tfjs-layers LayersModel or Sequential, but got an object.',
    );
    const unbuilt = tfl.sequential({ name: 'lazy' });
    await expect(smoothnessUpperBound(unbuilt)).rejects.toThrow(
      "Error in smoothnessUpperBound: model must be a built tfjs-layers model (give its first layer an inputShape, or call it once), but got the unbuilt model 'lazy'.",
    );
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    await expect(lipschitzUpperBound(model, { maxIterations: 0 })).rejects.toThrow(
      'Error in lipschitzUpperBound: options.maxIterations must be an integer >= 1, but got 0.',
    );
  });
});
