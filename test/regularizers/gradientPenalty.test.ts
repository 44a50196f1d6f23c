import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createObjectiveContext, type ObjectiveContext } from 'smoothgan/objectives';
import {
  draganPenalty,
  gradientPenalty,
  lipschitzPenalty,
  r1Penalty,
  r2Penalty,
  rkhsNormPenalty,
  wganGp,
  zeroCentredGradientPenalty,
  type GradientPenalty,
} from 'smoothgan/regularizers';
import { registerTrainingKernels } from 'smoothgan/autodiff';
import { expectNoLeak, randn, values } from '../helpers/tensors';
import { withTapeCleanup } from '../../src/_internal/tape';
import { linearCritic, mlp, penalty64, quadraticCritic, rows, type Mlp } from './_critics';

/** Evaluates a term's total on a fresh context and reads it. */
async function valueOf(term: GradientPenalty, make: () => ObjectiveContext): Promise<number> {
  const total = tf.tidy(() => term.evaluate(make()).total);
  const v = (await values(total))[0]!;
  total.dispose();
  return v;
}

describe('exact values for linear critics (∇f = w everywhere)', () => {
  const shape = [3, 2, 2]; // non-batch axes: the norm must cover all of them
  let real: tf.Tensor;
  let fake: tf.Tensor;
  beforeEach(() => {
    real = randn([5, ...shape], 1);
    fake = randn([5, ...shape], 2);
  });
  afterEach(() => {
    real.dispose();
    fake.dispose();
  });
  /** w with ‖w‖ = r. */
  const weightOfNorm = (r: number) =>
    tf.tidy(() => {
      const w = randn(shape, 3);
      return tf.mul(w, tf.div(r, tf.norm(w)));
    });

  const cases: Array<[string, () => GradientPenalty, (r: number) => number]> = [
    ['wganGp (λ = 10)', () => wganGp(), (r) => 10 * (r - 1) ** 2],
    ['wganGp (λ = 3)', () => wganGp({ weight: 3 }), (r) => 3 * (r - 1) ** 2],
    ['lipschitzPenalty', () => lipschitzPenalty(), (r) => 10 * Math.max(0, r - 1) ** 2],
    ['r1Penalty (γ = 10)', () => r1Penalty(), (r) => 5 * r * r],
    ['r2Penalty (γ = 4)', () => r2Penalty({ gamma: 4 }), (r) => 2 * r * r],
    ['draganPenalty', () => draganPenalty(), (r) => 10 * (r - 1) ** 2],
    ['draganPenalty (gaussian, k = 2)', () => draganPenalty({ centre: 2, perturbation: { kind: 'gaussian', stddev: 0.3 } }), (r) => 10 * (r - 2) ** 2],
    ['zeroCentredGradientPenalty', () => zeroCentredGradientPenalty(), (r) => 10 * r * r],
    ['gradientPenalty centre 0.5 one-sided', () => gradientPenalty({ centre: 0.5, oneSided: true, weight: 2 }), (r) => 2 * Math.max(0, r - 0.5) ** 2],
    ['gradientPenalty centre 3 two-sided, real', () => gradientPenalty({ centre: 3, samples: 'real' }), (r) => (r - 3) ** 2],
    // λ = σ²/(2β2) = 4/(2·0.5) = 4
    ['rkhsNormPenalty (β2 = 0.5, σ = 2)', () => rkhsNormPenalty({ beta2: 0.5, kernel: { kind: 'gaussian', bandwidth: 2 } }), (r) => 4 * r * r],
    // rational quadratic, ℓ = 0.5: κ1 = 4, λ = 1/(2·2·4)
    ['rkhsNormPenalty (β2 = 2, RQ ℓ = 0.5)', () => rkhsNormPenalty({ beta2: 2, kernel: { kind: 'rationalQuadratic', alpha: 2, lengthScale: 0.5 } }), (r) => r * r / 16],
  ];
  describe.each(cases)('%s', (_label, make, expected) => {
    it.each([0.4, 1, 1.7, 3.2])('‖w‖ = %s', async (r) => {
      const w = weightOfNorm(r);
      const term = make();
      const got = await valueOf(term, () => createObjectiveContext({ critic: linearCritic(w), real, fake, seed: 7 }));
      w.dispose();
      expect(got).toBeCloseTo(expected(r), 4);
    });
  });

  it('LP is exactly 0 whenever ‖w‖ ≤ 1 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1000 }), async (r, seed) => {
        const w = weightOfNorm(r);
        const got = await valueOf(lipschitzPenalty({ seed }), () => createObjectiveContext({ critic: linearCritic(w), real, fake }));
        w.dispose();
        expect(got).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 20 },
    );
  });

  it('the value term adds valueWeight·mean f(x)² at the sampled points', async () => {
    const w = weightOfNorm(1.5);
    const critic = linearCritic(w);
    const fReal = await values(tf.tidy(() => critic(real)));
    const fFake = await values(tf.tidy(() => critic(fake)));
    const meanSq = [...fReal, ...fFake].reduce((s, f) => s + f * f, 0) / (fReal.length + fFake.length);
    // β2 = 0.25, σ = 1: gradient weight 2, value weight 2
    const got = await valueOf(rkhsNormPenalty({ beta2: 0.25, valueTerm: true }), () => createObjectiveContext({ critic, real, fake }));
    w.dispose();
    expect(got).toBeCloseTo(2 * 1.5 ** 2 + 2 * meanSq, 3);
  });
});

