import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from 'smoothgan/autodiff';
import {
  conv1dOperator,
  conv2dOperator,
  conv2dTransposeOperator,
  depthwiseConv2dOperator,
  matrixOperator,
  operatorPowerIteration,
  powerIteration,
  reshapedKernelMatrix,
  type LinearOperator,
} from 'smoothgan/layers';
import { fromFlat, matmul, spectralNorm, transpose } from '../helpers/float64';
import { expectNoLeak, randn, seededNormal, values } from '../helpers/tensors';
import { conv2dMatrix, depthwiseAsDense, depthwiseReshapedSigma, lastAxisMatrix, swapLastAxes, type Geometry } from './_reference64';

beforeAll(() => {
  registerTrainingKernels();
});

const scalar = async (t: tf.Tensor): Promise<number> => (await values(t))[0]!;

describe('powerIteration (matrix)', () => {
  it('converges to the float64 top singular value on random matrices', async () => {
    for (const [m, n, seed] of [
      [5, 3, 1],
      [3, 7, 2],
      [8, 8, 3],
      [1, 6, 4],
    ] as const) {
      const a = randn([m, n], seed);
      const ref = spectralNorm(fromFlat(await a.data(), m, n));
      const r = powerIteration(a, { iterations: 200, seed });
      expect(Math.abs((await scalar(r.sigma)) - ref) / ref).toBeLessThan(1e-4);
      expect(Math.abs((await scalar(tf.norm(r.u))) - 1)).toBeLessThan(1e-5);
      tf.dispose([a, r.u, r.v, r.sigma]);
    }
  });

  it('warm-starts: one step per call converges over calls, and σ never exceeds the true value', async () => {
    const a = randn([6, 4], 7);
    const ref = spectralNorm(fromFlat(await a.data(), 6, 4));
    let u: tf.Tensor | undefined;
    let last = 0;
    for (let i = 0; i < 60; i++) {
      const r = powerIteration(a, { u, seed: 3 });
      u?.dispose();
      u = r.u;
      last = await scalar(r.sigma);
      expect(last).toBeLessThanOrEqual(ref * (1 + 1e-5));
      tf.dispose([r.v, r.sigma]);
    }
    expect(Math.abs(last - ref) / ref).toBeLessThan(1e-4);
    tf.dispose([a, u!]);
  });

  it('gradient of σ w.r.t. the matrix equals the float64 finite difference of σ_max', async () => {
    const m = 4;
    const n = 3;
    const a = randn([m, n], 11);
    const flat = Array.from(await a.data());
    // Converge u first; inside the gradient one warm-started step (u, v are constants there).
    const warm = powerIteration(a, { iterations: 300, seed: 1 });
    const g = tf.grad((x: tf.Tensor) => {
      const r = powerIteration(x, { u: warm.u });
      tf.dispose([r.u, r.v]);
      return r.sigma;
    })(a);
    tf.dispose([warm.u, warm.v, warm.sigma]);
    const got = await values(g);
    const sigma = (f: number[]) => spectralNorm(fromFlat(f, m, n));
    for (let i = 0; i < flat.length; i++) {
      const up = flat.slice();
      const dn = flat.slice();
      up[i]! += 1e-6;
      dn[i]! -= 1e-6;
      expect(Math.abs(got[i]! - (sigma(up) - sigma(dn)) / 2e-6)).toBeLessThan(2e-4);
    }
    tf.dispose([a, g]);
  });

  it('scale invariance: the unit vectors of cW equal those of W, and σ(cW) = c·σ(W)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.05, max: 20, noNaN: true }), async (seed, c) => {
        const a = randn([4, 5], seed);
        const ca = tf.mul(a, c);
        const r1 = powerIteration(a, { iterations: 30, seed });
        const r2 = powerIteration(ca, { iterations: 30, seed });
        const [s1, s2] = [await scalar(r1.sigma), await scalar(r2.sigma)];
        expect(Math.abs(s2 - c * s1)).toBeLessThan(1e-4 * c * s1);
        const du = await values(tf.sub(r1.u, r2.u));
        expect(Math.max(...du.map(Math.abs))).toBeLessThan(1e-4);
        tf.dispose([a, ca, r1.u, r1.v, r1.sigma, r2.u, r2.v, r2.sigma]);
      }),
      { numRuns: 20 },
    );
  });

  it('does not leak', async () => {
    const a = randn([3, 3], 1);
    await expectNoLeak(() => powerIteration(a, { iterations: 3 }));
    const u = tf.ones([3]);
    const r = await expectNoLeak(() => powerIteration(a, { u }));
    tf.dispose([a, u, r.u, r.v, r.sigma]);
  });

  it('rejects bad arguments before doing anything', () => {
    const a = tf.ones([2, 3]);
    expect(() => powerIteration(tf.ones([2, 2, 2]))).toThrow(
      'Error in powerIteration: matrix must be a tensor of rank 2, but got a float32 tensor of shape [2,2,2].',
    );
    expect(() => powerIteration(a, { iterations: 0 })).toThrow(
      'Error in powerIteration: options.iterations must be an integer >= 1, but got 0.',
    );
    expect(() => powerIteration(a, { eps: 0 })).toThrow('Error in powerIteration: options.eps must be a positive number, but got 0.');
    expect(() => powerIteration(a, { u: tf.ones([3]) })).toThrow(
      'Error in powerIteration: options.u must be a tensor with 2 entries (shape [2]), but got a float32 tensor of shape [3].',
    );
    expect(() => operatorPowerIteration(3 as unknown as LinearOperator)).toThrow(
      'Error in operatorPowerIteration: operator must be a LinearOperator (e.g. from conv2dOperator), but got 3.',
    );
    a.dispose();
  });
});

