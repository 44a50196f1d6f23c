/**
 * Loss values against float64 reference formulas, reductions by hand, and the closed-form
 * optimal discriminators and optimal values (pointwise, and integrated for two Gaussians).
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
  type LossReduction,
} from 'smoothgan/losses';
import { expectAllClose, seededNormal, values } from '../helpers/tensors';

const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const read = async (t: tf.Tensor): Promise<number> => {
  const v = (await values(t))[0]!;
  t.dispose();
  return v;
};

const real = Array.from(seededNormal(7, 1, 2));
const fake = Array.from(seededNormal(7, 2, 2));
// Tensors are created inside tests, after the backend is ready.
const rT = (): tf.Tensor => tf.tensor1d(real);
const fT = (): tf.Tensor => tf.tensor1d(fake);

describe('loss values against float64 formulas', () => {
  const relu = (x: number) => Math.max(0, x);
  const cases: [string, AdversarialLoss, number, number][] = [
    [
      'minimax',
      minimaxLoss(),
      mean(real.map((h) => softplus(-h))) + mean(fake.map((h) => softplus(h))),
      -mean(fake.map((h) => softplus(h))),
    ],
    [
      'minimax, smoothing 0.2 (target 0.8)',
      minimaxLoss({ labelSmoothing: 0.2 }),
      mean(real.map((h) => 0.8 * softplus(-h) + 0.2 * softplus(h))) + mean(fake.map((h) => softplus(h))),
      -mean(fake.map((h) => softplus(h))),
    ],
    [
      'nonSaturating',
      nonSaturatingLoss(),
      mean(real.map((h) => softplus(-h))) + mean(fake.map((h) => softplus(h))),
      mean(fake.map((h) => softplus(-h))),
    ],
    ['wasserstein', wassersteinLoss(), mean(fake) - mean(real), -mean(fake)],
    [
      'hinge margins 2 / 0.5',
      hingeLoss({ realMargin: 2, fakeMargin: 0.5 }),
      mean(real.map((h) => relu(2 - h))) + mean(fake.map((h) => relu(0.5 + h))),
      -mean(fake),
    ],
    [
      'leastSquares (-1, 1, 0)',
      leastSquaresLoss({ a: -1, b: 1, c: 0 }),
      0.5 * mean(real.map((h) => (h - 1) ** 2)) + 0.5 * mean(fake.map((h) => (h + 1) ** 2)),
      0.5 * mean(fake.map((h) => h * h)),
    ],
  ];
  // Relativistic losses, straight from Jolicoeur-Martineau (2019) (theory.md §5.9).
  const mr = mean(real);
  const mf = mean(fake);
  const f1 = {
    sgan: (y: number) => -Math.log(1 / (1 + Math.exp(-y))),
    lsgan: (y: number) => (y - 1) ** 2,
    hinge: (y: number) => relu(1 - y),
  };
  const f2 = {
    sgan: (y: number) => -Math.log(1 - 1 / (1 + Math.exp(-y))),
    lsgan: (y: number) => (y + 1) ** 2,
    hinge: (y: number) => relu(1 + y),
  };
  for (const base of ['sgan', 'lsgan', 'hinge'] as const) {
    cases.push([
      `relativistic average ${base}`,
      relativisticLoss({ base, form: 'average' }),
      mean(real.map((r) => f1[base](r - mf))) + mean(fake.map((f) => f2[base](f - mr))),
      mean(fake.map((f) => f1[base](f - mr))) + mean(real.map((r) => f2[base](r - mf))),
    ]);
    cases.push([
      `relativistic standard ${base}`,
      relativisticLoss({ base, form: 'standard' }),
      mean(real.map((r, i) => f1[base](r - fake[i]!))),
      mean(real.map((r, i) => f1[base](fake[i]! - r))),
    ]);
  }
  cases.push([
    'relativistic average sgan, smoothing 0.1',
    relativisticLoss({ labelSmoothing: 0.1 }),
    mean(real.map((r) => 0.9 * f1.sgan(r - mf) + 0.1 * f2.sgan(r - mf))) + mean(fake.map((f) => f2.sgan(f - mr))),
    mean(fake.map((f) => f1.sgan(f - mr))) + mean(real.map((r) => f2.sgan(r - mf))),
  ]);

  it.each(cases)('%s', async (_name, loss, dExpected, gExpected) => {
    const d = await read(loss.discriminator({ real: rT(), fake: fT() }));
    const g = await read(loss.generator({ real: rT(), fake: fT() }));
    expectAllClose([d, g], [dExpected, gExpected], 1e-5, 1e-5);
  });

  it('relativistic average form takes batch means position by position for maps', async () => {
    // Two examples of a 1×2 map: means over the batch are per position.
    const r = [
      [1, 4],
      [3, -2],
    ];
    const f = [
      [0, 1],
      [2, 5],
    ];
    const mrp = [2, 1];
    const mfp = [1, 3];
    const perEx = (rows: number[][], other: number[], fn: (y: number) => number) =>
      mean(rows.map((row) => mean(row.map((v, j) => fn(v - other[j]!)))));
    const expected = perEx(r, mfp, f1.lsgan) + perEx(f, mrp, f2.lsgan);
    const loss = relativisticLoss({ base: 'lsgan' });
    const d = await read(loss.discriminator({ real: tf.tensor4d(r.flat(), [2, 1, 2, 1]), fake: tf.tensor4d(f.flat(), [2, 1, 2, 1]) }));
    expect(d).toBeCloseTo(expected, 5);
  });
});

describe('reductions and weights', () => {
  const w = [0, 2, 0.5, 0, 1, 3, 0];
  const wf = [1, 1, 1, 1, 0, 0, 2];
  const lr = real.map((h) => Math.max(0, 1 - h));
  const lf = fake.map((h) => Math.max(0, 1 + h));
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const nz = (a: number[]) => a.filter((v) => v !== 0).length;
  const expected: Record<LossReduction, number> = {
    sum: dot(lr, w) + dot(lf, wf),
    mean: dot(lr, w) / 7 + dot(lf, wf) / 7,
    sumByNonzeroWeights: dot(lr, w) / nz(w) + dot(lf, wf) / nz(wf),
  };
  it.each(Object.entries(expected))('%s', async (reduction, value) => {
    const loss = hingeLoss({ reduction: reduction as LossReduction });
    const d = await read(loss.discriminator({ real: rT(), fake: fT(), realWeights: tf.tensor1d(w), fakeWeights: tf.tensor1d(wf) }));
    expect(d).toBeCloseTo(value, 5);
  });
  it("'sumByNonzeroWeights' is the batch mean without weights and 0 when every weight is 0", async () => {
    const loss = hingeLoss();
    expect(loss.reduction).toBe('sumByNonzeroWeights');
    expect(await read(loss.discriminator({ real: rT(), fake: fT() }))).toBeCloseTo(mean(lr) + mean(lf), 5);
    expect(await read(loss.discriminator({ real: rT(), fake: fT(), realWeights: tf.zeros([7]), fakeWeights: 0 }))).toBe(0);
    const scalarW = await read(loss.discriminator({ real: rT(), fake: fT(), realWeights: tf.scalar(2), fakeWeights: 2 }));
    expect(scalarW).toBeCloseTo(2 * (mean(lr) + mean(lf)), 5);
  });
  it('weights the pairs of the standard relativistic form by the product of both sides', async () => {
    const loss = relativisticLoss({ base: 'hinge', form: 'standard', reduction: 'sum' });
    const d = await read(loss.discriminator({ real: rT(), fake: fT(), realWeights: tf.tensor1d(w), fakeWeights: tf.tensor1d(wf) }));
    const pairs = real.map((r, i) => Math.max(0, 1 - (r - fake[i]!)));
    expect(d).toBeCloseTo(pairs.reduce((s, v, i) => s + v * w[i]! * wf[i]!, 0), 5);
  });
});

/**
 * Pointwise optimum: with densities p (real) and q (fake) at a point, the discriminator's
 * loss at that point is L(h) = p·ℓ_real(h) + q·ℓ_fake(h), which the loss computes with
 * weights p and q and reduction 'sum'.
 */
