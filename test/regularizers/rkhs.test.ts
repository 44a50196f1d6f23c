import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createObjectiveContext } from 'smoothgan/objectives';
import {
  exactRkhsNormPenalty,
  kernelExpansionCritic,
  randomFourierCritic,
  rkhsNormPenalty,
  type RkhsKernelSpec,
} from 'smoothgan/regularizers';
import { expectNoLeak, randn, seededNormal, values } from '../helpers/tensors';
import { rows } from './_critics';

/** The kernels in float64, written here independently of the library. */
const k64 = (spec: RkhsKernelSpec, x: number[], y: number[]): number => {
  const d2 = x.reduce((s, xi, i) => s + (xi - y[i]!) ** 2, 0);
  if (spec.kind === 'gaussian') return Math.exp(-d2 / (2 * (spec.bandwidth ?? 1) ** 2));
  const a = spec.alpha ?? 1;
  const l = spec.lengthScale ?? 1;
  return (1 + d2 / (2 * a * l * l)) ** -a;
};
const gram64 = (spec: RkhsKernelSpec, xs: number[][], ys: number[][]) => xs.map((x) => ys.map((y) => k64(spec, x, y)));
const quadForm = (a: number[], K: number[][]) => a.reduce((s, ai, i) => s + ai * K[i]!.reduce((t, kij, j) => t + kij * a[j]!, 0), 0);

const kernels: Array<[string, RkhsKernelSpec]> = [
  ['gaussian σ = 0.8', { kind: 'gaussian', bandwidth: 0.8 }],
  ['gaussian σ = 2', { kind: 'gaussian', bandwidth: 2 }],
  ['rational quadratic α = 0.5, ℓ = 1.3', { kind: 'rationalQuadratic', alpha: 0.5, lengthScale: 1.3 }],
];

