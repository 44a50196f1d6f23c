/**
 * The penalty terms' gradients against the float64 PyTorch fixtures of the autodiff family
 * (scripts/fixtures/make_gp_fixtures.py): penalty mean_i (‖∇ₓD(xᵢ)‖ − 1)² at the stored points,
 * for dense, DCGAN-like conv, conv-transpose, avg-pool, layer-norm and concat critics.
 * Both code paths of a penalty are checked: reusing the context's memoised D(real) through the
 * tape, and re-running the critic (points from a sampler).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from 'smoothgan/autodiff';
import { createObjectiveContext } from 'smoothgan/objectives';
import { gradientPenalty, type GradientPenalty } from 'smoothgan/regularizers';
import { CRITICS, layersActivation, type ActivationName, type Params } from '../autodiff/critics';

interface Stored {
  shape: number[];
  values: number[];
}
interface FixtureCase {
  name: string;
  critic: string;
  activation: ActivationName;
  alpha?: number;
  input: Stored;
  params: Record<string, Stored>;
  penalty: number;
  grads: Record<string, number[] | null>;
}
const load = (file: string): FixtureCase[] =>
  (JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')) as { cases: FixtureCase[] }).cases;
const SMOOTH_DENSE = new Set(['tanh', 'sigmoid', 'softplus', 'elu', 'swish', 'gelu', 'leakyReLU']);
const CASES = [...load('gp-critics.json'), ...load('gp-dense-activations.json').filter((c) => SMOOTH_DENSE.has(c.activation))];
const TOL = 1e-5;

const tensorOf = (s: Stored): tf.Tensor => tf.tensor(Float32Array.from(s.values), s.shape, 'float32');
const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

async function check(c: FixtureCase, term: GradientPenalty): Promise<void> {
  const spec = CRITICS[c.critic]!;
  const act = layersActivation(c.activation, c.alpha);
  const names = Object.keys(c.params);
  const vars = names.map((k) => tf.variable(tensorOf(c.params[k]!), true, undefined, 'float32'));
  const x = tensorOf(c.input);
  const p: Params = Object.fromEntries(names.map((k, i) => [k, vars[i]!]));
  try {
    const { value, grads } = tf.tidy(() =>
      tf.variableGrads(() => term.evaluate(createObjectiveContext({ critic: (xi) => spec.forward(p, xi, act), real: x, fake: x })).total, vars),
    );
    expect(Math.abs((await value.data())[0]! - c.penalty) / c.penalty).toBeLessThanOrEqual(TOL);
    const scale = Math.max(...Object.values(c.grads).map((g) => (g ? maxAbs(g) : 0)));
    for (let i = 0; i < names.length; i++) {
      const ref = c.grads[names[i]!];
      const g = grads[vars[i]!.name];
      const got = g ? await g.data() : null;
      if (ref === null || maxAbs(ref) === 0) {
        expect(got === null ? 0 : maxAbs(got) / scale, `${c.name}: ${names[i]}`).toBeLessThanOrEqual(TOL);
        continue;
      }
      expect(got, `${c.name}: ${names[i]} has a gradient`).not.toBeNull();
      const err = maxAbs(Array.from(got!).map((v, j) => v - ref[j]!)) / maxAbs(ref);
      expect(err, `${c.name}: ${names[i]}`).toBeLessThanOrEqual(TOL);
    }
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose([x, ...vars]);
  }
}

describe('penalty gradients against float64 PyTorch fixtures', () => {
  beforeAll(() => registerTrainingKernels());
  it.each(CASES.map((c) => [c.name, c] as const))('%s (memoised D(real) on the tape)', async (_n, c) => {
    await check(c, gradientPenalty({ centre: 1, samples: 'real', epsilon: 0 }));
  });
  it.each(CASES.map((c) => [c.name, c] as const))('%s (critic re-run on sampled points)', async (_n, c) => {
    await check(c, gradientPenalty({ centre: 1, samples: (ctx) => tf.mul(1, ctx.real), epsilon: 0 }));
  });
});
