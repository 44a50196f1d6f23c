/**
 * The contract every adversarial loss passes: scalar output for rank-1, rank-2 and rank-4
 * critic outputs; weights that scale linearly; finite gradients that match finite differences;
 * no tensor leaks; clear errors for a missing side, mismatched shapes or a non-float input.
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
import { gaussianKernel, mmdLoss } from 'smoothgan/divergences';
import { directionalFd, expectNoLeak, liveTensors, randn, values } from '../helpers/tensors';

interface Case {
  readonly make: () => AdversarialLoss;
  /** Per-example weights supported (false for MMD, which rejects them). */
  readonly weights: boolean;
  /** Pairs real and fake examples (weights multiply, so the loss is linear in each side's weights). */
  readonly paired?: boolean;
}

const CASES: Record<string, Case> = {
  minimax: { make: () => minimaxLoss(), weights: true },
  'minimax, label smoothing 0.1': { make: () => minimaxLoss({ labelSmoothing: 0.1 }), weights: true },
  nonSaturating: { make: () => nonSaturatingLoss(), weights: true },
  'nonSaturating, reduction sum': { make: () => nonSaturatingLoss({ reduction: 'sum' }), weights: true },
  wasserstein: { make: () => wassersteinLoss(), weights: true },
  hinge: { make: () => hingeLoss(), weights: true },
  'hinge, margins 2 / 0.5, reduction mean': {
    make: () => hingeLoss({ realMargin: 2, fakeMargin: 0.5, reduction: 'mean' }),
    weights: true,
  },
  leastSquares: { make: () => leastSquaresLoss(), weights: true },
  'leastSquares (-1, 1, 0)': { make: () => leastSquaresLoss({ a: -1, b: 1, c: 0 }), weights: true },
  'relativistic sgan average': { make: () => relativisticLoss(), weights: true },
  'relativistic sgan standard, smoothing 0.2': {
    make: () => relativisticLoss({ form: 'standard', labelSmoothing: 0.2 }),
    weights: true, paired: true,
  },
  'relativistic lsgan average': { make: () => relativisticLoss({ base: 'lsgan' }), weights: true },
  'relativistic lsgan standard': { make: () => relativisticLoss({ base: 'lsgan', form: 'standard' }), weights: true, paired: true },
  'relativistic hinge average': { make: () => relativisticLoss({ base: 'hinge' }), weights: true },
  'relativistic hinge standard': { make: () => relativisticLoss({ base: 'hinge', form: 'standard' }), weights: true, paired: true },
  mmd: { make: () => mmdLoss(), weights: false },
  'mmd, gaussian, biased': {
    make: () => mmdLoss({ kernel: gaussianKernel({ bandwidths: [0.5, 2] }), estimator: 'biased' }),
    weights: false,
  },
  'mmd, linear': { make: () => mmdLoss({ estimator: 'linear' }), weights: false },
};

const B = 6;
const scalarOf = async (t: tf.Tensor): Promise<number> => {
  expect(t.shape).toEqual([]);
  expect(t.dtype).toBe('float32');
  const [v] = await values(t);
  t.dispose();
  return v!;
};

