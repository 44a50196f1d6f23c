/**
 * registerTrainingKernels: every replacement kernel against the cpu backend's native kernel
 * (computed before registration, on the same inputs) over a table of shapes, strides and
 * paddings; the wasm transposed conv against wasm's native one; resize gradients against the
 * adjoint identity ⟨Rx, y⟩ = ⟨x, Rᵀy⟩; idempotence; no tensor growth; and a tfjs-layers
 * conv model that trains on the test backend like on stock cpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_KERNELS, WASM_CONV_TRANSPOSE_MIN_CHANNELS, registerTrainingKernels } from 'smoothgan/autodiff';
import {
  conv2dBackpropFilterViaConv,
  conv2dBackpropInputViaConv,
  depthwiseBackpropFilterViaConv,
  depthwiseBackpropInputViaConv,
  resizeBilinearGradViaMatMul,
  resizeNearestNeighborGradViaMatMul,
} from '../../src/autodiff/trainingKernels';
import { BACKEND } from '../setup';
import { liveTensors, randn, relError, values } from '../helpers/tensors';

type Attrs = Record<string, unknown>;
type Pad = 'same' | 'valid' | number;
interface KernelCase {
  label: string;
  kernel: string;
  inputs: Record<string, number[]>;
  attrs: Attrs;
}

// [batch, height, width, inChannels, [kh, kw], stride(s), pad, outChannels]
const CONV_TABLE: [number, number, number, number, [number, number], number | [number, number], Pad, number][] = [
  [2, 7, 5, 3, [3, 3], 1, 'same', 4],
  [2, 7, 5, 3, [3, 3], 2, 'same', 4],
  [2, 8, 6, 2, [4, 4], 2, 'same', 3],
  [3, 9, 7, 2, [3, 3], 3, 'valid', 2],
  [1, 8, 10, 3, [2, 3], 2, 'valid', 5],
  [2, 10, 7, 2, [3, 2], [2, 1], 'same', 3],
  [2, 6, 9, 8, [3, 3], 3, 'same', 8],
  [2, 5, 5, 9, [5, 5], 2, 'same', 10],
  [2, 9, 8, 8, [4, 4], 2, 'valid', 8],
  [2, 4, 6, 8, [1, 1], 1, 'valid', 12],
  [2, 6, 7, 3, [3, 3], 2, 1, 2],
];

function convCases(): KernelCase[] {
  return CONV_TABLE.flatMap(([b, h, w, ci, [kh, kw], strides, pad, co]): KernelCase[] => {
    const info = tf.backend_util.computeConv2DInfo([b, h, w, ci], [kh, kw, ci, co], strides, 1, pad);
    const dy = [b, info.outHeight, info.outWidth, co];
    const label = `x [${b},${h},${w},${ci}] filter ${kh}×${kw}→${co} stride ${strides} pad ${pad}`;
    const common = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    return [
      { label, kernel: 'Conv2DBackpropFilter', inputs: { x: [b, h, w, ci], dy }, attrs: { ...common, filterShape: [kh, kw, ci, co] } },
      { label, kernel: 'Conv2DBackpropInput', inputs: { dy, filter: [kh, kw, ci, co] }, attrs: { ...common, inputShape: [b, h, w, ci] } },
    ];
  });
}

// [batch, height, width, channels, k, multiplier, stride, pad]
const DEPTHWISE_TABLE: [number, number, number, number, number, number, number, Pad][] = [
  [2, 6, 5, 3, 3, 1, 1, 'same'],
  [2, 7, 6, 2, 3, 2, 2, 'same'],
  [3, 8, 5, 2, 2, 1, 2, 'valid'],
  [1, 9, 7, 3, 3, 2, 3, 'valid'],
];

function depthwiseCases(): KernelCase[] {
  return DEPTHWISE_TABLE.flatMap(([b, h, w, c, k, m, s, pad]): KernelCase[] => {
    const info = tf.backend_util.computeConv2DInfo([b, h, w, c], [k, k, c, m], s, 1, pad, undefined, true);
    const dy = [b, info.outHeight, info.outWidth, c * m];
    const label = `x [${b},${h},${w},${c}] depthwise ${k}×${k}×${m} stride ${s} pad ${pad}`;
    const common = { strides: s, pad, dilations: 1, dimRoundingMode: undefined };
    return [
      { label, kernel: 'DepthwiseConv2dNativeBackpropFilter', inputs: { x: [b, h, w, c], dy }, attrs: { ...common, filterShape: [k, k, c, m] } },
      { label, kernel: 'DepthwiseConv2dNativeBackpropInput', inputs: { dy, filter: [k, k, c, m] }, attrs: { ...common, inputShape: [b, h, w, c] } },
    ];
  });
}

const CASES = [...convCases(), ...depthwiseCases()];
const seedOf = (i: number, name: string) => 1000 * i + name.length;
const inputsOf = (c: KernelCase, i: number): Record<string, tf.Tensor> =>
  Object.fromEntries(Object.entries(c.inputs).map(([k, shape]) => [k, randn(shape, seedOf(i, k))]));

/** Runs the registered kernel on the current backend. */
const runKernel = (c: KernelCase, inputs: Record<string, tf.Tensor>): tf.Tensor =>
  tf.engine().runKernel(c.kernel, inputs as never, c.attrs as never) as tf.Tensor;