interface OpCase {
  name: string;
  kshape: [number, number, number, number] | [number, number, number];
  input: number[];
  geometry: Geometry;
  make: (k: tf.Tensor) => LinearOperator;
  /** float64 explicit matrix from the flat kernel. */
  matrix: (k: number[]) => number[][];
}

const g = (s: number, padding: 'valid' | 'same', d = 1): Geometry => ({ strides: [s, s], padding, dilations: [d, d] });

const OPS: OpCase[] = [
  {
    name: 'conv2d 3x3 s1 same',
    kshape: [3, 3, 2, 3],
    input: [5, 5, 2],
    geometry: g(1, 'same'),
    make: (k) => conv2dOperator({ kernel: k, inputShape: [5, 5, 2], padding: 'same' }),
    matrix: (k) => conv2dMatrix(k, [3, 3, 2, 3], [5, 5], g(1, 'same')),
  },
  {
    name: 'conv2d 4x4 s2 same',
    kshape: [4, 4, 2, 3],
    input: [6, 6, 2],
    geometry: g(2, 'same'),
    make: (k) => conv2dOperator({ kernel: k, inputShape: [6, 6, 2], strides: 2, padding: 'same' }),
    matrix: (k) => conv2dMatrix(k, [4, 4, 2, 3], [6, 6], g(2, 'same')),
  },
  {
    name: 'conv2d 3x3 s2 valid',
    kshape: [3, 3, 1, 2],
    input: [7, 6, 1],
    geometry: g(2, 'valid'),
    make: (k) => conv2dOperator({ kernel: k, inputShape: [7, 6, 1], strides: [2, 2], padding: 'valid' }),
    matrix: (k) => conv2dMatrix(k, [3, 3, 1, 2], [7, 6], g(2, 'valid')),
  },
  {
    name: 'conv2d 3x3 dilation 2 same',
    kshape: [3, 3, 2, 2],
    input: [6, 6, 2],
    geometry: g(1, 'same', 2),
    make: (k) => conv2dOperator({ kernel: k, inputShape: [6, 6, 2], padding: 'same', dilations: 2 }),
    matrix: (k) => conv2dMatrix(k, [3, 3, 2, 2], [6, 6], g(1, 'same', 2)),
  },
  {
    name: 'conv1d k3 s1 same',
    kshape: [3, 2, 3],
    input: [9, 2],
    geometry: g(1, 'same'),
    make: (k) => conv1dOperator({ kernel: k, inputShape: [9, 2], padding: 'same' }),
    matrix: (k) => conv2dMatrix(k, [1, 3, 2, 3], [1, 9], { strides: [1, 1], padding: 'same', dilations: [1, 1] }),
  },
  {
    name: 'conv1d k3 s2 dilation 2 valid',
    kshape: [3, 1, 2],
    input: [12, 1],
    geometry: g(2, 'valid', 2),
    make: (k) => conv1dOperator({ kernel: k, inputShape: [12, 1], stride: 2, dilation: 2 }),
    matrix: (k) => conv2dMatrix(k, [1, 3, 1, 2], [1, 12], { strides: [1, 2], padding: 'valid', dilations: [1, 2] }),
  },
  {
    // Conv2DTranspose kernel [kh, kw, out=2, in=3] on a 3x3 input → 6x6 output; its adjoint is
    // conv2d with the same filter on the 6x6 output, so A = (that conv matrix)ᵀ.
    name: 'conv2dTranspose 4x4 s2 same',
    kshape: [4, 4, 2, 3],
    input: [3, 3, 3],
    geometry: g(2, 'same'),
    make: (k) => conv2dTransposeOperator({ kernel: k, inputShape: [3, 3, 3], strides: 2, padding: 'same' }),
    matrix: (k) => transpose(conv2dMatrix(k, [4, 4, 2, 3], [6, 6], g(2, 'same'))),
  },
  {
    name: 'conv2dTranspose 3x3 s1 valid',
    kshape: [3, 3, 1, 2],
    input: [4, 4, 2],
    geometry: g(1, 'valid'),
    make: (k) => conv2dTransposeOperator({ kernel: k, inputShape: [4, 4, 2] }),
    matrix: (k) => transpose(conv2dMatrix(k, [3, 3, 1, 2], [6, 6], g(1, 'valid'))),
  },
  {
    name: 'depthwiseConv2d 3x3 m2 s1 same',
    kshape: [3, 3, 2, 2],
    input: [5, 5, 2],
    geometry: g(1, 'same'),
    make: (k) => depthwiseConv2dOperator({ kernel: k, inputShape: [5, 5, 2], padding: 'same' }),
    matrix: (k) => conv2dMatrix(depthwiseAsDense(k, [3, 3, 2, 2]), [3, 3, 2, 4], [5, 5], g(1, 'same')),
  },
  {
    name: 'depthwiseConv2d 3x3 m1 s2 valid dilation 1',
    kshape: [3, 3, 3, 1],
    input: [7, 7, 3],
    geometry: g(2, 'valid'),
    make: (k) => depthwiseConv2dOperator({ kernel: k, inputShape: [7, 7, 3], strides: 2 }),
    matrix: (k) => conv2dMatrix(depthwiseAsDense(k, [3, 3, 3, 1]), [3, 3, 3, 3], [7, 7], g(2, 'valid')),
  },
];

