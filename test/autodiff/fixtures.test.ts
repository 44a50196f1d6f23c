/**
 * Gradient-penalty gradients (double backprop) against float64 PyTorch fixtures written by
 * scripts/fixtures/make_gp_fixtures.py: a dense critic with every tfjs-layers activation,
 * and conv / conv-transpose / avg-pool / layer-norm / concat critics.
 * Agreement is max|tfjs − torch| / max|torch| per parameter gradient, required ≤ 1e-5.
 * Set SMOOTHGAN_AUTODIFF_REPORT=1 to print the worst error of each case.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableSecondOrderGradients, registerTrainingKernels } from 'smoothgan/autodiff';
import { BACKEND } from '../setup';
import { CRITICS, layersActivation, penaltyAndGrads, gradientPenalty, type Act, type ActivationName, type Params } from './critics';
import { withTapeCleanup } from '../../src/_internal/tape';

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
interface FixtureFile {
  torch: string;
  dtype: string;
  cases: FixtureCase[];
}

const load = (file: string): FixtureFile =>
  JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')) as FixtureFile;
const DENSE = load('gp-dense-activations.json');
const CRITIC_CASES = load('gp-critics.json');
const TOL = 1e-5;

const tensorOf = (s: Stored): tf.Tensor => tf.tensor(Float32Array.from(s.values), s.shape, 'float32');
const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** Per-parameter relative errors of tfjs's penalty gradient against the fixture. */
function compare(c: FixtureCase, penalty: number, grads: Record<string, ArrayLike<number> | null>): Record<string, number> {
  const errors: Record<string, number> = { penalty: Math.abs(penalty - c.penalty) / Math.abs(c.penalty) };
  const scale = Math.max(...Object.values(c.grads).map((g) => (g ? maxAbs(g) : 0)));
  for (const [k, ref] of Object.entries(c.grads)) {
    const got = grads[k] ?? null;
    if (ref === null || maxAbs(ref) === 0) {
      // Does not reach the penalty (or only through piecewise-constant masks): tfjs must give
      // nothing, or zeros up to rounding relative to the other gradients.
      errors[k] = got === null ? 0 : maxAbs(got) / scale;
      continue;
    }
    if (got === null) {
      errors[k] = 1; // tfjs found no path from this parameter: 100 % off
      continue;
    }
    expect(got.length, `${c.name}: gradient of ${k} length`).toBe(ref.length);
    errors[k] = maxAbsDiff(got, ref) / maxAbs(ref);
  }
  return errors;
}

const worst = new Map<string, { error: number; param: string }>();
function record(label: string, errors: Record<string, number>): void {
  const [param, error] = Object.entries(errors).reduce((a, b) => (b[1] > a[1] ? b : a));
  worst.set(label, { error, param });
}

async function runCase(c: FixtureCase, act: Act = layersActivation(c.activation, c.alpha)): Promise<Record<string, number>> {
  const critic = CRITICS[c.critic]!;
  const expected = critic.paramShapes(c.activation);
  expect(Object.fromEntries(Object.entries(c.params).map(([k, s]) => [k, s.shape])), 'fixture matches critics.ts').toEqual(expected);
  expect(c.input.shape).toEqual(critic.inputShape);
  const params: Params = Object.fromEntries(Object.entries(c.params).map(([k, s]) => [k, tensorOf(s)]));
  const x = tensorOf(c.input);
  try {
    const { penalty, grads } = await penaltyAndGrads(critic, act, params, x);
    return compare(c, penalty, grads);
  } finally {
    tf.dispose([x, ...Object.values(params)]);
  }
}

describe('stock tfjs (before enableSecondOrderGradients) disagrees with the fixtures', () => {
  it('dense-tanh: the second-order term through tanh is silently dropped', async () => {
    const c = DENSE.cases.find((k) => k.name === 'dense-tanh')!;
    const errors = await runCase(c);
    expect(Math.max(...Object.values(errors))).toBeGreaterThan(0.1);
  });
  it('dense-leakyReLU: throws (no gradient for Greater)', async () => {
    const c = DENSE.cases.find((k) => k.name === 'dense-leakyReLU')!;
    await expect(runCase(c)).rejects.toThrow(/gradient function not found for Greater/);
  });
});

describe.runIf(BACKEND === 'cpu')('fixtures on cpu with its native kernels (before registerTrainingKernels)', () => {
  beforeAll(() => enableSecondOrderGradients());
  it.each(CRITIC_CASES.cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const errors = await runCase(c);
    record(`${name} (cpu native kernels)`, errors);
    for (const [k, e] of Object.entries(errors)) expect(e, `${name}: ${k}`).toBeLessThanOrEqual(TOL);
  });
});

