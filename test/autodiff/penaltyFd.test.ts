/**
 * Second-order gradients of a gradient penalty through dense, conv2d, conv2dTranspose,
 * avgPool, layer-norm and concat critics with every smooth tfjs-layers activation, checked
 * against central finite differences of the penalty (Richardson-extrapolated, float32).
 * Piecewise activations (relu-type, hardSigmoid, selu) make the penalty piecewise in the
 * weights; they are checked against the PyTorch fixtures (fixtures.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableSecondOrderGradients, registerTrainingKernels } from 'smoothgan/autodiff';
import { seededNormal } from '../helpers/tensors';
import { CRITICS, SMOOTH_ACTIVATIONS, gradientPenalty, layersActivation, penaltyAndGrads, type ActivationName, type Params } from './critics';

const TOL = 1e-3;
/** elu and softsign are C¹ but not C²: their second derivative jumps at 0. */
const KINKED: readonly ActivationName[] = ['elu', 'softsign'];

/** FD steps h and h/2 along unit directions; small ones where the penalty gradient has kinks. */
const stepsFor = (act: ActivationName): [number, number] => (KINKED.includes(act) ? [2e-3, 1e-3] : [2e-2, 1e-2]);

const hash = (s: string): number => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

function draw(critic: string, act: ActivationName, seed: number) {
  const spec = CRITICS[critic]!;
  const params: Record<string, Float32Array> = {};
  const shapes = spec.paramShapes(act);
  Object.entries(shapes).forEach(([k, shape], i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
    const z = seededNormal(n, seed + 101 * i);
    params[k] =
      k === 'gamma' ? z.map((v) => 1 + 0.3 * v) : shape.length === 1 ? z.map((v) => 0.3 * v) : z.map((v) => (1.5 * v) / Math.sqrt(fanIn));
  });
  const x = seededNormal(spec.inputShape.reduce((a, b) => a * b, 1), seed + 7);
  return { spec, shapes, params, x };
}

/** Smallest |pre-activation| of the critic at these weights. */
async function kinkMargin(c: ReturnType<typeof draw>, act: ActivationName): Promise<number> {
  const t = tf.tidy(() => {
    const p = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tf.tensor(v, c.shapes[k]!)]));
    const mins: tf.Tensor[] = [];
    const f = layersActivation(act);
    c.spec.forward(p, tf.tensor(c.x, c.spec.inputShape as number[]), (h, q) => {
      mins.push(tf.min(tf.abs(h)));
      return f(h, q);
    });
    return tf.min(tf.stack(mins));
  });
  const m = (await t.data())[0]!;
  t.dispose();
  return m;
}

/**
 * Seeded random weights and input. For elu and softsign (kinks in the penalty gradient at
 * zero pre-activations) redraw until every pre-activation is at least 5e-3 from 0, so that
 * the FD steps never cross a kink.
 */
async function randomCritic(critic: string, act: ActivationName) {
  const seed = hash(`${critic}/${act}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const c = draw(critic, act, seed + 1009 * attempt);
    if (!KINKED.includes(act) || (await kinkMargin(c, act)) >= 5e-3) return c;
  }
  throw new Error(`no draw with a kink margin for ${critic}/${act}`);
}

/**
 * Largest |analytic − FD| / ‖∇P‖ over two unit directions: the normalised gradient itself
 * and a random one. FD is Richardson-extrapolated from steps h and h/2.
 */
async function fdError(critic: string, actName: ActivationName): Promise<number> {
  const { spec, shapes, params, x } = await randomCritic(critic, actName);
  const act = layersActivation(actName);
  const names = Object.keys(shapes);
  const base: Params = Object.fromEntries(names.map((k) => [k, tf.tensor(params[k]!, shapes[k]!)]));
  const xt = tf.tensor(x, spec.inputShape as number[]);
  try {
    const { grads } = await penaltyAndGrads(spec, act, base, xt);
    const g = names.map((k) => grads[k] ?? new Float32Array(params[k]!.length));
    const gNorm = Math.sqrt(g.reduce((s, a) => s + a.reduce((t, v) => t + v * v, 0), 0));
    expect(gNorm, 'penalty gradient is not zero').toBeGreaterThan(1e-4);
    const random = names.map((k, i) => seededNormal(params[k]!.length, hash(k) + 13 * i));
    const rNorm = Math.sqrt(random.reduce((s, a) => s + a.reduce((t, v) => t + v * v, 0), 0));
    const directions = [g.map((a) => a.map((v) => v / gNorm)), random.map((a) => a.map((v) => v / rNorm))];
    let worst = 0;
    for (const v of directions) {
      const analytic = g.reduce((s, a, i) => s + a.reduce((t, gv, j) => t + gv * v[i]![j]!, 0), 0);
      const at = (h: number) =>
        gradientPenalty((xi) => spec.forward(Object.fromEntries(names.map((k, i) => [k, tf.add(base[k]!, tf.mul(h, tf.tensor(v[i]!, shapes[k]!)))])), xi, act), xt);
      const steps = stepsFor(actName);
      const values = tf.tidy(() => tf.stack(steps.flatMap((h) => [at(h), at(-h)])));
      const [p1, m1, p2, m2] = await values.data();
      values.dispose();
      const d1 = (p1! - m1!) / (2 * steps[0]);
      const d2 = (p2! - m2!) / (2 * steps[1]);
      const fd = (4 * d2 - d1) / 3;
      worst = Math.max(worst, Math.abs(analytic - fd) / gNorm);
    }
    return worst;
  } finally {
    tf.dispose([xt, ...Object.values(base)]);
  }
}

const FD_ACTIVATIONS = SMOOTH_ACTIVATIONS.filter((a) => a !== 'logSoftmax'); // tf.logSoftmax: see fixtures.test.ts

describe('the finite-difference check has teeth (stock tfjs)', () => {
  it('dense + tanh is wrong before enableSecondOrderGradients', async () => {
    expect(await fdError('dense', 'tanh')).toBeGreaterThan(10 * TOL);
  });
});

describe('gradient-penalty gradients match finite differences', () => {
  const worst: Record<string, number> = {};
  beforeAll(() => {
    enableSecondOrderGradients();
    registerTrainingKernels();
  });
  afterAll(() => {
    if (!process.env.SMOOTHGAN_AUTODIFF_REPORT) return;
    const top = Object.entries(worst).sort((a, b) => b[1] - a[1]);
    console.log(`FD: worst ${top[0]![0]} ${top[0]![1].toExponential(2)}, median ${top[top.length >> 1]![1].toExponential(2)} over ${top.length} cases`);
  });
  describe.each(Object.keys(CRITICS))('%s critic', (critic) => {
    it.each(FD_ACTIVATIONS)('%s', async (act) => {
      const e = await fdError(critic, act);
      worst[`${critic}/${act}`] = e;
      expect(e).toBeLessThanOrEqual(TOL);
    });
  });
});