describe.each(OPS)('operator $name', (c) => {
  it('applies exactly the float64 explicit matrix, and its transpose', async () => {
    const k = randn(c.kshape, 21);
    const op = c.make(k);
    const m = c.matrix(Array.from(await k.data()));
    const xin = seededNormal(m[0]!.length, 5);
    const yin = seededNormal(m.length, 6);
    const ax = await values(op.apply(tf.tensor(xin, [...op.inputShape])));
    const aty = await values(op.applyTranspose(tf.tensor(yin, [...op.outputShape])));
    const refAx = matmul(m, Array.from(xin, (v) => [v])).map((r) => r[0]!);
    const refAty = matmul(transpose(m), Array.from(yin, (v) => [v])).map((r) => r[0]!);
    expect(ax.length).toBe(refAx.length);
    ax.forEach((v, i) => expect(Math.abs(v - refAx[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(refAx[i]!))));
    aty.forEach((v, i) => expect(Math.abs(v - refAty[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(refAty[i]!))));
    k.dispose();
  });

  it('power iteration on the operator gives the float64 operator norm', async () => {
    const k = randn(c.kshape, 33);
    const ref = spectralNorm(c.matrix(Array.from(await k.data())));
    const op = c.make(k);
    const r = await expectNoLeak(() => operatorPowerIteration(op, { iterations: 300, seed: 2 }));
    expect(r.u.shape).toEqual([...op.outputShape]);
    expect(r.v.shape).toEqual([...op.inputShape]);
    expect(Math.abs((await scalar(r.sigma)) - ref) / ref).toBeLessThan(2e-4);
    tf.dispose([k, r.u, r.v, r.sigma]);
  });
});

describe('reshaped kernel vs operator norm', () => {
  it('3x3 box filter: reshaped σ = 1/3, operator norm ≈ 1 (closed form)', async () => {
    const box = tf.fill([3, 3, 1, 1], 1 / 9);
    const mat = reshapedKernelMatrix(box, 'conv2d');
    expect(mat.shape).toEqual([1, 9]);
    const r1 = powerIteration(mat, { iterations: 5 });
    expect(await scalar(r1.sigma)).toBeCloseTo(1 / 3, 5);
    const op = conv2dOperator({ kernel: box, inputShape: [16, 16, 1], padding: 'same' });
    const r2 = operatorPowerIteration(op, { iterations: 300 });
    // Zero-padded 'same' box filter on n×n = T ⊗ T, T = tridiag(1, 1, 1)/3 of size n, whose
    // largest eigenvalue is (1 + 2cos(π/(n+1)))/3.
    const ref = ((1 + 2 * Math.cos(Math.PI / 17)) / 3) ** 2;
    expect(ref).toBeGreaterThan(0.97);
    expect(Math.abs((await scalar(r2.sigma)) - ref)).toBeLessThan(1e-3);
    tf.dispose([box, mat, r1.u, r1.v, r1.sigma, r2.u, r2.v, r2.sigma]);
  });

  it.each([
    ['dense', [4, 3]],
    ['embedding', [6, 2]],
    ['conv1d', [3, 2, 4]],
    ['conv2d', [2, 2, 3, 4]],
  ] as const)('%s: reshapedKernelMatrix is [out, rest] with the σ of the last-axis matrix', async (layout, shape) => {
    const k = randn([...shape], 4);
    const m = reshapedKernelMatrix(k, layout);
    const out = shape[shape.length - 1]!;
    expect(m.shape).toEqual([out, k.size / out]);
    const ref = spectralNorm(lastAxisMatrix(await k.data(), [...shape]));
    expect(spectralNorm(fromFlat(await m.data(), m.shape[0], m.shape[1]))).toBeCloseTo(ref, 5);
    tf.dispose([k, m]);
  });

  it('conv2dTranspose normalises over the output axis (2), as torch dim=1', async () => {
    const shape: [number, number, number, number] = [2, 2, 3, 5]; // [kh, kw, out, in]
    const k = randn(shape, 8);
    const m = reshapedKernelMatrix(k, 'conv2dTranspose');
    expect(m.shape).toEqual([3, 20]);
    const ref = spectralNorm(lastAxisMatrix(swapLastAxes(await k.data(), shape), [2, 2, 5, 3]));
    expect(spectralNorm(fromFlat(await m.data(), 3, 20))).toBeCloseTo(ref, 5);
    tf.dispose([k, m]);
  });

  it('depthwise kernels give the block-diagonal matrix: σ = largest per-channel σ', async () => {
    const shape: [number, number, number, number] = [3, 3, 4, 2];
    const k = randn(shape, 9);
    const m = reshapedKernelMatrix(k, 'depthwiseConv2d');
    expect(m.shape).toEqual([8, 36]);
    const ref = depthwiseReshapedSigma(await k.data(), shape);
    expect(spectralNorm(fromFlat(await m.data(), 8, 36))).toBeCloseTo(ref, 5);
    tf.dispose([k, m]);
  });

  it('matrixOperator is the matrix', async () => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const op = matrixOperator(a);
    expect(await values(op.apply(tf.tensor1d([1, -1])))).toEqual([-1, -1, -1]);
    expect(await values(op.applyTranspose(tf.tensor1d([1, 0, 1])))).toEqual([6, 8]);
    a.dispose();
  });

  it('operator factories reject mismatched shapes with a clear message', () => {
    const k = tf.ones([3, 3, 2, 4]);
    expect(() => conv2dOperator({ kernel: k, inputShape: [8, 8, 3] })).toThrow(
      "Error in conv2dOperator: options.inputShape[2] must be the kernel's input channels 2, but got 3.",
    );
    expect(() => conv2dOperator({ kernel: k, inputShape: [2, 2, 2] })).toThrow(
      'Error in conv2dOperator: options.inputShape must be large enough for the kernel 3x3, but got [2,2,2].',
    );
    expect(() => conv2dOperator({ kernel: k, inputShape: [8, 8, 2], padding: 'causal' as 'same' })).toThrow(
      "Error in conv2dOperator: options.padding must be one of 'valid', 'same', but got 'causal'.",
    );
    expect(() => conv2dTransposeOperator({ kernel: k, inputShape: [4, 4, 4], strides: 2, outputSize: [5, 9] })).toThrow(
      'Error in conv2dTransposeOperator: options.outputSize must be a size whose strided conv2d gives back [4, 4], but got [5,9].',
    );
    expect(() => reshapedKernelMatrix(k, 'dense')).toThrow(
      'Error in reshapedKernelMatrix: kernel must be a tensor of rank 2, but got a float32 tensor of shape [3,3,2,4].',
    );
    k.dispose();
  });

  it('operators do not leak', async () => {
    const k = randn([3, 3, 2, 2], 1);
    const op = conv2dOperator({ kernel: k, inputShape: [5, 5, 2], padding: 'same', dilations: 2 });
    const x = tf.ones([...op.inputShape]);
    await expectNoLeak(() => op.apply(x));
    const y = tf.ones([...op.outputShape]);
    await expectNoLeak(() => op.applyTranspose(y));
    await expectNoLeak(() => reshapedKernelMatrix(k, 'depthwiseConv2d'));
    await expectNoLeak(() => reshapedKernelMatrix(k, 'conv2dTranspose'));
    const m = tf.ones([2, 3]);
    const mop = matrixOperator(m);
    const v = tf.ones([3]);
    await expectNoLeak(() => mop.apply(v));
    tf.dispose([k, x, y, m, v]);
  });
});
