/**
 * MMD²: estimators against float64 references, the closed form between Gaussians under a
 * Gaussian kernel (the estimators' means over many resamples), fast-check properties, the
 * MMD-GAN loss, gradients (first and second order), leaks and errors.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enableSecondOrderGradients } from 'smoothgan/autodiff';
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
import { directionalFd, expectNoLeak, randn, seededNormal, values } from '../helpers/tensors';

type Vec = number[];
const sq = (x: Vec, y: Vec) => x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0);
const rows = (flat: ArrayLike<number>, n: number, d: number): Vec[] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => flat[i * d + j]!));
const read = async (t: tf.Tensor): Promise<number> => {
  const v = (await values(t))[0]!;
  t.dispose();
  return v;
};

/** Float64 MMD² estimators, written from Gretton et al. (2012). */
function mmd2Reference(X: Vec[], Y: Vec[], k: (a: Vec, b: Vec) => number, estimator: MmdEstimator): number {
  const m = X.length;
  const n = Y.length;
  if (estimator === 'linear') {
    const h = Math.floor(n / 2);
    let s = 0;
    for (let i = 0; i < h; i++) {
      s += k(X[i]!, X[h + i]!) + k(Y[i]!, Y[h + i]!) - k(X[i]!, Y[h + i]!) - k(X[h + i]!, Y[i]!);
    }
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

const KERNELS: [string, () => Kernel, (a: Vec, b: Vec) => number][] = [
  ['gaussian σ∈{1,2}', () => gaussianKernel({ bandwidths: [1, 2] }), (a, b) => Math.exp(-sq(a, b) / 2) + Math.exp(-sq(a, b) / 8)],
  ['rational quadratic α=1', () => rationalQuadraticKernel({ alphas: 1 }), (a, b) => 1 / (1 + sq(a, b) / 2)],
  ['inverse multiquadric', () => inverseMultiquadricKernel(), (a, b) => (1 + sq(a, b)) ** -0.5],
  ['polynomial (KID)', () => polynomialKernel(), (a, b) => (a.reduce((s, v, i) => s + v * b[i]!, 0) / a.length + 1) ** 3],
  [
    'distance',
    () => distanceKernel(),
    (a, b) => 0.5 * (Math.sqrt(sq(a, a.map(() => 0))) + Math.sqrt(sq(b, b.map(() => 0))) - Math.sqrt(sq(a, b))),
  ],
];
const ESTIMATORS: MmdEstimator[] = ['unbiased', 'biased', 'linear'];

describe('mmd2 against float64 estimators', () => {
  const m = 6;
  const n = 6;
  const d = 3;
  const xs = seededNormal(m * d, 31);
  const ys = Array.from(seededNormal(n * d, 32), (v) => 0.8 * v + 0.4);
  describe.each(KERNELS)('%s', (_name, make, ref) => {
    it.each(ESTIMATORS)('%s', async (estimator) => {
      const v = await read(mmd2(tf.tensor2d(xs, [m, d]), tf.tensor2d(ys, [n, d]), { kernel: make(), estimator }));
      const expected = mmd2Reference(rows(xs, m, d), rows(ys, n, d), ref, estimator);
      expect(Math.abs(v - expected)).toBeLessThan(2e-5 * Math.max(1, Math.abs(expected)) + 2e-6);
    });
  });

  it('unequal sample sizes (unbiased and biased)', async () => {
    const x = tf.tensor2d(xs, [m, d]);
    const y = tf.tensor2d(ys.slice(0, 4 * d), [4, d]);
    for (const estimator of ['unbiased', 'biased'] as const) {
      const v = await read(mmd2(x, y, { kernel: rationalQuadraticKernel({ alphas: 1 }), estimator }));
      expect(v).toBeCloseTo(mmd2Reference(rows(xs, m, d), rows(ys, 4, d), KERNELS[1]![2], estimator), 5);
    }
  });

  it('with the distance kernel, biased MMD² is half the energy distance', async () => {
    const X = rows(xs, m, d);
    const Y = rows(ys, n, d);
    const meanDist = (A: Vec[], B: Vec[]) => A.reduce((s, a) => s + B.reduce((t, b) => t + Math.sqrt(sq(a, b)), 0), 0) / (A.length * B.length);
    const energy = 2 * meanDist(X, Y) - meanDist(X, X) - meanDist(Y, Y);
    const v = await read(mmd2(tf.tensor2d(xs, [m, d]), tf.tensor2d(ys, [n, d]), { kernel: distanceKernel(), estimator: 'biased' }));
    expect(v).toBeCloseTo(energy / 2, 5);
  });
});

/**
 * Closed form for P = N(μ1, s1²·I_d), Q = N(μ2, s2²·I_d) and k = exp(−‖x − y‖²/(2σ²)):
 * E k(z) for z ~ N(m, τ²·I_d) is (σ²/(σ² + τ²))^{d/2}·exp(−‖m‖²/(2(σ² + τ²))), so
 * MMD² = (σ²/(σ²+2s1²))^{d/2} + (σ²/(σ²+2s2²))^{d/2} − 2(σ²/(σ²+s1²+s2²))^{d/2}·exp(−‖μ1−μ2‖²/(2(σ²+s1²+s2²))).
 */
describe('closed form between Gaussians under a Gaussian kernel', () => {
  const d = 2;
  const sigma = 1;
  const s1 = 1;
  const s2 = 1.3;
  const delta = [0.6, -0.3];
  const e = (tau2: number, m2: number) => (sigma ** 2 / (sigma ** 2 + tau2)) ** (d / 2) * Math.exp(-m2 / (2 * (sigma ** 2 + tau2)));
  const kxx = e(2 * s1 * s1, 0);
  const kyy = e(2 * s2 * s2, 0);
  const closed = kxx + kyy - 2 * e(s1 * s1 + s2 * s2, delta[0]! ** 2 + delta[1]! ** 2);
  const R = 300;
  const m = 10;

  async function estimates(estimator: MmdEstimator): Promise<number[]> {
    const kernel = gaussianKernel({ bandwidths: sigma });
    const xAll = tf.tensor2d(seededNormal(R * m * d, 41, s1), [R * m, d]);
    const yAll = tf.add(tf.tensor2d(seededNormal(R * m * d, 42, s2), [R * m, d]), tf.tensor1d(delta)) as tf.Tensor2D;
    const out = tf.tidy(() =>
      tf.stack(
        Array.from({ length: R }, (_, r) =>
          mmd2(tf.slice(xAll, [r * m, 0], [m, d]), tf.slice(yAll, [r * m, 0], [m, d]), { kernel, estimator }),
        ),
      ),
    );
    const v = await values(out);
    tf.dispose([xAll, yAll, out]);
    return v;
  }
  const stats = (v: number[]) => {
    const mu = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mu) ** 2, 0) / (v.length - 1));
    return { mu, se: sd / Math.sqrt(v.length) };
  };

  it('the unbiased estimator averages to the closed form', async () => {
    const { mu, se } = stats(await estimates('unbiased'));
    expect(Math.abs(mu - closed)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.2 * closed); // the check has power
  });

  it('the linear-time estimator averages to the closed form', async () => {
    const { mu, se } = stats(await estimates('linear'));
    expect(Math.abs(mu - closed)).toBeLessThan(4 * se);
  });

  it('the biased estimator averages to the closed form plus its known bias (k(0) − E k)/m per side', async () => {
    const { mu, se } = stats(await estimates('biased'));
    const expected = closed + (1 - kxx) / m + (1 - kyy) / m;
    expect(Math.abs(mu - expected)).toBeLessThan(4 * se);
    expect(mu - closed).toBeGreaterThan(4 * se);
  });
});