/** Runs `fn` on another backend and comes back. */
async function on<T>(backend: string, fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}

async function kernelResult(c: KernelCase, i: number): Promise<Float32Array> {
  const inputs = inputsOf(c, i);
  const out = runKernel(c, inputs);
  const data = (await out.data()) as Float32Array;
  tf.dispose([out, ...Object.values(inputs)]);
  return data;
}

// A small conv model: conv s2 → transposed conv (8 channels: the wasm conv2d path) → conv
// reading 8 channels (its input gradient takes the conv2d path too) → depthwise → dense.
function convModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [7, 6, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
      tfl.layers.conv2dTranspose({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', activation: 'softplus' }),
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'elu' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2 }),
    ],
  });
  const weights = model.getWeights().map((w, i) => randn(w.shape, 500 + i, 0.4));
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** Loss gradients (first) and the weight change of one SGD step with trainOnBatch (second). */
async function trainStep(): Promise<{ grads: Float32Array[]; deltas: Float32Array[] }> {
  const model = convModel();
  const x = randn([3, 7, 6, 2], 600);
  const y = randn([3, 2], 601);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, vars);
  const g = await Promise.all(vars.map((v) => grads[v.name]!.data() as Promise<Float32Array>));
  tf.dispose([value, ...Object.values(grads)]);
  const before = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
  const optimizer = tf.train.sgd(0.1);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  await model.trainOnBatch(x, y);
  const after = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return { grads: g, deltas: after.map((a, i) => a.map((v, j) => v - before[i]![j]!)) };
}

/** ⟨resize(x), y⟩ and ⟨x, resizeᵀ(y)⟩ with tfjs's first-order gradient as resizeᵀ. */
async function adjointPair(kind: 'nearest' | 'bilinear', shape: number[], size: [number, number], align: boolean, half: boolean, seed: number) {
  const resize = kind === 'nearest' ? tf.image.resizeNearestNeighbor : tf.image.resizeBilinear;
  const x = randn(shape, seed);
  const y = randn([shape[0]!, ...size, shape[3]!], seed + 1);
  const both = tf.tidy(() => {
    const lhs = tf.sum(tf.mul(resize(x as tf.Tensor4D, size, align, half), y));
    const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(resize(z as tf.Tensor4D, size, align, half), y)))(x);
    return tf.stack([lhs, tf.sum(tf.mul(x, g))]);
  });
  const [lhs, rhs] = await values(both);
  tf.dispose([x, y, both]);
  return { lhs: lhs!, rhs: rhs! };
}

// References computed before registerTrainingKernels.
const cpuNative: Float32Array[] = [];
const wasmNativeTranspose = new Map<number, Float32Array>();
let cpuNativeTrain: { grads: Float32Array[]; deltas: Float32Array[] };

