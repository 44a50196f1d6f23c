/**
 * Every penalty on webgl (and two on webgpu): its value and its gradient with respect to the
 * critic's parameters (double backprop for the gradient penalties) against the cpu backend
 * in the same page; R1 and the RKHS-norm penalty also against float64 references.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createObjectiveContext, type Term } from 'smoothgan/objectives';
import {
  draganPenalty,
  exactRkhsNormPenalty,
  gradientPenalty,
  kernelExpansionCritic,
  lipschitzPenalty,
  r1Penalty,
  r2Penalty,
  randomFourierCritic,
  rkhsNormPenalty,
  spectralPenalty,
  wganGp,
  zeroCentredGradientPenalty,
} from 'smoothgan/regularizers';
import { randn } from '../helpers/tensors';
import { mlp, penalty64, rows, type Mlp } from '../regularizers/_critics';
import { expectClose, expectLikeCpu, FULL, read, runOn, SUBSET, TOLERANCE, type Arrays } from './_backends';

const D = 3;
const H = 8;
const BATCH = 6;

/** The test MLP critic, with the tensors its Variables were initialised from disposed. */
function mlpFreed(...args: Parameters<typeof mlp>): Mlp {
  let net: Mlp | undefined;
  tf.tidy(() => {
    net = mlp(...args);
  });
  return net!;
}

/** Term value, its parts, and its gradient with respect to every critic parameter. */
async function termArrays(make: () => Term): Promise<Arrays> {
  // Scale 3: gradient norms above 1, so that the one-sided penalties are not zero.
  const net = mlpFreed(D, H, 5, 'tanh', 3);
  const real = randn([BATCH, D], 41);
  const fake = randn([BATCH, D], 42, 2);
  const term = make();
  const out = tf.tidy(() => {
    const ctx = () => createObjectiveContext({ critic: net.critic, real, fake, seed: 3, step: 2 });
    const { value, grads } = tf.variableGrads(() => term.evaluate(ctx()).total, net.vars);
    const named: Record<string, tf.Tensor> = { value };
    net.vars.forEach((v, i) => (named[`grad${i}`] = grads[v.name] ?? tf.zerosLike(v)));
    return named;
  });
  tf.dispose([real, fake]);
  net.dispose();
  return read(out);
}

const GRADIENT_PENALTIES: Array<[string, () => Term]> = [
  ['wganGp', () => wganGp()],
  ['lipschitzPenalty', () => lipschitzPenalty()],
  ['r1Penalty', () => r1Penalty()],
  ['r2Penalty', () => r2Penalty({ gamma: 4 })],
  ['draganPenalty', () => draganPenalty()],
  ['zeroCentredGradientPenalty (realAndFake)', () => zeroCentredGradientPenalty({ samples: 'realAndFake' })],
  ['gradientPenalty (centre 0.5, one-sided, value term)', () => gradientPenalty({ centre: 0.5, oneSided: true, valueWeight: 0.1 })],
  ['rkhsNormPenalty (gaussian, β2 = 0.5)', () => rkhsNormPenalty({ beta2: 0.5, kernel: { kind: 'gaussian', bandwidth: 2 } })],
  ['rkhsNormPenalty (value term, real)', () => rkhsNormPenalty({ beta2: 1, valueTerm: true, samples: 'real' })],
];

describe.each(SUBSET)('gradient penalties on %s: value and ∂/∂θ (double backprop) vs cpu', (backend) => {
  // webgpu: WGAN-GP and R1 only.
  const mine = backend === 'webgl' ? GRADIENT_PENALTIES : GRADIENT_PENALTIES.filter(([n]) => n === 'wganGp' || n === 'r1Penalty');
  it.each(mine)('%s', async (name, make) => {
    const got = await expectLikeCpu(backend, `penalty ${name}`, () => termArrays(make));
    expect(got.value![0]!).toBeGreaterThan(0);
  });
});

