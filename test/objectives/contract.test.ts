/**
 * The contract every objective term satisfies: a finite scalar total, named parts that add up
 * to it (keys = partNames), no leaked tensors (alone and inside tf.variableGrads), finite
 * gradients, a frozen plain object, and the standard error for a bad context.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hingeLoss, nonSaturatingLoss } from 'smoothgan/losses';
import { combine, constantSchedule, createObjectiveContext, linearRamp, lossTerm, weighted, type Term, type TermValue } from 'smoothgan/objectives';
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
import { countTensors, expectNoLeak, randn, values } from '../helpers/tensors';
import { mlp, type Mlp } from '../regularizers/_critics';

/** tf.tidy for a TermValue (an interface without an index signature, so not a TensorContainer to TypeScript). */
const tidyValue = (f: () => TermValue): TermValue => tf.tidy(() => f() as unknown as tf.TensorContainer) as unknown as TermValue;

interface Env {
  net: Mlp;
  centres: tf.Tensor;
  coefficients: tf.Variable;
  rffWeights: tf.Variable;
}
let env: Env;
let real: tf.Tensor;
let fake: tf.Tensor;
let rff: ReturnType<typeof randomFourierCritic>;
beforeAll(() => {
  env = {
    net: mlp(3, 4, 401, 'softplus'),
    centres: randn([4, 3], 402),
    coefficients: tf.variable(randn([4], 403)),
    rffWeights: tf.variable(randn([16], 404)),
  };
  rff = randomFourierCritic({ weights: env.rffWeights, inputShape: [3], seed: 1 });
  real = randn([4, 3], 405);
  fake = randn([4, 3], 406);
});
afterAll(() => {
  env.net.dispose();
  rff.dispose();
  tf.dispose([env.centres, env.coefficients, env.rffWeights, real, fake]);
});

/** [label, factory, the evaluate error prefix]. */
const TERMS: Array<[string, (e: Env) => Term, string]> = [
  ['gradientPenalty centre 1', () => gradientPenalty({ centre: 1 }), 'gradientPenalty'],
  ['gradientPenalty centre 0 realAndFake + value', () => gradientPenalty({ centre: 0, samples: 'realAndFake', valueWeight: 0.1 }), 'gradientPenalty'],
  ['gradientPenalty custom sampler', () => gradientPenalty({ centre: 0.5, oneSided: true, samples: (c, s) => tf.add(c.real, tf.randomNormal(c.real.shape, 0, 0.1, 'float32', s)) }), 'gradientPenalty'],
  ['wganGp', () => wganGp(), 'wganGp'],
  ['lipschitzPenalty', () => lipschitzPenalty({ samples: 'perturbedReal' }), 'lipschitzPenalty'],
  ['r1Penalty', () => r1Penalty(), 'r1Penalty'],
  ['r2Penalty', () => r2Penalty(), 'r2Penalty'],
  ['draganPenalty', () => draganPenalty(), 'draganPenalty'],
  ['draganPenalty gaussian', () => draganPenalty({ perturbation: { kind: 'gaussian', stddev: 0.2 } }), 'draganPenalty'],
  ['zeroCentredGradientPenalty', () => zeroCentredGradientPenalty(), 'zeroCentredGradientPenalty'],
  ['rkhsNormPenalty', () => rkhsNormPenalty({ beta2: 0.5, valueTerm: true }), 'rkhsNormPenalty'],
  ['exactRkhsNormPenalty (kernel expansion)', (e) => exactRkhsNormPenalty({ critic: kernelExpansionCritic({ centres: e.centres, coefficients: e.coefficients }), beta2: 2 }), 'exactRkhsNormPenalty'],
  ['exactRkhsNormPenalty (random features)', () => exactRkhsNormPenalty({ critic: rff, beta2: 2 }), 'exactRkhsNormPenalty'],
  ['spectralPenalty', (e) => spectralPenalty({ weights: [e.net.vars[0]!, e.net.vars[2]!], threshold: 0.5, power: 2 }), 'spectralPenalty'],
  ['lossTerm discriminator', () => lossTerm(hingeLoss(), 'discriminator'), 'lossTerm'],
  ['lossTerm generator', () => lossTerm(nonSaturatingLoss(), 'generator'), 'lossTerm'],
  ['combine', (e) => combine(lossTerm(nonSaturatingLoss(), 'discriminator'), r1Penalty(), spectralPenalty({ weights: [e.net.vars[0]!] })), 'combine'],
  ['weighted (constant)', () => weighted(wganGp(), 0.5), 'weighted'],
  ['weighted (schedule)', () => weighted(combine(r1Penalty(), r2Penalty()), linearRamp({ from: 1, to: 3, endStep: 10 })), 'weighted'],
  ['weighted (zero)', () => weighted(r1Penalty(), constantSchedule(0)), 'weighted'],
];

