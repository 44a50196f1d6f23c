/**
 * Adversarial losses and MMD on webgl and webgpu: values and input gradients against the cpu
 * backend in the same page; MMD² against a float64 reference written here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  hingeLoss,
  leastSquaresLoss,
  minimaxLoss,
  nonSaturatingLoss,
  relativisticLoss,
  wassersteinLoss,
  type AdversarialLoss,
} from 'smoothgan/losses';
import {
  distanceKernel,
  gaussianKernel,
  inverseMultiquadricKernel,
  mmd2,
  mmdLoss,
  polynomialKernel,
  rationalQuadraticKernel,
  type Kernel,
  type MmdEstimator,
} from 'smoothgan/divergences';
import { randn, seededNormal } from '../helpers/tensors';
import { expectClose, expectLikeCpu, FULL, read, runOn, SUBSET, TOLERANCE } from './_backends';

const LOSSES: Array<[string, () => AdversarialLoss, readonly number[]]> = [
  ['minimax', () => minimaxLoss(), [8]],
  ['minimax, label smoothing 0.1', () => minimaxLoss({ labelSmoothing: 0.1 }), [8]],
  ['nonSaturating', () => nonSaturatingLoss(), [8]],
  ['wasserstein', () => wassersteinLoss(), [8]],
  ['hinge', () => hingeLoss(), [8, 1]],
  ['leastSquares', () => leastSquaresLoss(), [8]],
  ['relativistic sgan average', () => relativisticLoss(), [8]],
  ['relativistic lsgan standard', () => relativisticLoss({ base: 'lsgan', form: 'standard' }), [8]],
  ['relativistic hinge average', () => relativisticLoss({ base: 'hinge' }), [8]],
  ['mmd (rational quadratic, unbiased)', () => mmdLoss(), [8, 3]],
  ['mmd (gaussian, biased)', () => mmdLoss({ kernel: gaussianKernel({ bandwidths: [0.5, 2] }), estimator: 'biased' }), [8, 3]],
];

/** Both sides' values and gradients with respect to the critic outputs. */
async function lossArrays(make: () => AdversarialLoss, shape: readonly number[]): Promise<Record<string, ArrayLike<number>>> {
  const loss = make();
  const real = randn([...shape], 11, 1.5);
  const fake = randn([...shape], 12, 1.5);
  const out = tf.tidy(() => {
    const d = (r: tf.Tensor, f: tf.Tensor) => loss.discriminator({ real: r, fake: f });
    const g = (r: tf.Tensor, f: tf.Tensor) => loss.generator({ real: r, fake: f });
    const [dReal, dFake] = tf.grads(d)([real, fake]);
    // The generator's loss reads D(real) only for relativistic and MMD losses.
    const gGrads = loss.generatorNeedsReal
      ? Object.fromEntries(tf.grads(g)([real, fake]).map((t, i) => [i === 0 ? 'gReal' : 'gFake', t]))
      : { gFake: tf.grad((f: tf.Tensor) => g(real, f))(fake) };
    return { d: d(real, fake), g: g(real, fake), dReal: dReal!, dFake: dFake!, ...gGrads };
  });
  tf.dispose([real, fake]);
  return read(out);
}

describe.each(FULL)('every adversarial loss on %s: values and input gradients vs cpu', (backend) => {
  it.each(LOSSES)('%s', async (name, make, shape) => {
    await expectLikeCpu(backend, `loss ${name}`, () => lossArrays(make, shape));
  });
});

describe.each(SUBSET.filter((b) => b !== 'webgl'))('losses on %s (subset): values vs cpu', (backend) => {
  it.each(LOSSES.filter(([n]) => ['nonSaturating', 'hinge', 'mmd (rational quadratic, unbiased)'].includes(n)))(
    '%s',
    async (name, make, shape) => {
      await expectLikeCpu(backend, `loss ${name}`, () => lossArrays(make, shape));
    },
  );
});

type Vec = number[];
const sq = (x: Vec, y: Vec) => x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0);

