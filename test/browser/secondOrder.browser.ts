/**
 * Second-order gradients (double backprop through a gradient penalty) on webgl and webgpu
 * against the float64 PyTorch fixtures of test/fixtures, and the capability probe
 * `checkSecondOrderSupport` against cpu in the same page.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkSecondOrderSupport, secondOrderGradientsEnabled, secondOrderProbeNames } from 'smoothgan/autodiff';
import { CRITICS, layersActivation, penaltyAndGrads, type Act, type ActivationName } from '../autodiff/critics';
import denseFixtures from '../fixtures/gp-dense-activations.json';
import criticFixtures from '../fixtures/gp-critics.json';
import { expectClose, FULL, runOn, SUBSET, TOLERANCE, type Arrays, type GpuBackend } from './_backends';

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
const DENSE = (denseFixtures as unknown as { cases: FixtureCase[] }).cases;
const CRITIC_CASES = (criticFixtures as unknown as { cases: FixtureCase[] }).cases;
const ALL = [...DENSE, ...CRITIC_CASES];

const tensorOf = (s: Stored): tf.Tensor => tf.tensor(Float32Array.from(s.values), s.shape, 'float32');

/** tf.logSoftmax's second-order term is a documented limitation; x − logSumExp(x) is exact. */
const actOf = (c: FixtureCase): Act =>
  c.activation === 'logSoftmax' ? (h) => tf.sub(h, tf.logSumExp(h, -1, true)) : layersActivation(c.activation, c.alpha);

/** The penalty and its parameter gradients; parameters the penalty does not reach give zeros. */
async function penaltyArrays(c: FixtureCase): Promise<Arrays> {
  const params = Object.fromEntries(Object.entries(c.params).map(([k, s]) => [k, tensorOf(s)]));
  const x = tensorOf(c.input);
  try {
    const { penalty, grads } = await penaltyAndGrads(CRITICS[c.critic]!, actOf(c), params, x);
    const out: Arrays = { penalty: [penalty] };
    for (const k of Object.keys(c.grads)) out[k] = grads[k] ?? new Float32Array(params[k]!.size);
    return out;
  } finally {
    tf.dispose([x, ...Object.values(params)]);
  }
}

/** The fixture as arrays (null gradients are zeros). */
function expected(c: FixtureCase): Arrays {
  const out: Arrays = { penalty: [c.penalty] };
  for (const [k, g] of Object.entries(c.grads)) out[k] = g ?? new Array<number>(c.params[k]!.values.length).fill(0);
  return out;
}

/** Compares per parameter, relative to the largest gradient of the case (as the Node test does). */
function expectLikeFixture(backend: string, c: FixtureCase, got: Arrays): void {
  const ref = expected(c);
  const scale = Math.max(...Object.entries(ref).filter(([k]) => k !== 'penalty').map(([, g]) => Math.max(...Array.from(g, Math.abs))));
  const tol = TOLERANCE[backend as GpuBackend].vsFloat64;
  expectClose(backend, `${c.name} penalty`, { penalty: got.penalty! }, { penalty: ref.penalty! }, tol, 'float64');
  const grads = (a: Arrays) => Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'penalty'));
  expectClose(backend, `${c.name} gradients`, grads(got), grads(ref), tol, 'float64', scale);
}

it('the second-order fixes are enabled by smoothgan/register', () => {
  expect(secondOrderGradientsEnabled()).toBe(true);
});

describe.each(FULL)('gradient-penalty gradients on %s vs float64 torch fixtures', (backend) => {
  it.each(ALL.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectLikeFixture(backend, c, await runOn(backend, () => penaltyArrays(c)));
  });
});

const WEBGPU_CASES = ['dense-tanh', 'dense-leakyReLU', 'dcgan-leakyReLU'];
describe.each(SUBSET.filter((b) => b !== 'webgl'))('gradient-penalty gradients on %s (subset) vs torch fixtures', (backend) => {
  it.each(WEBGPU_CASES.map((n) => [n, ALL.find((c) => c.name === n)!] as const))('%s', async (_name, c) => {
    expectLikeFixture(backend, c, await runOn(backend, () => penaltyArrays(c)));
  });
});

describe.each(FULL)('checkSecondOrderSupport on %s', (backend) => {
  // A subset of the probe (the whole probe costs ~30 s here; docs/backends.md has the full table).
  const only = ['dense', 'conv2d', 'maxPool', 'layerNorm', 'activation:tanh', 'activation:leakyReLU', 'activation:logSoftmax'];
  it('reports the same status per case as cpu in this page', async () => {
    const report = async (b: string) => {
      const r = await runOn(b, async () => {
        const rep = await checkSecondOrderSupport({ only });
        expect(rep.backend).toBe(b);
        return { status: rep.cases.map((c) => ['ok', 'throws', 'wrong'].indexOf(c.status)), error: rep.cases.map((c) => c.relativeError) };
      });
      return r;
    };
    const cpu = await report('cpu');
    const got = await report(backend);
    expect(Array.from(got.status!)).toEqual(Array.from(cpu.status!));
    const names = secondOrderProbeNames().filter((n) => only.some((s) => n.includes(s)));
    expect(names.length).toBe(got.status!.length);
    // Known on every backend: tf.logSoftmax drops its second-order term; maxPool's is wrong.
    const notOk = names.filter((_, i) => got.status![i] !== 0);
    expect(notOk.filter((n) => !['maxPool', 'activation:logSoftmax'].includes(n))).toEqual([]);
  });
});
