/**
 * Kernels: Gram matrices and paired values against float64 formulas, gradients against finite
 * differences, translation invariance far from the origin, leaks and errors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  distanceKernel,
  gaussianKernel,
  inverseMultiquadricKernel,
  polynomialKernel,
  rationalQuadraticKernel,
  type Kernel,
} from 'smoothgan/divergences';
import { directionalFd, expectAllClose, expectNoLeak, randn, seededNormal, values } from '../helpers/tensors';

type Vec = number[];
const sq = (x: Vec, y: Vec) => x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0);
const dot = (x: Vec, y: Vec) => x.reduce((s, v, i) => s + v * y[i]!, 0);
const norm = (x: Vec) => Math.sqrt(dot(x, x));

interface Case {
  readonly make: () => Kernel;
  readonly ref: (x: Vec, y: Vec) => number;
  readonly stationary: boolean;
}
const CASES: Record<string, Case> = {
  'gaussian σ=1': { make: () => gaussianKernel(), ref: (x, y) => Math.exp(-sq(x, y) / 2), stationary: true },
  'gaussian σ∈{0.5,2,4}': {
    make: () => gaussianKernel({ bandwidths: [0.5, 2, 4] }),
    ref: (x, y) => [0.5, 2, 4].reduce((s, b) => s + Math.exp(-sq(x, y) / (2 * b * b)), 0),
    stationary: true,
  },
  'rational quadratic (default α)': {
    make: () => rationalQuadraticKernel(),
    ref: (x, y) => [0.2, 0.5, 1, 2, 5].reduce((s, a) => s + (1 + sq(x, y) / (2 * a)) ** -a, 0),
    stationary: true,
  },
  'inverse multiquadric c=2, β=1.5': {
    make: () => inverseMultiquadricKernel({ scale: 2, exponent: 1.5 }),
    ref: (x, y) => (1 + sq(x, y) / 4) ** -1.5,
    stationary: true,
  },
  'polynomial (KID: degree 3, γ=1/d, c=1)': {
    make: () => polynomialKernel(),
    ref: (x, y) => (dot(x, y) / x.length + 1) ** 3,
    stationary: false,
  },
  'polynomial degree 2, γ=0.5, c=−1': {
    make: () => polynomialKernel({ degree: 2, gamma: 0.5, coef: -1 }),
    ref: (x, y) => (0.5 * dot(x, y) - 1) ** 2,
    stationary: false,
  },
  'distance q=1': {
    make: () => distanceKernel(),
    ref: (x, y) => 0.5 * (norm(x) + norm(y) - Math.sqrt(sq(x, y))),
    stationary: false,
  },
  'distance q=1.5': {
    make: () => distanceKernel({ exponent: 1.5 }),
    ref: (x, y) => 0.5 * (norm(x) ** 1.5 + norm(y) ** 1.5 - Math.sqrt(sq(x, y)) ** 1.5),
    stationary: false,
  },
};

const rows = (flat: ArrayLike<number>, n: number, d: number): Vec[] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => flat[i * d + j]!));

describe.each(Object.entries(CASES))('kernel %s', (_name, c) => {
  const k = c.make();
  const n = 5;
  const m = 4;
  const d = 3;
  const xs = seededNormal(n * d, 21);
  const ys = seededNormal(m * d, 22);
  const X = rows(xs, n, d);
  const Y = rows(ys, m, d);
  const x = () => tf.tensor2d(xs, [n, d]);
  const y = () => tf.tensor2d(ys, [m, d]);

  it('is a frozen kernel object', () => {
    expect(Object.isFrozen(k)).toBe(true);
    expect(k.kind).toBe('kernel');
    expect(typeof k.name).toBe('string');
  });

  it('gram(x, y) matches the float64 formula', async () => {
    const g = k.gram(x() as tf.Tensor2D, y() as tf.Tensor2D);
    expect(g.shape).toEqual([n, m]);
    expectAllClose(await values(g), X.flatMap((a) => Y.map((b) => c.ref(a, b))), 2e-5, 2e-5);
  });

  it('gram(x, x) is symmetric with the exact diagonal k(x, x)', async () => {
    const xt = x() as tf.Tensor2D;
    const g = await values(k.gram(xt, xt));
    expectAllClose(g, X.flatMap((a) => X.map((b) => c.ref(a, b))), 2e-5, 2e-5);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(g[i * n + j]).toBe(g[j * n + i]);
  });

  it('paired(x, y) matches k(x_i, y_i)', async () => {
    const x2 = tf.slice(x(), [0, 0], [m, d]) as tf.Tensor2D;
    const p = k.paired(x2, y() as tf.Tensor2D);
    expect(p.shape).toEqual([m]);
    expectAllClose(await values(p), Y.map((b, i) => c.ref(X[i]!, b)), 2e-5, 2e-5);
  });

  it('has gradients that match finite differences, finite on gram(x, x)', async () => {
    const weights = randn([n, m], 23);
    const dir = randn([n, d], 24);
    const yt = y() as tf.Tensor2D;
    const f = (a: tf.Tensor) => tf.sum(tf.mul(k.gram(a as tf.Tensor2D, yt), weights)) as tf.Scalar;
    const xt = x();
    const grad = tf.grad(f)(xt);
    const analytic = (await values(tf.sum(tf.mul(grad, dir))))[0]!;
    const fd = directionalFd(f, xt, dir, 1e-2);
    expect(Math.abs(analytic - fd)).toBeLessThan(1e-2 * Math.max(1, Math.abs(fd)));
    const self = tf.grad((a: tf.Tensor) => tf.sum(k.gram(a as tf.Tensor2D, a as tf.Tensor2D)) as tf.Scalar)(xt);
    expect((await values(self)).every(Number.isFinite)).toBe(true);
  });

  if (c.stationary) {
    it('is accurate far from the origin (translation invariance)', async () => {
      const shift = 1000;
      const g = await values(k.gram(tf.add(x(), shift) as tf.Tensor2D, tf.add(y(), shift) as tf.Tensor2D));
      expectAllClose(g, X.flatMap((a) => Y.map((b) => c.ref(a, b))), 1e-3, 1e-3);
    });
  }

  it('leaks no tensors', async () => {
    const xt = x() as tf.Tensor2D;
    const yt = y() as tf.Tensor2D;
    (await expectNoLeak(() => k.gram(xt, yt))).dispose();
    (await expectNoLeak(() => k.gram(xt, xt))).dispose();
    const head = tf.slice(xt, [0, 0], [m, d]) as tf.Tensor2D;
    (await expectNoLeak(() => k.paired(head, yt))).dispose();
  });

  it('rejects bad inputs', () => {
    expect(() => k.gram(tf.zeros([3]) as never, y() as tf.Tensor2D)).toThrow(/^Error in \w+\.gram: x must be a tensor of rank 2, but got a float32 tensor of shape \[3\]\./);
    expect(() => k.gram(x() as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(
      /^Error in \w+\.gram: y must be of shape \[m,3\] \(the same feature size as x\), but got a float32 tensor of shape \[2,4\]\./,
    );
    expect(() => k.gram(tf.zeros([2, 3], 'int32') as tf.Tensor2D, y() as tf.Tensor2D)).toThrow(/x must be a float32 tensor/);
    expect(() => k.paired(x() as tf.Tensor2D, y() as tf.Tensor2D)).toThrow(/^Error in \w+\.paired: y must be of shape \[5,3\] like x/);
  });
});

describe('kernel factories', () => {
  it.each([
    [() => gaussianKernel({ bandwidths: 0 }), 'Error in gaussianKernel: options.bandwidths must be a positive number, but got 0.'],
    [() => gaussianKernel({ bandwidths: [] }), 'Error in gaussianKernel: options.bandwidths must be a positive number or a non-empty array of them, but got [].'],
    [() => gaussianKernel({ bandwidths: [1, -2] }), 'Error in gaussianKernel: options.bandwidths[1] must be a positive number, but got -2.'],
    [() => rationalQuadraticKernel({ alphas: [NaN] }), 'Error in rationalQuadraticKernel: options.alphas[0] must be a finite number, but got NaN.'],
    [() => inverseMultiquadricKernel({ exponent: 0 }), 'Error in inverseMultiquadricKernel: options.exponent must be a positive number, but got 0.'],
    [() => polynomialKernel({ degree: 2.5 }), 'Error in polynomialKernel: options.degree must be an integer >= 1, but got 2.5.'],
    [() => distanceKernel({ exponent: 2.5 }), 'Error in distanceKernel: options.exponent must be a number in (0, 2], but got 2.5.'],
  ])('%#', (make, message) => expect(make).toThrow(message));

  it('exposes hyperparameters', () => {
    expect(gaussianKernel({ bandwidths: 2 }).bandwidths).toEqual([2]);
    expect(rationalQuadraticKernel().alphas).toEqual([0.2, 0.5, 1, 2, 5]);
    expect(polynomialKernel()).toMatchObject({ degree: 3, gamma: undefined, coef: 1 });
    expect(inverseMultiquadricKernel()).toMatchObject({ scale: 1, exponent: 0.5 });
    expect(distanceKernel().exponent).toBe(1);
  });
});