describe.each(kernels)('kernel expansion critic, %s', (_label, kernel) => {
  it('‖f‖²_H = aᵀKa matches a float64 Gram matrix', async () => {
    const centres = randn([7, 3], 101);
    const coefficients = randn([7], 102);
    const f = kernelExpansionCritic({ centres, coefficients, kernel });
    const got = await expectNoLeak(() => f.rkhsNormSquared());
    const expected = quadForm(Array.from(await coefficients.data()), gram64(kernel, await rows(centres), await rows(centres)));
    expect(Math.abs((await values(got))[0]! - expected) / Math.abs(expected)).toBeLessThan(1e-5);
    got.dispose();
    centres.dispose();
    coefficients.dispose();
  });

  it('f(x) = Σ aᵢ k(cᵢ, x) matches float64 (inputs of any rank are flattened)', async () => {
    const centres = randn([5, 2, 2], 103);
    const coefficients = randn([5], 104);
    const x = randn([4, 2, 2], 105);
    const f = kernelExpansionCritic({ centres, coefficients, kernel });
    const y = await expectNoLeak(() => f.apply(x));
    expect(y.shape).toEqual([4]);
    const a = Array.from(await coefficients.data());
    const K = gram64(kernel, await rows(tf.reshape(x, [4, 4])), await rows(tf.reshape(centres, [5, 4])));
    const expected = K.map((row) => row.reduce((s, kij, j) => s + kij * a[j]!, 0));
    const got = await values(y);
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 5));
    [centres, coefficients, x, y].forEach((t) => t.dispose());
  });

  it('the gradient surrogate with value term is a lower bound of the exact penalty (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.2, max: 3, noNaN: true }),
        async (m, seed, beta2, spread) => {
          const centres = randn([m, 2], seed, spread);
          const coefficients = randn([m], seed + 1);
          const real = randn([5, 2], seed + 2, spread);
          const fake = randn([5, 2], seed + 3, spread);
          const f = kernelExpansionCritic({ centres, coefficients, kernel });
          const exact = exactRkhsNormPenalty({ critic: f, beta2 });
          const bound = rkhsNormPenalty({ beta2, kernel, valueTerm: true, samples: 'realAndFake' });
          const [e, b] = tf.tidy(() => {
            const ctx = createObjectiveContext({ critic: f.apply, real, fake });
            return [exact.evaluate(ctx).total, bound.evaluate(ctx).total];
          });
          const [ev, bv] = [(await values(e))[0]!, (await values(b))[0]!];
          [centres, coefficients, real, fake, e, b].forEach((t) => t.dispose());
          expect(bv).toBeLessThanOrEqual(ev * (1 + 1e-4) + 1e-7);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('the RKHS bound is tight where it should be', () => {
  it('f = a·k(c, ·) sampled at c: f(c)²/κ0 = ‖f‖²_H and ∇f(c) = 0', async () => {
    const centres = tf.tensor2d([[0.3, -0.7]]);
    const coefficients = tf.tensor1d([1.7]);
    const f = kernelExpansionCritic({ centres, coefficients, kernel: { kind: 'gaussian', bandwidth: 0.6 } });
    const beta2 = 0.4;
    const [e, b] = tf.tidy(() => {
      const ctx = createObjectiveContext({ critic: f.apply, real: centres, fake: centres });
      return [
        exactRkhsNormPenalty({ critic: f, beta2 }).evaluate(ctx).total,
        rkhsNormPenalty({ beta2, kernel: f.kernel, valueTerm: true, samples: 'real' }).evaluate(ctx).total,
      ];
    });
    const ev = (await values(e))[0]!;
    expect(ev).toBeCloseTo(1.7 ** 2 / (2 * beta2), 5);
    expect((await values(b))[0]!).toBeCloseTo(ev, 5);
    [centres, coefficients, e, b].forEach((t) => t.dispose());
  });
});

describe('exactRkhsNormPenalty', () => {
  it('is (1/(2β2))·aᵀKa and its gradient in a is (1/β2)·Ka', async () => {
    const kernel: RkhsKernelSpec = { kind: 'gaussian', bandwidth: 1.1 };
    const centres = randn([6, 2], 111);
    const a = tf.variable(randn([6], 112));
    const f = kernelExpansionCritic({ centres, coefficients: a, kernel });
    const beta2 = 0.3;
    const term = exactRkhsNormPenalty({ critic: f, beta2, name: 'norm' });
    expect(term).toMatchObject({ kind: 'term', name: 'norm', beta2, partNames: ['norm'] });
    const real = randn([2, 2], 113);
    const { value, grads } = tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic: f.apply, real, fake: real })).total, [a]);
    const K = gram64(kernel, await rows(centres), await rows(centres));
    const av = Array.from(await a.data());
    expect((await values(value))[0]!).toBeCloseTo(quadForm(av, K) / (2 * beta2), 4);
    const g = await values(grads[a.name]!);
    K.forEach((row, i) => expect(g[i]).toBeCloseTo(row.reduce((s, kij, j) => s + kij * av[j]!, 0) / beta2, 4));
    [centres, a, real, value, grads[a.name]!].forEach((t) => t.dispose());
  });

  it('rejects a critic without a known norm', () => {
    expect(() => exactRkhsNormPenalty({ critic: ((x: tf.Tensor) => x) as never, beta2: 1 })).toThrow(
      'Error in exactRkhsNormPenalty: options.critic must be an RkhsCritic (kernelExpansionCritic or randomFourierCritic), but got',
    );
  });
});