describe.each(FULL)('penalty values on %s against float64 references', (backend) => {
  /** The critic's parameters and the real points as float64, and the term's value on the backend. */
  async function value64(make: () => Term): Promise<{ got: number; theta: number[]; points: number[][] }> {
    let theta: number[] = [];
    let points: number[][] = [];
    const { value } = await expectLikeCpu(backend, 'penalty value', async () => {
      const net = mlpFreed(D, H, 9, 'softplus');
      const real = randn([BATCH, D], 51);
      const fake = randn([BATCH, D], 52);
      theta = await net.flat();
      points = await rows(real);
      const v = tf.tidy(() => make().evaluate(createObjectiveContext({ critic: net.critic, real, fake })).total);
      tf.dispose([real, fake]);
      net.dispose();
      return read({ value: v });
    });
    return { got: value![0]!, theta, points };
  }
  const m = { d: D, h: H, act: 'softplus' as const };

  it('r1Penalty (γ = 10): (γ/2)·mean‖∇D(x_real)‖²', async () => {
    const { got, theta, points } = await value64(() => r1Penalty());
    const ref = penalty64(m, theta, points, { weight: 5, centre: 0 });
    expectClose(backend, 'r1Penalty value', { v: [got] }, { v: [ref] }, TOLERANCE[backend].vsFloat64, 'float64');
  });
  it('rkhsNormPenalty on real points with the value term: (1/(2β2))·(κ1·E‖∇f‖² + E f²/κ0)', async () => {
    // Gaussian kernel, bandwidth 1: κ0 = 1, κ1 = 1/σ² = 1, so the penalty is (1/(2β2))(E‖∇f‖² + E f²).
    const { got, theta, points } = await value64(() => rkhsNormPenalty({ beta2: 0.25, valueTerm: true, samples: 'real' }));
    const ref = penalty64(m, theta, points, { weight: 2, centre: 0, valueWeight: 2 });
    expectClose(backend, 'rkhsNormPenalty value', { v: [got] }, { v: [ref] }, TOLERANCE[backend].vsFloat64, 'float64');
  });
});

describe.each(FULL)('exact RKHS-norm and spectral penalties on %s vs cpu', (backend) => {
  it('exactRkhsNormPenalty of a kernel-expansion critic: aᵀKa/(2β2) and ∂/∂a', async () => {
    await expectLikeCpu(backend, 'exactRkhsNormPenalty (kernel expansion)', async () => {
      const centres = randn([7, 2], 61);
      const a = tf.tidy(() => tf.variable(randn([7], 62), true, `a_${Math.random()}`));
      const f = kernelExpansionCritic({ centres, coefficients: a, kernel: { kind: 'gaussian', bandwidth: 0.7 } });
      const term = exactRkhsNormPenalty({ critic: f, beta2: 0.5 });
      const real = randn([4, 2], 63);
      const out = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic: f.apply, real, fake: real })).total, [a]);
        return { value, da: grads[a.name]!, scores: f.apply(real) };
      });
      tf.dispose([centres, a, real]);
      return read(out);
    });
  });
  it('exactRkhsNormPenalty of a random-Fourier critic: ‖w‖²/(2β2), ∂/∂w, and the scores within the sin/cos precision', async () => {
    const compute = async () => {
      const w = tf.tidy(() => tf.variable(randn([32], 71), true, `w_${Math.random()}`));
      const f = randomFourierCritic({ weights: w, inputShape: [2], bandwidth: 0.5, seed: 4 });
      const term = exactRkhsNormPenalty({ critic: f, beta2: 2 });
      const real = randn([5, 2], 72);
      const out = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic: f.apply, real, fake: real })).total, [w]);
        // |f(x)| ≤ sqrt(2/D)·Σ|wⱼ|: the scale of the cos error.
        return { value, dw: grads[w.name]!, scores: f.apply(real), bound: tf.mul(Math.sqrt(2 / 32), tf.sum(tf.abs(w))) };
      });
      f.dispose();
      tf.dispose([w, real]);
      return read(out);
    };
    const ref = await runOn('cpu', compute);
    const got = await runOn(backend, compute);
    const exact = (a: Arrays) => ({ value: a.value!, dw: a.dw! });
    expectClose(backend, 'exactRkhsNormPenalty (random Fourier)', exact(got), exact(ref), TOLERANCE[backend].vsCpu);
    expectClose(backend, 'random-Fourier scores / value bound', { scores: got.scores! }, { scores: ref.scores! }, TOLERANCE[backend].sinCos, 'cpu', ref.bound![0]!);
  });
  it('spectralPenalty: Σ max(0, σ(W) − 1)² and ∂/∂W', async () => {
    await expectLikeCpu(backend, 'spectralPenalty', async () => {
      const w1 = tf.tidy(() => tf.variable(randn([5, 4], 81, 0.9), true, `w1_${Math.random()}`));
      const w2 = tf.tidy(() => tf.variable(randn([3, 3, 2, 4], 82, 0.5), true, `w2_${Math.random()}`));
      const term = spectralPenalty({ weights: [w1, w2], threshold: 1, power: 2, weight: 0.5 });
      const real = randn([2, 2], 83);
      const out = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic: (x) => tf.sum(x, 1), real, fake: real })).total, [w1, w2]);
        return { value, d1: grads[w1.name]!, d2: grads[w2.name]! };
      });
      tf.dispose([w1, w2, real]);
      return read(out);
    });
  });
});