describe('per-example norms (the batch-global bug)', () => {
  const a = 1.3;
  it('matches mean_i (a‖x_i‖ − 1)² in float64 and not the batch-global norm', async () => {
    const real = randn([6, 2, 3], 11);
    const fake = randn([6, 2, 3], 12);
    const got = await valueOf(gradientPenalty({ centre: 1, samples: 'real' }), () =>
      createObjectiveContext({ critic: quadraticCritic(a), real, fake }),
    );
    const xs = await rows(tf.reshape(real, [6, -1]));
    const norms = xs.map((x) => a * Math.sqrt(x.reduce((s, v) => s + v * v, 0)));
    const perExample = norms.reduce((s, n) => s + (n - 1) ** 2, 0) / norms.length;
    const global = (Math.sqrt(norms.reduce((s, n) => s + n * n, 0)) - 1) ** 2;
    real.dispose();
    fake.dispose();
    expect(Math.abs(got - perExample) / perExample).toBeLessThan(1e-5);
    expect(Math.abs(got - global) / global).toBeGreaterThan(0.5);
  });

  it('the penalty of a batch is the mean of the penalties of its examples (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0.2, max: 2, noNaN: true }), async (n, seed, centre) => {
        const real = randn([n, 3], seed);
        const term = gradientPenalty({ centre, samples: 'real' });
        const batch = await valueOf(term, () => createObjectiveContext({ critic: quadraticCritic(a), real, fake: real }));
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const xi = tf.slice(real, [i, 0], [1, 3]);
          sum += await valueOf(term, () => createObjectiveContext({ critic: quadraticCritic(a), real: xi, fake: xi }));
          xi.dispose();
        }
        real.dispose();
        expect(Math.abs(batch - sum / n)).toBeLessThanOrEqual(1e-5 * Math.max(1, batch));
      }),
      { numRuns: 20 },
    );
  });
});

/** A critic that records (copies of) the points it is evaluated at. */
function spyCritic(inner: (x: tf.Tensor) => tf.Tensor) {
  const seen: tf.Tensor[] = [];
  return {
    seen,
    critic: (x: tf.Tensor) => {
      seen.push(tf.keep(tf.clone(x)));
      return inner(x);
    },
    dispose: () => seen.forEach((t) => t.dispose()),
  };
}