describe(`float64 PyTorch fixtures (torch ${DENSE.torch}) on ${BACKEND}`, () => {
  beforeAll(() => {
    enableSecondOrderGradients();
    registerTrainingKernels();
  });
  afterAll(() => {
    if (!process.env.SMOOTHGAN_AUTODIFF_REPORT) return;
    const rows = [...worst.entries()].map(([k, v]) => `${k.padEnd(44)} ${v.error.toExponential(2)} (${v.param})`);
    console.log(`worst relative error per case on ${BACKEND}:\n${rows.join('\n')}`);
  });

  describe('dense critic with every tfjs-layers activation', () => {
    const cases = DENSE.cases.filter((c) => c.activation !== 'logSoftmax');
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
      const errors = await runCase(c);
      record(name, errors);
      for (const [k, e] of Object.entries(errors)) expect(e, `${name}: ${k}`).toBeLessThanOrEqual(TOL);
    });

    // tf.logSoftmax (and tfjs-layers' 'logSoftmax') is a customGrad op whose gradient reads its
    // saved output: the registry cannot reach it, so its second-order term stays dropped.
    // Written as x − logSumExp(x) it is correct. Documented in docs/capability.md.
    const logSoftmax = DENSE.cases.find((c) => c.activation === 'logSoftmax')!;
    it('dense-logSoftmax: known limitation of tf.logSoftmax; x − logSumExp(x) matches', async () => {
      const stock = await runCase(logSoftmax);
      expect(Math.max(...Object.values(stock)), 'tf.logSoftmax still wrong (if tfjs fixed it, update the docs)').toBeGreaterThan(1e-3);
      const errors = await runCase(logSoftmax, (h) => tf.sub(h, tf.logSumExp(h, -1, true)));
      record('dense-logSoftmax as x − logSumExp(x)', errors);
      // b1 reaches this penalty only through softmax's curvature: its gradient is 3000× smaller
      // than wo's and comes out of float32 cancellation (8e-6 relative on cpu, 8e-7 on wasm).
      for (const [k, e] of Object.entries(errors)) expect(e, `logSoftmax via logSumExp: ${k}`).toBeLessThanOrEqual(k === 'b1' ? 3 * TOL : TOL);
    });
  });

  describe('conv, conv-transpose, avg-pool, layer-norm and concat critics', () => {
    it.each(CRITIC_CASES.cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
      const errors = await runCase(c);
      record(name, errors);
      for (const [k, e] of Object.entries(errors)) expect(e, `${name}: ${k}`).toBeLessThanOrEqual(TOL);
    });
  });

  describe('the DCGAN critic as a tfjs-layers model (fused conv kernels, LeakyReLU layer)', () => {
    it.each(['dcgan-leakyReLU', 'dcgan-tanh'])('%s', async (name) => {
      const c = CRITIC_CASES.cases.find((k) => k.name === name)!;
      const fused = c.activation === 'tanh' ? 'tanh' : undefined;
      const actLayer = () => (c.activation === 'tanh' ? [] : [tfl.layers.leakyReLU({ alpha: c.alpha! })]);
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: c.input.shape.slice(1), filters: 4, kernelSize: 4, strides: 2, padding: 'same', activation: fused }),
          ...actLayer(),
          tfl.layers.conv2d({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', activation: fused }),
          ...actLayer(),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 1 }),
        ],
      });
      const order = ['w1', 'b1', 'w2', 'b2', 'wo', 'bo'];
      const weights = order.map((k) => tensorOf(c.params[k]!));
      model.setWeights(weights);
      const x = tensorOf(c.input);
      // LayerVariable keeps its tf.Variable in the protected `val`.
      const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      try {
        const { value, grads } = tf.tidy(() =>
          withTapeCleanup(() =>
            tf.variableGrads(() => gradientPenalty((xi) => tf.squeeze(model.apply(xi) as tf.Tensor, [1]), x), vars),
          ),
        );
        const got: Record<string, Float32Array | null> = {};
        for (let i = 0; i < order.length; i++) {
          const g = grads[vars[i]!.name];
          got[order[i]!] = g ? ((await g.data()) as Float32Array) : null;
        }
        const errors = compare(c, (await value.data())[0]!, got);
        tf.dispose([value, ...Object.values(grads)]);
        record(`${name} (tfjs-layers model)`, errors);
        for (const [k, e] of Object.entries(errors)) expect(e, `${name}: ${k}`).toBeLessThanOrEqual(TOL);
      } finally {
        tf.dispose([x, ...weights]);
        model.dispose();
      }
    });
  });
});