const allVars = (e: Env): tf.Variable[] => [...e.net.vars, e.coefficients, e.rffWeights];

describe.each(TERMS)('%s', (_label, make, fn) => {
  const ctx = (step = 3) => createObjectiveContext({ critic: env.net.critic, real, fake, step, seed: 11 });

  it('is a frozen term with a name and part names', () => {
    const term = make(env);
    expect(term.kind).toBe('term');
    expect(typeof term.name).toBe('string');
    expect(term.name.length).toBeGreaterThan(0);
    expect(Object.isFrozen(term)).toBe(true);
    expect(Array.isArray(term.partNames)).toBe(true);
  });

  it('returns a finite scalar whose named parts add up to it, leaking nothing', async () => {
    const term = make(env);
    const v = await expectNoLeak(
      () => tidyValue(() => term.evaluate(ctx())),
      (out) => countTensors([(out as TermValue).total, ...Object.values((out as TermValue).parts)]),
    );
    expect(v.total.rank).toBe(0);
    expect(v.total.dtype).toBe('float32');
    const total = (await values(v.total))[0]!;
    expect(Number.isFinite(total)).toBe(true);
    expect(Object.keys(v.parts)).toEqual(term.partNames);
    let sum = 0;
    for (const p of Object.values(v.parts)) {
      expect(p.rank).toBe(0);
      sum += (await values(p))[0]!;
    }
    expect(sum).toBeCloseTo(total, 4);
    tf.dispose([v.total, ...Object.values(v.parts)]);
  });

  it('is differentiable inside tf.variableGrads with finite gradients, leaking nothing', async () => {
    const term = make(env);
    const zeroWeight = _label === 'weighted (zero)';
    const out = await expectNoLeak(() =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const v = term.evaluate(ctx());
          // keep the objective connected to the parameters when the term is switched off
          return (zeroWeight ? tf.add(v.total, tf.mul(0, tf.sum(env.net.vars[3]!))) : v.total) as tf.Scalar;
        }, allVars(env));
        return [value, ...Object.values(grads)];
      }),
    );
    for (const t of out) for (const x of await values(t)) expect(Number.isFinite(x)).toBe(true);
    tf.dispose(out);
  });

  it('is deterministic for the same context (seeded)', async () => {
    const term = make(env);
    const a = tf.tidy(() => term.evaluate(ctx(5)).total);
    const b = tf.tidy(() => term.evaluate(ctx(5)).total);
    expect((await values(a))[0]).toBe((await values(b))[0]);
    tf.dispose([a, b]);
  });

  it('rejects a bad context with the standard error', () => {
    const term = make(env);
    expect(() => term.evaluate({ critic: env.net.critic } as never)).toThrow(
      `Error in ${fn}.evaluate: context must be an ObjectiveContext (build one with createObjectiveContext), but got an object.`,
    );
    expect(() => term.evaluate(undefined as never)).toThrow(`Error in ${fn}.evaluate: context must be an ObjectiveContext`);
  });
});