describe('sampling', () => {
  it("'interpolates' mixes each real/fake pair with its own weight ε_i ∈ [0, 1)", async () => {
    const n = 8;
    const real = randn([n, 4], 21);
    const fake = randn([n, 4], 22);
    const spy = spyCritic(quadraticCritic(1));
    tf.tidy(() => wganGp({ seed: 3 }).evaluate(createObjectiveContext({ critic: spy.critic, real, fake })).total);
    expect(spy.seen).toHaveLength(1);
    const [xh, r, f] = await Promise.all([rows(spy.seen[0]!), rows(real), rows(fake)]);
    const eps = xh.map((row, i) => row.map((v, j) => (v - f[i]![j]!) / (r[i]![j]! - f[i]![j]!)));
    for (const e of eps) {
      for (const ej of e) expect(ej).toBeCloseTo(e[0]!, 4); // one weight per example, shared by its features
      expect(e[0]!).toBeGreaterThanOrEqual(-1e-6);
      expect(e[0]!).toBeLessThan(1 + 1e-6);
    }
    const distinct = new Set(eps.map((e) => e[0]!.toFixed(4)));
    expect(distinct.size).toBe(n); // not one batch-global ε
    spy.dispose();
    real.dispose();
    fake.dispose();
  });

  it("'interpolates' rejects batches of different sizes", () => {
    const real = randn([4, 2], 1);
    const fake = randn([3, 2], 2);
    expect(() => tf.tidy(() => wganGp().evaluate(createObjectiveContext({ critic: quadraticCritic(1), real, fake })).total)).toThrow(
      "Error in wganGp.evaluate: context.fake must be a batch of the same size as context.real (4) for 'interpolates' samples, but got a float32 tensor of shape [3,2].",
    );
    real.dispose();
    fake.dispose();
  });

  it("DRAGAN's reference noise: 0 ≤ δ < 0.5·std_batch per feature", async () => {
    const n = 32;
    const real = tf.tidy(() => tf.mul(randn([n, 3], 31), tf.tensor1d([0.5, 1, 3])));
    const spy = spyCritic(quadraticCritic(1));
    tf.tidy(() => draganPenalty().evaluate(createObjectiveContext({ critic: spy.critic, real, fake: real })).total);
    const [xp, x] = await Promise.all([rows(spy.seen[0]!), rows(real)]);
    for (let j = 0; j < 3; j++) {
      const col = x.map((r) => r[j]!);
      const mean = col.reduce((s, v) => s + v, 0) / n;
      const std = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      const deltas = xp.map((r, i) => r[j]! - x[i]![j]!);
      for (const d of deltas) {
        expect(d).toBeGreaterThanOrEqual(-1e-5);
        expect(d).toBeLessThan(0.5 * std + 1e-5);
      }
      // U[0,1) has mean 1/2: the mean shift is about 0.25·std
      expect(deltas.reduce((s, v) => s + v, 0) / n / std).toBeGreaterThan(0.15);
      expect(deltas.reduce((s, v) => s + v, 0) / n / std).toBeLessThan(0.35);
    }
    spy.dispose();
    real.dispose();
  });

  it("DRAGAN's paper noise: δ ~ N(0, stddev²)", async () => {
    const real = randn([400, 5], 41);
    const spy = spyCritic(quadraticCritic(1));
    tf.tidy(() => draganPenalty({ perturbation: { kind: 'gaussian', stddev: 0.2 } }).evaluate(createObjectiveContext({ critic: spy.critic, real, fake: real })).total);
    const delta = await values(tf.tidy(() => tf.sub(spy.seen[0]!, real)));
    const mean = delta.reduce((s, v) => s + v, 0) / delta.length;
    const std = Math.sqrt(delta.reduce((s, v) => s + (v - mean) ** 2, 0) / delta.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std).toBeGreaterThan(0.19);
    expect(std).toBeLessThan(0.21);
    spy.dispose();
    real.dispose();
  });

  it('a custom sampler gets a derived seed and its points are used', async () => {
    const real = randn([4, 2], 51);
    const seeds: number[] = [];
    const term = gradientPenalty({
      centre: 0,
      seed: 5,
      samples: (ctx, seed) => {
        seeds.push(seed);
        return tf.mul(2, ctx.real);
      },
    });
    expect(term.samples).toBe('custom');
    // f = ½Σx², ∇f(2x) = 2x: penalty = mean ‖2x‖²
    const got = await valueOf(term, () => createObjectiveContext({ critic: quadraticCritic(1), real, fake: real, step: 3 }));
    const xs = await rows(real);
    expect(got).toBeCloseTo(xs.reduce((s, x) => s + 4 * (x[0]! ** 2 + x[1]! ** 2), 0) / 4, 4);
    await valueOf(term, () => createObjectiveContext({ critic: quadraticCritic(1), real, fake: real, step: 3 }));
    await valueOf(term, () => createObjectiveContext({ critic: quadraticCritic(1), real, fake: real, step: 4 }));
    expect(seeds[0]).toBe(seeds[1]);
    expect(seeds[2]).not.toBe(seeds[0]);
    real.dispose();
  });

  it('a sampler returning the wrong shape is an error', () => {
    const real = randn([4, 2], 1);
    const term = gradientPenalty({ centre: 0, samples: () => tf.zeros([4, 3]) });
    expect(() => tf.tidy(() => term.evaluate(createObjectiveContext({ critic: quadraticCritic(1), real, fake: real })).total)).toThrow(
      'Error in gradientPenalty.evaluate: the sampler output must be a tensor of shape [n,2] (n ≥ 1, the non-batch shape of context.real), but got a float32 tensor of shape [4,3].',
    );
    real.dispose();
  });
});