describe('optimal discriminators (pointwise)', () => {
  const pointLoss = (loss: AdversarialLoss, p: number, q: number) => (h: tf.Tensor) =>
    loss.discriminator({ real: h, fake: h, realWeights: p, fakeWeights: q });
  const densities: [number, number][] = [
    [0.7, 0.2],
    [0.1, 0.9],
    [0.5, 0.5],
  ];

  async function checkOptimum(loss: AdversarialLoss, p: number, q: number, hStar: number, value: number) {
    const L = pointLoss(loss, p, q);
    const at = tf.tensor1d([hStar]);
    expect(await read(L(at))).toBeCloseTo(value, 5);
    const grad = tf.grad(L)(at);
    expect(Math.abs((await values(grad))[0]!)).toBeLessThan(1e-5);
    for (const delta of [-0.3, 0.3]) expect(await read(L(tf.tensor1d([hStar + delta])))).toBeGreaterThan(value);
  }

  it.each(densities)('logistic (minimax / non-saturating): h* = log(p/q), p = %s, q = %s', async (p, q) => {
    const value = p * Math.log1p(q / p) + q * Math.log1p(p / q);
    await checkOptimum(minimaxLoss({ reduction: 'sum' }), p, q, Math.log(p / q), value);
    await checkOptimum(nonSaturatingLoss({ reduction: 'sum' }), p, q, Math.log(p / q), value);
  });

  it.each(densities)('logistic with label smoothing 0.2: h* = log(0.8p / (0.2p + q)), p = %s, q = %s', async (p, q) => {
    const s = 0.2;
    const hStar = Math.log(((1 - s) * p) / (s * p + q));
    const value = p * ((1 - s) * softplus(-hStar) + s * softplus(hStar)) + q * softplus(hStar);
    await checkOptimum(nonSaturatingLoss({ reduction: 'sum', labelSmoothing: s }), p, q, hStar, value);
  });

  it.each(densities)('least squares: D* = (b·p + a·q)/(p + q), p = %s, q = %s', async (p, q) => {
    for (const [a, b] of [
      [0, 1],
      [-1, 1],
    ] as const) {
      const value = (0.5 * (b - a) ** 2 * p * q) / (p + q);
      await checkOptimum(leastSquaresLoss({ a, b, reduction: 'sum' }), p, q, (b * p + a * q) / (p + q), value);
    }
  });

  it.each(densities.filter(([p, q]) => p !== q))('hinge: C* = ±1 with value 2·min(p, q), p = %s, q = %s', async (p, q) => {
    const L = pointLoss(hingeLoss({ reduction: 'sum' }), p, q);
    const hStar = p > q ? 1 : -1;
    expect(await read(L(tf.tensor1d([hStar])))).toBeCloseTo(2 * Math.min(p, q), 5);
    for (let h = -3; h <= 3; h += 0.25) {
      expect(await read(L(tf.tensor1d([h])))).toBeGreaterThanOrEqual(2 * Math.min(p, q) - 1e-6);
    }
  });
});

