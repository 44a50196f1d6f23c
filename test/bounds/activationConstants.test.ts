import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_CONSTANTS, type ActivationName } from 'smoothgan/bounds';
import { values } from '../helpers/tensors';

/** Float64 definitions written for the test (as tfjs-layers 4.22 computes them). */
const erf = (x: number): number => {
  const t = Math.abs(x);
  if (t < 3) {
    // Maclaurin series (terms stay below e^9, so float64 cancellation is ~1e-12).
    let sum = 0;
    let term = t;
    for (let n = 0; n < 200 && Math.abs(term) > 1e-20; n++) {
      sum += term / (2 * n + 1);
      term *= (-t * t) / (n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Asymptotic erfc for t ≥ 3: relative error < 1e-7 on erfc ≤ 2.3e-5.
  let series = 1;
  let term = 1;
  for (let n = 1; n < 6; n++) {
    term *= -(2 * n - 1) / (2 * t * t);
    series += term;
  }
  return Math.sign(x) * (1 - (Math.exp(-t * t) / (t * Math.sqrt(Math.PI))) * series);
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;

const F: Record<Exclude<ActivationName, 'softmax' | 'logSoftmax'>, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => SELU_L * (x > 0 ? x : SELU_A * Math.expm1(x)),
  sigmoid,
  hardSigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  tanh: Math.tanh,
  swish: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
};

/** sup over a fine grid of |f′| and of the difference quotient of f′ (both in float64). */
function supDerivatives(f: (x: number) => number): { d1: number; d2: number } {
  const h = 1e-5;
  const d1 = (x: number) => (f(x + h) - f(x - h)) / (2 * h);
  let s1 = 0;
  let s2 = 0;
  const scan = (from: number, to: number, step: number) => {
    for (let i = 0; from + i * step <= to; i++) {
      const x = from + i * step;
      s1 = Math.max(s1, Math.abs(d1(x)));
      // Lipschitz quotient of f′ over one grid step (valid across kinks too).
      s2 = Math.max(s2, Math.abs(d1(x + step) - d1(x)) / step);
    }
  };
  scan(-12, 12, 1e-3);
  scan(-1e-3, 1e-3, 1e-6); // suprema approached at the kink at 0 (selu, softsign)
  return { d1: s1, d2: s2 };
}

const ALL_TFJS_ACTIVATIONS = [
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
];

describe('ACTIVATION_CONSTANTS', () => {
  it('covers every tfjs-layers activation identifier (plus logSoftmax)', () => {
    expect(Object.keys(ACTIVATION_CONSTANTS).sort()).toEqual([...ALL_TFJS_ACTIVATIONS, 'logSoftmax'].sort());
    for (const name of ALL_TFJS_ACTIVATIONS) {
      expect(() => tfl.layers.activation({ activation: name as 'relu' })).not.toThrow();
    }
  });

  it.each(Object.keys(F) as Array<keyof typeof F>)('%s: the float64 definitions are what tfjs computes', async (name) => {
    const xs = [-4, -1.3, -0.2, 0.3, 0.9, 2.4, 5];
    const y = await values(tfl.layers.activation({ activation: name }).apply(tf.tensor1d(xs)) as tf.Tensor);
    xs.forEach((x, i) => expect(Math.abs(y[i]! - F[name](x))).toBeLessThan(2e-6 * (1 + Math.abs(F[name](x)))));
  });

  it.each(Object.keys(F) as Array<keyof typeof F>)('%s: ℓ and s are the suprema (float64 grid), never below them', (name) => {
    const e = ACTIVATION_CONSTANTS[name];
    const { d1, d2 } = supDerivatives(F[name]);
    // Upper bound: ≥ every measured value (the grid quotient of f′ can only under-estimate s).
    expect(e.lipschitz).toBeGreaterThanOrEqual(d1 - 1e-6);
    // Tight: the supremum is reached (softplus only in the limit x → ∞: 1 − 6e-6 at x = 12).
    expect(e.lipschitz).toBeLessThanOrEqual(d1 * (1 + 1e-5) + 1e-5);
    if (e.smooth) {
      expect(e.smoothness).toBeGreaterThanOrEqual(d2 - 1e-4);
      expect(e.smoothness).toBeLessThanOrEqual(d2 * (1 + 2e-3) + 1e-6);
    } else {
      // σ′ jumps: its difference quotient over a tiny step blows up.
      expect(e.smoothness).toBe(Infinity);
      const f = F[name];
      const h = 1e-7;
      const d1 = (x: number) => (f(x + h) - f(x - h)) / (2 * h);
      const kinks = name === 'hardSigmoid' ? [2.5] : name === 'relu6' ? [6] : [0];
      const jump = Math.max(...kinks.map((k) => Math.abs(d1(k + 1e-4) - d1(k - 1e-4)) / 2e-4));
      expect(jump).toBeGreaterThan(100);
    }
  });

  it('softmax: ½-Lipschitz and its Jacobian 3/2-Lipschitz (float64 sampling stays below)', () => {
    const e = ACTIVATION_CONSTANTS.softmax;
    expect([e.lipschitz, e.smoothness, e.elementwise]).toEqual([0.5, 1.5, false]);
    const soft = (z: number[]) => {
      const m = Math.max(...z);
      const ex = z.map((v) => Math.exp(v - m));
      const s = ex.reduce((a, b) => a + b, 0);
      return ex.map((v) => v / s);
    };
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 6;
    for (let t = 0; t < 200; t++) {
      const z = [rnd(), rnd(), rnd()];
      const dz = [rnd(), rnd(), rnd()].map((v) => v * 1e-3);
      const a = soft(z);
      const b = soft(z.map((v, i) => v + dz[i]!));
      const num = Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));
      const den = Math.sqrt(dz.reduce((s, v) => s + v * v, 0));
      expect(num / den).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ACTIVATION_CONSTANTS)).toBe(true);
    expect(Object.isFrozen(ACTIVATION_CONSTANTS.tanh)).toBe(true);
  });
});