describe('seeded reproducibility', () => {
  const make = (step: number, ctxSeed: number) => () => {
    const real = tf.tidy(() => randn([6, 3], 61));
    const fake = tf.tidy(() => randn([6, 3], 62));
    return { real, fake, step, ctxSeed };
  };
  async function run(term: GradientPenalty, step: number, ctxSeed: number): Promise<number> {
    const { real, fake } = make(step, ctxSeed)();
    const v = await valueOf(term, () => createObjectiveContext({ critic: quadraticCritic(0.7), real, fake, step, seed: ctxSeed }));
    real.dispose();
    fake.dispose();
    return v;
  }
  it.each([
    ['wganGp', (seed: number) => wganGp({ seed })],
    ['draganPenalty', (seed: number) => draganPenalty({ seed })],
    ['draganPenalty gaussian', (seed: number) => draganPenalty({ seed, perturbation: { kind: 'gaussian', stddev: 0.5 } })],
    ['zeroCentred interpolates', (seed: number) => zeroCentredGradientPenalty({ seed })],
  ])('%s replays from (seed, context.seed, step), and changes with each', async (_l, make) => {
    const base = await run(make(1), 5, 9);
    expect(await run(make(1), 5, 9)).toBe(base);
    expect(await run(make(2), 5, 9)).not.toBe(base);
    expect(await run(make(1), 6, 9)).not.toBe(base);
    expect(await run(make(1), 5, 10)).not.toBe(base);
  });
});

describe('gradients w.r.t. the critic parameters (float64 oracle)', () => {
  let net: Mlp;
  let real: tf.Tensor;
  let fake: tf.Tensor;
  beforeEach(() => {
    net = mlp(3, 5, 71, 'tanh', 2.5);
    real = randn([4, 3], 72);
    fake = randn([4, 3], 73);
  });
  afterEach(() => {
    net.dispose();
    real.dispose();
    fake.dispose();
  });

  /** tfjs gradient of the penalty (flat, in net.vars order) inside tf.variableGrads. */
  async function tfjsGradient(term: GradientPenalty): Promise<number[]> {
    const grads = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic: net.critic, real, fake })).total, net.vars);
      value.dispose();
      return net.vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
    });
    const out = (await Promise.all(grads.map((g) => g.data()))).flatMap((d) => Array.from(d));
    grads.forEach((g) => g.dispose());
    return out;
  }

  const cases: Array<[string, () => GradientPenalty, 'real' | 'fake' | 'both', { weight: number; centre: number; oneSided?: boolean; valueWeight?: number }]> = [
    ['r1Penalty', () => r1Penalty({ gamma: 3 }), 'real', { weight: 1.5, centre: 0 }],
    ['r2Penalty', () => r2Penalty({ gamma: 3 }), 'fake', { weight: 1.5, centre: 0 }],
    ['two-sided centre 1 on real', () => gradientPenalty({ centre: 1, samples: 'real', weight: 2 }), 'real', { weight: 2, centre: 1 }],
    ['one-sided centre 0.8 on fake', () => gradientPenalty({ centre: 0.8, oneSided: true, samples: 'fake' }), 'fake', { weight: 1, centre: 0.8, oneSided: true }],
    ['rkhsNormPenalty with value term', () => rkhsNormPenalty({ beta2: 0.5, valueTerm: true }), 'both', { weight: 1, centre: 0, valueWeight: 1 }],
  ];
  it.each(cases)('%s matches central differences of a float64 reference', async (_l, make, at, o) => {
    const analytic = await tfjsGradient(make());
    const theta = await net.flat();
    const points = at === 'real' ? await rows(real) : at === 'fake' ? await rows(fake) : [...(await rows(real)), ...(await rows(fake))];
    const f = (t: number[]) => penalty64(net, t, points, o);
    const numeric = theta.map((_, i) => {
      const up = theta.slice();
      const down = theta.slice();
      up[i]! += 1e-6;
      down[i]! -= 1e-6;
      return (f(up) - f(down)) / 2e-6;
    });
    const scale = Math.max(...numeric.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-3); // a non-trivial case
    for (let i = 0; i < theta.length; i++) expect(Math.abs(analytic[i]! - numeric[i]!) / scale).toBeLessThan(1e-4);
  });

  it('sharing D(real) with the loss gives the same gradient as recomputing it', async () => {
    const term = r1Penalty();
    const alone = await tfjsGradient(term);
    const shared = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const ctx = createObjectiveContext({ critic: net.critic, real, fake });
        const memo = ctx.criticReal(); // the loss would do this first
        return tf.add(term.evaluate(ctx).total, tf.mul(0, tf.sum(memo))) as tf.Scalar;
      }, net.vars);
      value.dispose();
      return net.vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
    });
    const got = (await Promise.all(shared.map((g) => g.data()))).flatMap((d) => Array.from(d));
    shared.forEach((g) => g.dispose());
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(alone[i]!, 5);
  });
});