describe.each(Object.entries(CASES))('AdversarialLoss contract: %s', (_label, c) => {
  const loss = c.make();
  const call = (method: 'discriminator' | 'generator', outputs: Record<string, unknown>) =>
    (loss[method] as (o: unknown) => tf.Scalar)(outputs);

  it('is a frozen adversarial-loss object', () => {
    expect(Object.isFrozen(loss)).toBe(true);
    expect(loss.kind).toBe('adversarial-loss');
    expect(typeof loss.name).toBe('string');
    expect(loss.name.length).toBeGreaterThan(0);
    expect(typeof loss.generatorNeedsReal).toBe('boolean');
  });

  it('returns the same scalar for [batch], [batch,1] and [batch,1,1,1] outputs', async () => {
    const real = randn([B], 1);
    const fake = randn([B], 2);
    for (const method of ['discriminator', 'generator'] as const) {
      const vals: number[] = [];
      for (const shape of [[B], [B, 1], [B, 1, 1, 1]]) {
        vals.push(await scalarOf(call(method, { real: tf.reshape(real, shape), fake: tf.reshape(fake, shape) })));
      }
      expect(Number.isFinite(vals[0]!)).toBe(true);
      expect(vals[1]).toBeCloseTo(vals[0]!, 5);
      expect(vals[2]).toBeCloseTo(vals[0]!, 5);
    }
  });

  it('accepts rank-4 critic maps [batch, h, w, 1]', async () => {
    const real = randn([B, 3, 2, 1], 3);
    const fake = randn([B, 3, 2, 1], 4);
    expect(Number.isFinite(await scalarOf(call('discriminator', { real, fake })))).toBe(true);
    expect(Number.isFinite(await scalarOf(call('generator', { real, fake })))).toBe(true);
  });

  it('passes `real` to the generator only when it needs it', async () => {
    const fake = randn([B, 1], 5);
    if (loss.generatorNeedsReal) {
      expect(() => call('generator', { fake })).toThrow(/^Error in \w+\.generator: outputs\.real must be a float32 tensor/);
    } else {
      expect(Number.isFinite(await scalarOf(call('generator', { fake })))).toBe(true);
    }
  });

  if (c.weights) {
    it('scales linearly with the weights; unit weights change nothing', async () => {
      const real = randn([B, 1], 6);
      const fake = randn([B, 1], 7);
      const wr = tf.abs(randn([B], 8));
      const wf = tf.abs(randn([B], 9));
      for (const method of ['discriminator', 'generator'] as const) {
        const base = await scalarOf(call(method, { real, fake, realWeights: wr, fakeWeights: wf }));
        const scaled = await scalarOf(
          call(method, { real, fake, realWeights: tf.mul(wr, 2.5), fakeWeights: tf.mul(wf, 2.5) }),
        );
        // Pointwise losses are linear in (realWeights, fakeWeights) jointly; paired losses in each side.
        expect(scaled).toBeCloseTo((c.paired ? 2.5 * 2.5 : 2.5) * base, 4);
        if (c.paired) {
          const oneSide = await scalarOf(call(method, { real, fake, realWeights: tf.mul(wr, 2.5), fakeWeights: wf }));
          expect(oneSide).toBeCloseTo(2.5 * base, 4);
        }
        const plain = await scalarOf(call(method, { real, fake }));
        const ones = await scalarOf(call(method, { real, fake, realWeights: 1, fakeWeights: tf.ones([B]) }));
        expect(ones).toBeCloseTo(plain, 5);
        const numbers = await scalarOf(call(method, { real, fake, realWeights: 3, fakeWeights: 3 }));
        expect(numbers).toBeCloseTo((c.paired ? 9 : 3) * plain, 4);
      }
    });

    it('rejects weights of the wrong shape', () => {
      const real = randn([B, 1], 6);
      const fake = randn([B, 1], 7);
      expect(() => call('discriminator', { real, fake, realWeights: tf.ones([B + 1]) })).toThrow(
        `outputs.realWeights must be a number or a float32 tensor of shape [] or [${B}] (one weight per example), but got a float32 tensor of shape [${B + 1}].`,
      );
      expect(() => call('discriminator', { real, fake, fakeWeights: tf.ones([B, 1]) })).toThrow(/outputs\.fakeWeights must be/);
      expect(() => call('discriminator', { real, fake, fakeWeights: NaN })).toThrow(/outputs\.fakeWeights must be a finite number/);
    });
  } else {
    it('rejects per-example weights', () => {
      const real = randn([B, 2], 6);
      const fake = randn([B, 2], 7);
      expect(() => call('discriminator', { real, fake, realWeights: 1 })).toThrow(
        /^Error in mmdLoss\.discriminator: outputs\.realWeights must be undefined/,
      );
    });
  }

  it('has finite gradients that match central finite differences', async () => {
    const real = randn([B, 2], 10);
    const fake = randn([B, 2], 11);
    const dir = randn([B, 2], 12);
    for (const method of ['discriminator', 'generator'] as const) {
      const f = (r: tf.Tensor, fk: tf.Tensor) => call(method, { real: r, fake: fk });
      // A generator loss that ignores `real` has no gradient with respect to it.
      const usesReal = method === 'discriminator' || loss.generatorNeedsReal;
      const sides: [string, tf.Tensor, (x: tf.Tensor) => tf.Scalar][] = [['fake', fake, (x) => f(real, x)]];
      if (usesReal) sides.push(['real', real, (x) => f(x, fake)]);
      for (const [side, at, g] of sides) {
        const grad = tf.grad(g)(at);
        const vals = await values(grad);
        expect(vals.every(Number.isFinite), `${method} ${side}`).toBe(true);
        expect(vals.some((v) => v !== 0), `${method} ${side}`).toBe(true);
        const analytic = (await values(tf.sum(tf.mul(grad, dir))))[0]!;
        const fd = directionalFd(g, at, dir, 1e-2);
        expect(Math.abs(analytic - fd), `${method} ${side}`).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('leaks no tensors', async () => {
    const real = randn([B, 2, 2, 1], 13);
    const fake = randn([B, 2, 2, 1], 14);
    const d = await expectNoLeak(() => call('discriminator', { real, fake }));
    const g = await expectNoLeak(() => call('generator', { real, fake }));
    d.dispose();
    g.dispose();
    if (c.weights) {
      const w = tf.ones([B]);
      (await expectNoLeak(() => call('discriminator', { real, fake, realWeights: w, fakeWeights: w }))).dispose();
      (await expectNoLeak(() => call('generator', { real, fake, realWeights: w, fakeWeights: w }))).dispose();
    }
    const before = liveTensors();
    expect(() => call('discriminator', { real, fake: tf.tensor1d([1]) })).toThrow();
    expect(liveTensors()).toBe(before + 1); // only the argument created inline
  });

  it('fails clearly for a missing side, mismatched shapes, non-float input or positional call', () => {
    const real = randn([B, 1], 15);
    const fake = randn([B, 1], 16);
    expect(() => call('discriminator', { fake })).toThrow(
      /^Error in \w+\.discriminator: outputs\.real must be a float32 tensor of critic (outputs|features) \[batch, \S*\], but got undefined\. \S/,
    );
    expect(() => call('discriminator', { real })).toThrow(/^Error in \w+\.discriminator: outputs\.fake must be a float32 tensor/);
    expect(() => call('generator', { real })).toThrow(/^Error in \w+\.generator: outputs\.fake must be a float32 tensor/);
    expect(() => call('discriminator', { real, fake: randn([B, 2], 17) })).toThrow(/^Error in \w+\.discriminator: outputs\.fake must be/);
    expect(() => call('discriminator', { real: tf.ones([B, 1], 'int32'), fake })).toThrow(
      /outputs\.real must be a float32 tensor, but got an int32 tensor of shape \[6,1\]\./,
    );
    expect(() => call('generator', { real, fake: tf.zeros([0, 1]) })).toThrow(/outputs\.fake must be a tensor with at least one example/);
    expect(() => (loss.discriminator as (a: unknown, b: unknown) => unknown)(real, fake)).toThrow(
      /^Error in \w+\.discriminator: outputs must be an object \{ real, fake \}/,
    );
  });
});