/** Float64 MMD² (Gretton et al. 2012), written independently of the library. */
function mmd2Reference(X: Vec[], Y: Vec[], k: (a: Vec, b: Vec) => number, estimator: MmdEstimator): number {
  const m = X.length;
  const n = Y.length;
  if (estimator === 'linear') {
    const h = Math.floor(n / 2);
    let s = 0;
    for (let i = 0; i < h; i++) s += k(X[i]!, X[h + i]!) + k(Y[i]!, Y[h + i]!) - k(X[i]!, Y[h + i]!) - k(X[h + i]!, Y[i]!);
    return s / h;
  }
  const sum = (A: Vec[], B: Vec[], skipDiagonal: boolean) => {
    let s = 0;
    A.forEach((a, i) => B.forEach((b, j) => (skipDiagonal && i === j ? 0 : (s += k(a, b)))));
    return s;
  };
  if (estimator === 'biased') return sum(X, X, false) / (m * m) + sum(Y, Y, false) / (n * n) - (2 * sum(X, Y, false)) / (m * n);
  return sum(X, X, true) / (m * (m - 1)) + sum(Y, Y, true) / (n * (n - 1)) - (2 * sum(X, Y, false)) / (m * n);
}

const KERNELS: Array<[string, () => Kernel, (a: Vec, b: Vec) => number]> = [
  ['gaussian σ∈{1,2}', () => gaussianKernel({ bandwidths: [1, 2] }), (a, b) => Math.exp(-sq(a, b) / 2) + Math.exp(-sq(a, b) / 8)],
  ['rational quadratic α=1', () => rationalQuadraticKernel({ alphas: 1 }), (a, b) => 1 / (1 + sq(a, b) / 2)],
  ['inverse multiquadric', () => inverseMultiquadricKernel(), (a, b) => (1 + sq(a, b)) ** -0.5],
  ['polynomial', () => polynomialKernel(), (a, b) => (a.reduce((s, v, i) => s + v * b[i]!, 0) / a.length + 1) ** 3],
  ['distance', () => distanceKernel(), (a, b) => 0.5 * (Math.sqrt(sq(a, new Array<number>(a.length).fill(0))) + Math.sqrt(sq(b, new Array<number>(b.length).fill(0))) - Math.sqrt(sq(a, b)))],
];
const ESTIMATORS: readonly MmdEstimator[] = ['unbiased', 'biased', 'linear'];
const N = 10;
const D = 3;
const rowsOf = (flat: ArrayLike<number>): Vec[] => Array.from({ length: N }, (_, i) => Array.from(flat).slice(i * D, (i + 1) * D));

/** MMD² and its gradient with respect to x. */
async function mmdArrays(kernel: () => Kernel, estimator: MmdEstimator): Promise<Record<string, ArrayLike<number>>> {
  const k = kernel();
  const x = randn([N, D], 21) as tf.Tensor2D;
  const y = randn([N, D], 22, 1.3) as tf.Tensor2D;
  const out = tf.tidy(() => {
    const f = (xi: tf.Tensor) => mmd2(xi as tf.Tensor2D, y, { kernel: k, estimator });
    return { value: f(x), dx: tf.grad(f)(x) };
  });
  tf.dispose([x, y]);
  return read(out);
}

describe.each(SUBSET)('mmd2 on %s', (backend) => {
  const cases = KERNELS.flatMap(([name, make, k64]) => ESTIMATORS.map((e) => [`${name}, ${e}`, make, k64, e] as const));
  // webgpu: the kernels once each with the unbiased estimator; webgl: every pair.
  const mine = backend === 'webgl' ? cases : cases.filter((c) => c[3] === 'unbiased');
  it.each(mine)('%s: value vs float64, value and gradient vs cpu', async (name, make, k64, estimator) => {
    const got = await expectLikeCpu(backend, `mmd2 ${name}`, () => mmdArrays(make, estimator));
    const X = rowsOf(seededNormal(N * D, 21));
    const Y = rowsOf(seededNormal(N * D, 22, 1.3));
    const ref = mmd2Reference(X, Y, k64, estimator);
    expect(Number.isFinite(ref)).toBe(true);
    // MMD² is a difference of kernel means: float32 rounding scales with the kernel values.
    const kernelScale = X.reduce((s, a) => s + Y.reduce((t, b) => t + Math.abs(k64(a, b)), 0), 0) / (N * N);
    expectClose(backend, `mmd2 ${name}`, { value: got.value! }, { value: [ref] }, TOLERANCE[backend].vsFloat64, 'float64', kernelScale);
  });
});

describe.each(FULL)('mmd2 leaves no tensors behind on %s (long input)', (backend) => {
  it('unbiased gaussian MMD² on 256 × 2 points', async () => {
    const got = await runOn(backend, async () => {
      const k = gaussianKernel({ bandwidths: [1] });
      const x = randn([256, 2], 31) as tf.Tensor2D;
      const y = randn([256, 2], 32) as tf.Tensor2D;
      const v = mmd2(x, y, { kernel: k });
      tf.dispose([x, y]);
      return read({ v });
    });
    expect(Math.abs(got.v![0]!)).toBeLessThan(0.05);
  });
});