describe('before registerTrainingKernels', () => {
  beforeAll(async () => {
    await on('cpu', async () => {
      for (const [i, c] of CASES.entries()) cpuNative.push(await kernelResult(c, i));
      cpuNativeTrain = await trainStep();
    });
    await on('wasm', async () => {
      for (const [i, c] of CASES.entries()) if (c.kernel === 'Conv2DBackpropInput') wasmNativeTranspose.set(i, await kernelResult(c, i));
    });
  });

  it.runIf(BACKEND === 'wasm')('a conv layer cannot train on stock wasm (no Conv2DBackpropFilter kernel)', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 1 })],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const [x, y] = [tf.ones([2, 5, 5, 1]), tf.ones([2, 1])];
    await expect(model.trainOnBatch(x, y)).rejects.toThrow("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
    tf.dispose([x, y]);
    model.dispose();
  });

  it('stock cpu ResizeNearestNeighborGrad fails the adjoint identity for batch 2 (not batch 1)', async () => {
    await on('cpu', async () => {
      const two = await adjointPair('nearest', [2, 3, 4, 2], [7, 5], false, false, 70);
      expect(Math.abs(two.lhs - two.rhs)).toBeGreaterThan(0.1);
      const one = await adjointPair('nearest', [1, 3, 4, 2], [7, 5], false, false, 71);
      expect(Math.abs(one.lhs - one.rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(one.lhs)));
    });
  });

  it('stock cpu ResizeBilinearGrad throws for non-square images', async () => {
    await on('cpu', async () => {
      await expect(adjointPair('bilinear', [1, 3, 4, 2], [7, 5], false, false, 72)).rejects.toThrow(/does not match the shape of the input/);
    });
  });
});