/** Integrated optima for p_data = N(0, 1), p_model = N(μ, 1), by quadrature on a grid. */
describe('optimal values for two Gaussians', () => {
  const mu = 1.5;
  const dx = 0.01;
  const xs = Array.from({ length: 1601 }, (_, i) => -7 + i * dx);
  const phi = (x: number, m: number) => Math.exp(-0.5 * (x - m) ** 2) / Math.sqrt(2 * Math.PI);
  const p = xs.map((x) => phi(x, 0));
  const q = xs.map((x) => phi(x, mu));
  const integrate = (f: (i: number) => number) => xs.reduce((s, _x, i) => s + f(i) * dx, 0);
  const weighted = (loss: AdversarialLoss, critic: number[]) =>
    read(
      loss.discriminator({
        real: tf.tensor1d(critic),
        fake: tf.tensor1d(critic),
        realWeights: tf.tensor1d(p.map((v) => v * dx)),
        fakeWeights: tf.tensor1d(q.map((v) => v * dx)),
      }),
    );
  // erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7).
  const erf = (x: number) => {
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
    return Math.sign(x) * y;
  };

  it('logistic: min L_D = log 4 − 2·JS(p_data ‖ p_model), at h* = log(p/q) = μ²/2 − μx', async () => {
    const m = p.map((v, i) => (v + q[i]!) / 2);
    const js = 0.5 * integrate((i) => p[i]! * Math.log(p[i]! / m[i]!)) + 0.5 * integrate((i) => q[i]! * Math.log(q[i]! / m[i]!));
    const d = await weighted(minimaxLoss({ reduction: 'sum' }), xs.map((x) => (mu * mu) / 2 - mu * x));
    expect(d).toBeCloseTo(Math.log(4) - 2 * js, 4);
  });

  it('hinge: min L_D = 2 − 2·TV with TV = erf(μ / (2√2)), at C* = sign(p − q)', async () => {
    const d = await weighted(hingeLoss({ reduction: 'sum' }), xs.map((x) => (x < mu / 2 ? 1 : -1)));
    expect(d).toBeCloseTo(2 - 2 * erf(mu / (2 * Math.SQRT2)), 3);
  });

  it('least squares (−1, 1, 0): min L_D = 2·∫ p·q / (p + q)', async () => {
    const d = await weighted(leastSquaresLoss({ a: -1, b: 1, c: 0, reduction: 'sum' }), p.map((v, i) => (v - q[i]!) / (v + q[i]!)));
    expect(d).toBeCloseTo(2 * integrate((i) => (p[i]! * q[i]!) / (p[i]! + q[i]!)), 4);
  });

  it('Wasserstein: at the potential C(x) = −x, −L_D = W1 = μ', async () => {
    const d = await weighted(wassersteinLoss({ reduction: 'sum' }), xs.map((x) => -x));
    expect(-d).toBeCloseTo(mu, 3);
  });
});