describe('random Fourier feature critic', () => {
  it('φ(x)ᵀφ(y) approximates the Gaussian kernel (D = 4096)', async () => {
    const sigma = 1.5;
    const w = tf.zeros([4096]);
    const f = randomFourierCritic({ weights: w, inputShape: [3], bandwidth: sigma, seed: 5 });
    const x = randn([6, 3], 121);
    const y = randn([5, 3], 122, 1.5);
    const approx = tf.tidy(() => tf.matMul(f.featureMap(x), f.featureMap(y), false, true));
    const K = gram64({ kind: 'gaussian', bandwidth: sigma }, await rows(x), await rows(y));
    const got = await values(approx);
    let worst = 0;
    K.flat().forEach((k, i) => (worst = Math.max(worst, Math.abs(got[i]! - k))));
    expect(worst).toBeLessThan(0.08); // O(1/sqrt(D)) ≈ 0.016 per entry; max over 30 entries
    expect(f.kernel).toEqual({ kind: 'gaussian', bandwidth: sigma });
    f.dispose();
    [w, x, y, approx].forEach((t) => t.dispose());
  });

  it('its RKHS norm is ‖w‖² and f(x) = wᵀφ(x)', async () => {
    const w = tf.tensor1d(Array.from(seededNormal(64, 131)));
    const before = tf.memory().numTensors;
    const f = randomFourierCritic({ weights: w, inputShape: [2, 2], seed: 9 });
    expect(tf.memory().numTensors - before).toBe(2); // frequencies and phases
    const n = await expectNoLeak(() => f.rkhsNormSquared());
    const wv = Array.from(await w.data());
    expect((await values(n))[0]!).toBeCloseTo(wv.reduce((s, v) => s + v * v, 0), 3);
    const x = randn([3, 2, 2], 132);
    const y = await expectNoLeak(() => f.apply(x));
    const phi = await rows(tf.tidy(() => f.featureMap(x)));
    const got = await values(y);
    phi.forEach((p, i) => expect(got[i]).toBeCloseTo(p.reduce((s, pj, j) => s + pj * wv[j]!, 0), 4));
    f.dispose();
    expect(tf.memory().numTensors - before).toBe(4); // n, x, y and nothing of the critic's
    [w, n, x, y].forEach((t) => t.dispose());
  });

  it('rejects inputs of the wrong shape and bad options', () => {
    const w = tf.zeros([8]);
    const f = randomFourierCritic({ weights: w, inputShape: [2] });
    const x = tf.zeros([3, 4]);
    expect(() => f.apply(x)).toThrow('Error in randomFourierCritic.apply: x must be of shape [batch,2], but got a float32 tensor of shape [3,4].');
    expect(() => randomFourierCritic({ weights: w, inputShape: [] })).toThrow('Error in randomFourierCritic: options.inputShape must be a non-empty array of positive integers');
    expect(() => randomFourierCritic({ weights: w, inputShape: [2], bandwidth: 0 })).toThrow('Error in randomFourierCritic: options.bandwidth must be a positive number, but got 0.');
    f.dispose();
    w.dispose();
    x.dispose();
  });
});

describe('kernelExpansionCritic errors', () => {
  it('checks shapes at creation and in apply', () => {
    const c = tf.zeros([4, 2]);
    const a3 = tf.zeros([3]);
    const a4 = tf.zeros([4]);
    expect(() => kernelExpansionCritic({ centres: c, coefficients: a3 })).toThrow(
      'Error in kernelExpansionCritic: options.coefficients must be of shape [4] (one per centre), but got a float32 tensor of shape [3].',
    );
    expect(() => kernelExpansionCritic({ centres: a4, coefficients: a4 })).toThrow(
      'Error in kernelExpansionCritic: options.centres must be a tensor of rank >= 2, but got a float32 tensor of shape [4].',
    );
    expect(() => kernelExpansionCritic({ centres: c, coefficients: a4, kernel: { kind: 'laplace' } as never })).toThrow(
      "Error in kernelExpansionCritic: options.kernel.kind must be 'gaussian' or 'rationalQuadratic', but got 'laplace'.",
    );
    const f = kernelExpansionCritic({ centres: c, coefficients: a4 });
    expect(() => f.apply(a3)).toThrow('Error in kernelExpansionCritic.apply: x must be of shape [batch,2] like the centres, but got a float32 tensor of shape [3].');
    [c, a3, a4].forEach((t) => t.dispose());
  });
});