describe('properties (fast-check)', () => {
  const sample = fc.record({
    m: fc.integer({ min: 2, max: 6 }),
    n: fc.integer({ min: 2, max: 6 }),
    d: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
    scale: fc.double({ min: 0.1, max: 3, noNaN: true }),
    shift: fc.double({ min: -2, max: 2, noNaN: true }),
    kernel: fc.integer({ min: 0, max: KERNELS.length - 1 }),
  });
  const tensors = (s: { m: number; n: number; d: number; seed: number; scale: number; shift: number }) => {
    const x = tf.tensor2d(seededNormal(s.m * s.d, s.seed), [s.m, s.d]);
    const y = tf.add(tf.tensor2d(seededNormal(s.n * s.d, s.seed + 1, s.scale), [s.n, s.d]), s.shift) as tf.Tensor2D;
    return { x, y };
  };

  it('biased MMD² ≥ 0', async () => {
    await fc.assert(
      fc.asyncProperty(sample, async (s) => {
        const { x, y } = tensors(s);
        const v = await read(mmd2(x, y, { kernel: KERNELS[s.kernel]![1](), estimator: 'biased' }));
        tf.dispose([x, y]);
        expect(v).toBeGreaterThanOrEqual(-1e-5);
      }),
      { numRuns: 40 },
    );
  });

  it('MMD² is symmetric in its samples for every estimator', async () => {
    await fc.assert(
      fc.asyncProperty(sample, async (s) => {
        const { x, y } = tensors({ ...s, n: s.m });
        const kernel = KERNELS[s.kernel]![1]();
        for (const estimator of ESTIMATORS) {
          const a = await read(mmd2(x, y, { kernel, estimator }));
          const b = await read(mmd2(y, x, { kernel, estimator }));
          expect(Math.abs(a - b)).toBeLessThan(1e-4 * Math.max(1, Math.abs(a)));
        }
        tf.dispose([x, y]);
      }),
      { numRuns: 25 },
    );
  });

  it('biased and linear MMD² are 0 for identical samples', async () => {
    await fc.assert(
      fc.asyncProperty(sample, async (s) => {
        const { x } = tensors(s);
        const copy = tf.clone(x) as tf.Tensor2D;
        const kernel = KERNELS[s.kernel]![1]();
        for (const estimator of ['biased', 'linear'] as const) {
          const v = await read(mmd2(x, copy, { kernel, estimator }));
          // The distance kernel takes a square root of float32 squared distances, whose rounding
          // (~1e-7·spread²) becomes ~3e-4·spread on coincident points; smooth kernels are exact to 1e-5.
          expect(Math.abs(v), `${kernel.name} ${estimator}`).toBeLessThan(kernel.name === 'distance' ? 1e-3 : 1e-5);
        }
        tf.dispose([x, copy]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('mmdLoss', () => {
  it('is −MMD² for the critic and +MMD² for the generator on flattened features', async () => {
    const real = randn([8, 2, 2, 1], 51);
    const fake = randn([8, 2, 2, 1], 52, 1.5);
    const loss = mmdLoss();
    expect(loss).toMatchObject({ name: 'mmd', estimator: 'unbiased', generatorNeedsReal: true });
    expect(loss.kernel.name).toBe('rational-quadratic');
    const expected = await read(mmd2(tf.reshape(real, [8, 4]), tf.reshape(fake, [8, 4]), { kernel: rationalQuadraticKernel() }));
    expect(await read(loss.discriminator({ real, fake }))).toBeCloseTo(-expected, 6);
    expect(await read(loss.generator({ real, fake }))).toBeCloseTo(expected, 6);
  });

  it('rejects features of different sizes and too few rows', () => {
    const loss = mmdLoss({ estimator: 'linear' });
    expect(() => loss.generator({ real: tf.zeros([4, 3]), fake: tf.zeros([4, 2]) })).toThrow(
      'Error in mmdLoss.generator: outputs.fake must be a tensor with 3 features per example like outputs.real, but got a float32 tensor of shape [4,2].',
    );
    expect(() => loss.generator({ real: tf.zeros([4, 3]), fake: tf.zeros([3, 3]) })).toThrow(
      "Error in mmdLoss.generator: outputs.fake must be of shape [4,3] like outputs.real (estimator 'linear' pairs rows), but got a float32 tensor of shape [3,3].",
    );
    expect(() => mmdLoss({ kernel: {} as Kernel })).toThrow(
      /^Error in mmdLoss: options\.kernel must be a kernel \(an object of kind 'kernel', e\.g\. gaussianKernel\(\)\), but got/,
    );
  });
});

describe('mmd2 gradients, leaks and errors', () => {
  const x = () => randn([6, 3], 61);
  const y = () => randn([6, 3], 62, 1.4);

  it.each(ESTIMATORS)('%s: gradient matches finite differences (gaussian and distance kernels)', async (estimator) => {
    for (const kernel of [gaussianKernel({ bandwidths: [0.5, 2] }), distanceKernel()]) {
      const yt = y() as tf.Tensor2D;
      const f = (a: tf.Tensor) => mmd2(a as tf.Tensor2D, yt, { kernel, estimator });
      const xt = x();
      const dir = randn([6, 3], 63);
      const grad = tf.grad(f)(xt);
      expect((await values(grad)).every(Number.isFinite)).toBe(true);
      const analytic = (await values(tf.sum(tf.mul(grad, dir))))[0]!;
      const fd = directionalFd(f, xt, dir, 1e-2);
      expect(Math.abs(analytic - fd)).toBeLessThan(1e-2 * Math.max(0.1, Math.abs(fd)));
    }
  });

  it('supports second-order gradients (a gradient penalty on the witness) after enableSecondOrderGradients()', async () => {
    enableSecondOrderGradients();
    const kernel = gaussianKernel({ bandwidths: [1, 2] });
    const yt = y() as tf.Tensor2D;
    const penalty = (a: tf.Tensor) => tf.sum(tf.square(tf.grad((b: tf.Tensor) => mmd2(b as tf.Tensor2D, yt, { kernel }))(a))) as tf.Scalar;
    const xt = x();
    const dir = randn([6, 3], 64);
    const grad = tf.grad(penalty)(xt);
    const analytic = (await values(tf.sum(tf.mul(grad, dir))))[0]!;
    const fd = directionalFd(penalty, xt, dir, 1e-2);
    expect(Math.abs(analytic - fd)).toBeLessThan(2e-2 * Math.max(0.01, Math.abs(fd)));
  });

  it('leaks no tensors', async () => {
    const xt = x() as tf.Tensor2D;
    const yt = y() as tf.Tensor2D;
    for (const estimator of ESTIMATORS) {
      (await expectNoLeak(() => mmd2(xt, yt, { kernel: rationalQuadraticKernel(), estimator }))).dispose();
    }
    const before = tf.memory().numTensors;
    expect(() => mmd2(xt, yt, { kernel: undefined as never })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [{ kernel: undefined }, "Error in mmd2: options.kernel must be a kernel (an object of kind 'kernel', e.g. gaussianKernel()), but got undefined."],
    [{ kernel: 'gaussian' }, "Error in mmd2: options.kernel must be a kernel (an object of kind 'kernel', e.g. gaussianKernel()), but got 'gaussian'."],
    [{ estimator: 'quadratic' }, "Error in mmd2: options.estimator must be one of 'unbiased', 'biased', 'linear', but got 'quadratic'."],
  ])('rejects options %j', (opts, message) => {
    expect(() => mmd2(x() as tf.Tensor2D, y() as tf.Tensor2D, { kernel: gaussianKernel(), ...opts } as never)).toThrow(message);
  });

  it('rejects bad samples', () => {
    const kernel = gaussianKernel();
    expect(() => mmd2(tf.zeros([4]) as never, y() as tf.Tensor2D, { kernel })).toThrow(
      'Error in mmd2: x must be a tensor of rank 2, but got a float32 tensor of shape [4].',
    );
    expect(() => mmd2(x() as tf.Tensor2D, tf.zeros([4, 2]) as tf.Tensor2D, { kernel })).toThrow(
      'Error in mmd2: y must be of shape [m,3] (the same feature size as x), but got a float32 tensor of shape [4,2].',
    );
    expect(() => mmd2(tf.zeros([1, 3]) as tf.Tensor2D, y() as tf.Tensor2D, { kernel })).toThrow(
      "Error in mmd2: x must be a tensor with at least 2 rows for estimator 'unbiased', but got a float32 tensor of shape [1,3].",
    );
    expect(() => mmd2(x() as tf.Tensor2D, tf.zeros([5, 3]) as tf.Tensor2D, { kernel, estimator: 'linear' })).toThrow(
      "Error in mmd2: y must be of shape [6,3] like x (estimator 'linear' pairs rows), but got a float32 tensor of shape [5,3].",
    );
    expect(() => mmd2(tf.zeros([2, 3], 'int32') as tf.Tensor2D, y() as tf.Tensor2D, { kernel })).toThrow(
      'Error in mmd2: x must be a float32 tensor, but got an int32 tensor of shape [2,3].',
    );
  });
});