describe('factory checks', () => {
  it.each([
    [() => minimaxLoss({ labelSmoothing: 1 }), 'Error in minimaxLoss: options.labelSmoothing must be a number in [0, 1), but got 1.'],
    [() => nonSaturatingLoss({ labelSmoothing: -0.1 }), 'Error in nonSaturatingLoss: options.labelSmoothing must be a number in [0, 1), but got -0.1.'],
    [
      () => wassersteinLoss({ reduction: 'avg' as LossReduction }),
      "Error in wassersteinLoss: options.reduction must be one of 'sumByNonzeroWeights', 'mean', 'sum', but got 'avg'.",
    ],
    [() => hingeLoss({ realMargin: Infinity }), 'Error in hingeLoss: options.realMargin must be a finite number, but got Infinity.'],
    [() => leastSquaresLoss({ a: 1 }), 'Error in leastSquaresLoss: options.b must be a number different from options.a (1), but got 1.'],
    [
      () => relativisticLoss({ base: 'wgan' as 'sgan' }),
      "Error in relativisticLoss: options.base must be one of 'sgan', 'lsgan', 'hinge', but got 'wgan'.",
    ],
    [
      () => relativisticLoss({ form: 'avg' as 'average' }),
      "Error in relativisticLoss: options.form must be one of 'standard', 'average', but got 'avg'.",
    ],
    [
      () => relativisticLoss({ base: 'hinge', labelSmoothing: 0.1 }),
      "Error in relativisticLoss: options.labelSmoothing must be 0 with base 'hinge' (label smoothing applies to the logistic base 'sgan'), but got 0.1.",
    ],
    [() => hingeLoss(3 as never), 'Error in hingeLoss: options must be an options object, but got 3.'],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });

  it('exposes its hyperparameters and defaults', () => {
    expect(leastSquaresLoss()).toMatchObject({ a: 0, b: 1, c: 1, reduction: 'sumByNonzeroWeights', name: 'least-squares' });
    expect(hingeLoss()).toMatchObject({ realMargin: 1, fakeMargin: 1 });
    expect(relativisticLoss()).toMatchObject({ base: 'sgan', form: 'average', name: 'rasgan', generatorNeedsReal: true });
    expect(relativisticLoss({ base: 'lsgan', form: 'standard' }).name).toBe('rlsgan');
    expect(minimaxLoss()).toMatchObject({ labelSmoothing: 0, generatorNeedsReal: false, name: 'minimax' });
  });

  it('rejects unequal batches in the standard relativistic form only', () => {
    const r = tf.zeros([4, 1]);
    const f = tf.zeros([3, 1]);
    expect(() => relativisticLoss({ form: 'standard' }).discriminator({ real: r, fake: f })).toThrow(
      'Error in relativisticLoss.discriminator: outputs.fake must be of shape [4,1] like outputs.real (the standard form pairs real and fake examples), but got a float32 tensor of shape [3,1].',
    );
    relativisticLoss().discriminator({ real: r, fake: f }).dispose();
    hingeLoss().discriminator({ real: r, fake: f }).dispose();
  });
});