describe('backends that cannot differentiate an op twice', () => {
  it('maxPool in the critic fails at evaluation, naming MaxPoolGrad, and leaks nothing (plain tf.variableGrads)', async () => {
    registerTrainingKernels(); // conv weight gradients on wasm
    const w = tf.variable(randn([3, 3, 1, 2], 81, 0.5));
    const wo = tf.variable(randn([8, 1], 82, 0.5));
    const critic = (x: tf.Tensor) =>
      tf.reshape(tf.matMul(tf.reshape(tf.maxPool(tf.softplus(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')) as tf.Tensor4D, 2, 2, 'valid'), [x.shape[0]!, -1]) as tf.Tensor2D, wo), [-1]);
    const real = randn([2, 4, 4, 1], 83);
    const fake = randn([2, 4, 4, 1], 84);
    const message =
      'Error in wganGp.evaluate: second-order gradients through maxPool (kernel MaxPoolGrad) are not supported, and a gradient penalty differentiates the critic twice.';
    // first order (evaluating the penalty for logging) works
    const logged = tf.tidy(() => wganGp().evaluate(createObjectiveContext({ critic, real, fake })).total);
    expect(Number.isFinite((await values(logged))[0]!)).toBe(true);
    logged.dispose();
    for (const term of [wganGp(), r1Penalty({ name: 'r1' })]) {
      await expectNoLeak(() => {
        expect(() => tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic, real, fake })).total, [w, wo])).toThrow(
          term.name === 'r1' ? message.replace('wganGp', 'r1Penalty') : message,
        );
      });
    }
    // and the engine is usable afterwards
    const ok = tf.tidy(() => tf.variableGrads(() => tf.sum(critic(real)) as tf.Scalar, [w, wo]).value);
    ok.dispose();
    // inside another gradient computation the enclosing owner cleans up (withTapeCleanup)
    await expectNoLeak(() => {
      expect(() =>
        withTapeCleanup(() => tf.variableGrads(() => tf.grad((z: tf.Tensor) => tf.mul(z, wganGp().evaluate(createObjectiveContext({ critic, real, fake })).total))(tf.scalar(1)) as tf.Scalar, [w, wo])),
      ).toThrow('(kernel MaxPoolGrad)');
    });
    [w, wo, real, fake].forEach((t) => t.dispose());
  });

  it("a critic whose output ignores its input is reported, not differentiated", () => {
    const real = randn([3, 2], 91);
    const c = tf.scalar(1);
    const critic = (x: tf.Tensor) => tf.mul(tf.ones([x.shape[0]!]), c);
    expect(() => tf.tidy(() => zeroCentredGradientPenalty().evaluate(createObjectiveContext({ critic, real, fake: real })).total)).toThrow(
      "Error in zeroCentredGradientPenalty.evaluate: the critic's output does not depend on its input",
    );
    real.dispose();
    c.dispose();
  });

  it('a critic returning the wrong number of scores is an error', () => {
    const real = randn([3, 2], 92);
    const critic = (x: tf.Tensor) => tf.sum(x);
    expect(() => tf.tidy(() => r1Penalty().evaluate(createObjectiveContext({ critic, real, fake: real })).total)).toThrow(
      'Error in r1Penalty.evaluate: the critic output must be a float32 tensor of shape [3] or [3, ...] (one score per example), but got a float32 tensor of shape [].',
    );
    real.dispose();
  });
});

describe('factory errors', () => {
  it.each([
    [() => gradientPenalty(undefined as never), 'Error in gradientPenalty: options.centre must be a number ≥ 0'],
    [() => gradientPenalty({} as never), 'Error in gradientPenalty: options.centre must be a number ≥ 0'],
    [() => gradientPenalty({ centre: -1 }), 'Error in gradientPenalty: options.centre must be a non-negative number, but got -1.'],
    [() => gradientPenalty({ centre: 1, weight: Number.NaN }), 'Error in gradientPenalty: options.weight must be a finite number, but got NaN.'],
    [() => gradientPenalty({ centre: 1, samples: 'everywhere' as never }), "Error in gradientPenalty: options.samples must be one of 'interpolates', 'real', 'fake', 'realAndFake', 'perturbedReal', but got 'everywhere'."],
    [() => gradientPenalty({ centre: 1, oneSided: 'yes' as never }), "Error in gradientPenalty: options.oneSided must be a boolean, but got 'yes'."],
    [() => gradientPenalty({ centre: 1, wieght: 3 } as never), 'Error in gradientPenalty: options.wieght is not a known option'],
    [() => gradientPenalty({ centre: 1, seed: 1.5 }), 'Error in gradientPenalty: options.seed must be an integer >= 0, but got 1.5.'],
    [() => gradientPenalty({ centre: 1, name: '' }), "Error in gradientPenalty: options.name must be a non-empty string, but got ''."],
    [() => wganGp({ centre: 0 } as never), 'Error in wganGp: options.centre is not a known option'],
    [() => r1Penalty({ gamma: -1 }), 'Error in r1Penalty: options.gamma must be a non-negative number, but got -1.'],
    [() => draganPenalty({ perturbation: { kind: 'laplace' } as never }), "Error in draganPenalty: options.perturbation.kind must be 'uniformStd' or 'gaussian', but got 'laplace'."],
    [() => draganPenalty({ perturbation: { kind: 'gaussian', stddev: 0 } }), 'Error in draganPenalty: options.perturbation.stddev must be a positive number, but got 0.'],
    [() => rkhsNormPenalty({} as never), 'Error in rkhsNormPenalty: options.beta2 must be a positive number'],
    [() => rkhsNormPenalty({ beta2: 1, kernel: { kind: 'gaussian', bandwidth: -2 } }), 'Error in rkhsNormPenalty: options.kernel.bandwidth must be a positive number, but got -2.'],
  ])('%#: %s', (make, message) => {
    expect(make).toThrow(message);
  });

  it('presets are frozen and expose their settings', () => {
    const r1 = r1Penalty({ gamma: 8 });
    expect(Object.isFrozen(r1)).toBe(true);
    expect(r1).toMatchObject({ kind: 'term', name: 'r1', weight: 4, centre: 0, oneSided: false, samples: 'real', partNames: ['r1'] });
    expect(wganGp()).toMatchObject({ name: 'wgan-gp', weight: 10, centre: 1, oneSided: false, samples: 'interpolates', epsilon: 1e-10 });
    expect(lipschitzPenalty()).toMatchObject({ name: 'wgan-lp', centre: 1, oneSided: true });
    expect(draganPenalty()).toMatchObject({ samples: 'perturbedReal', perturbation: { kind: 'uniformStd', scale: 0.5 } });
    const rk = rkhsNormPenalty({ beta2: 0.1, kernel: { kind: 'gaussian', bandwidth: 2 }, valueTerm: true });
    expect(rk.weight).toBeCloseTo(4 / 0.2, 10); // σ²/(2β2)
    expect(rk.valueWeight).toBeCloseTo(1 / 0.2, 10);
    expect(rk.kernelConstants).toEqual({ value: 1, gradient: 0.25 });
  });
});