describe('registerTrainingKernels', () => {
  let registered: string[] = [];
  beforeAll(() => {
    registered = registerTrainingKernels();
  });

  it('registers each kernel of TRAINING_KERNELS on each registered backend it names, once', () => {
    const expected = TRAINING_KERNELS.flatMap((k) => k.backends.map((b) => `${k.kernelName}@${b}`));
    expect([...registered].sort()).toEqual([...expected].sort());
    const funcs = TRAINING_KERNELS.flatMap((k) => k.backends.map((b) => tf.getKernel(k.kernelName, b)!.kernelFunc));
    const before = liveTensors();
    expect(registerTrainingKernels()).toEqual([]);
    expect(registerTrainingKernels()).toEqual([]);
    const again = TRAINING_KERNELS.flatMap((k) => k.backends.map((b) => tf.getKernel(k.kernelName, b)!.kernelFunc));
    expect(again.every((f, i) => f === funcs[i])).toBe(true);
    expect(liveTensors()).toBe(before);
    expect(Object.isFrozen(TRAINING_KERNELS) && TRAINING_KERNELS.every((k) => Object.isFrozen(k))).toBe(true);
  });

  it.each(CASES.map((c, i) => [c.kernel, c.label, c, i] as const))(
    '%s (%s) matches cpu’s native kernel, leaving one tensor',
    async (_k, _l, c, i) => {
      const inputs = inputsOf(c, i);
      const before = liveTensors();
      const out = runKernel(c, inputs);
      expect(liveTensors() - before, 'tensors added').toBe(1);
      expect(out.shape).toEqual(c.kernel.endsWith('Filter') ? c.attrs.filterShape : c.attrs.inputShape);
      expect(relError(await values(out), cpuNative[i]!)).toBeLessThanOrEqual(1e-5);
      tf.dispose([out, ...Object.values(inputs)]);
    },
  );

  it.each(CASES.map((c, i) => [c.kernel, c.label, c, i] as const))(
    'the replacement for %s (%s), called directly, matches cpu’s native kernel',
    async (_k, _l, c, i) => {
      const inputs = inputsOf(c, i);
      const a = c.attrs;
      const before = liveTensors();
      const out =
        c.kernel === 'Conv2DBackpropFilter'
          ? conv2dBackpropFilterViaConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, a.filterShape as number[], a)
          : c.kernel === 'Conv2DBackpropInput'
            ? conv2dBackpropInputViaConv(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, a.inputShape as number[], a)
            : c.kernel === 'DepthwiseConv2dNativeBackpropFilter'
              ? depthwiseBackpropFilterViaConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, a.filterShape as number[], a)
              : depthwiseBackpropInputViaConv(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, a.inputShape as number[], a);
      expect(liveTensors() - before, 'tensors added').toBe(1);
      expect(relError(await values(out), cpuNative[i]!)).toBeLessThanOrEqual(1e-5);
      tf.dispose([out, ...Object.values(inputs)]);
    },
  );

  it.runIf(BACKEND === 'wasm')(
    `wasm Conv2DBackpropInput: the replacement (filters with ≥ ${WASM_CONV_TRANSPOSE_MIN_CHANNELS} channels) and the native path agree with wasm's native kernel`,
    async () => {
      let replaced = 0;
      for (const [i, c] of CASES.entries()) {
        if (c.kernel !== 'Conv2DBackpropInput') continue;
        if (c.inputs.filter![2]! >= WASM_CONV_TRANSPOSE_MIN_CHANNELS) replaced++;
        expect(relError(await kernelResult(c, i), wasmNativeTranspose.get(i)!), c.label).toBeLessThanOrEqual(1e-5);
      }
      expect(replaced).toBeGreaterThanOrEqual(3);
    },
  );

  it.runIf(BACKEND === 'wasm')('the wasm depthwise replacements reject dilations other than 1 with a clear error', () => {
    const c = depthwiseCases()[1]!;
    const inputs = inputsOf(c, 0);
    const attrs = { ...c.attrs, dilations: 2 };
    expect(() => tf.engine().runKernel(c.kernel, inputs as never, attrs as never)).toThrow(
      'Error in registerTrainingKernels: the wasm DepthwiseConv2dNativeBackpropInput replacement supports dilation 1 only, but got dilations 2.',
    );
    tf.dispose(Object.values(inputs));
  });

  const RESIZES: [number[], [number, number], boolean, boolean][] = [
    [[2, 3, 4, 2], [7, 5], false, false],
    [[2, 3, 3, 3], [6, 6], false, false],
    [[2, 3, 4, 2], [7, 5], true, false],
    [[2, 3, 4, 2], [7, 5], false, true],
    [[2, 6, 5, 2], [3, 2], false, false],
    [[2, 6, 5, 2], [4, 7], true, false],
    [[3, 4, 4, 1], [4, 4], false, true],
  ];
  it.each(RESIZES.flatMap((r) => (['nearest', 'bilinear'] as const).map((k) => [k, ...r] as const)))(
    'resize %s gradient satisfies ⟨Rx, y⟩ = ⟨x, Rᵀy⟩: images %j → %j, alignCorners %s, halfPixelCenters %s',
    async (kind, shape, size, align, half) => {
      for (const seed of [80, 90]) {
        const { lhs, rhs } = await adjointPair(kind, shape, size, align, half, seed);
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(lhs)) * 10);
      }
    },
  );

  it('the resize replacements, called directly, equal the registered kernels and leave one tensor', async () => {
    const images = randn([2, 3, 4, 2], 95) as tf.Tensor4D;
    const dy = randn([2, 7, 5, 2], 96) as tf.Tensor4D;
    const attrs = { alignCorners: false, halfPixelCenters: false };
    for (const [kernel, fn] of [
      ['ResizeNearestNeighborGrad', resizeNearestNeighborGradViaMatMul],
      ['ResizeBilinearGrad', resizeBilinearGradViaMatMul],
    ] as const) {
      const before = liveTensors();
      const direct = fn(images, dy, attrs);
      expect(liveTensors() - before).toBe(1);
      const viaKernel = tf.engine().runKernel(kernel, { images, dy } as never, attrs as never) as tf.Tensor;
      expect(await values(direct)).toEqual(await values(viaKernel));
      tf.dispose([direct, viaKernel]);
    }
    tf.dispose([images, dy]);
  });

  it(`a tfjs-layers conv model (conv2d, conv2dTranspose, depthwiseConv2d) trains on ${BACKEND} as on stock cpu`, async () => {
    const before = liveTensors();
    const { grads, deltas } = await trainStep();
    expect(liveTensors() - before, 'tensors leaked').toBe(0);
    grads.forEach((g, i) => expect(relError(g, cpuNativeTrain.grads[i]!), `gradient ${i}`).toBeLessThanOrEqual(1e-5));
    deltas.forEach((d, i) => expect(relError(d, cpuNativeTrain.deltas[i]!), `SGD step ${i}`).toBeLessThanOrEqual(1e-4));
    expect(Math.max(...deltas.map((d) => Math.max(...d.map(Math.abs))))).toBeGreaterThan(1e-4);
  });
});
