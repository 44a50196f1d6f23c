/**
 * A probe of second-order gradient support on the current backend, op by op.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, checkPositive } from '../_internal/validate.js';
import { createRng } from '../_internal/rng.js';
import { withTapeCleanup } from '../_internal/tape.js';

/** Result of one probe case of {@link checkSecondOrderSupport}. */
export interface SecondOrderCaseResult {
  /** Case name, e.g. `'conv2d'` or `'activation:tanh'`. */
  readonly name: string;
  /** `'op'` for a layer operation (with softplus around it), `'activation'` for an activation between two dense layers. */
  readonly kind: 'op' | 'activation';
  /** `'ok'`: matches finite differences; `'throws'`: tfjs threw; `'wrong'`: relative error above the tolerance. */
  readonly status: 'ok' | 'throws' | 'wrong';
  /** Largest relative error of the penalty's directional derivatives against central finite differences (NaN when it threw). */
  readonly relativeError: number;
  /** The error message when `status` is `'throws'`. */
  readonly message?: string;
}

/** Options of {@link checkSecondOrderSupport}. */
export interface CheckSecondOrderSupportOptions {
  /** Relative error above which a case is `'wrong'`. @defaultValue 2e-2 */
  readonly tolerance?: number;
  /** Only run the cases whose name contains one of these strings. @defaultValue all cases */
  readonly only?: readonly string[];
  /** Seed of the random weights, inputs and directions. @defaultValue 0 */
  readonly seed?: number;
}

/** The report of {@link checkSecondOrderSupport}. */
export interface SecondOrderSupportReport {
  /** `tf.getBackend()` when the probe ran. */
  readonly backend: string;
  readonly cases: readonly SecondOrderCaseResult[];
  /** True when every case is `'ok'`. */
  readonly allOk: boolean;
}

type Params = Record<string, tf.Tensor>;
interface ProbeCase {
  name: string;
  kind: 'op' | 'activation';
  /** Input shape including the batch axis. */
  inputShape: number[];
  /** Parameter shapes. */
  params: Record<string, number[]>;
  /** Critic output, one value per example. */
  forward: (p: Params, x: tf.Tensor) => tf.Tensor;
}

const sp = tf.softplus;
const flatten = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [t.shape[0]!, -1]) as tf.Tensor2D;
const head = (p: Params, h: tf.Tensor): tf.Tensor => tf.squeeze(tf.add(tf.matMul(flatten(h), p.wo as tf.Tensor2D), p.bo!), [1]);

/**
 * Activations of tfjs-layers written with tfjs-core ops, as tfjs-layers 4.22 computes them
 * (the tests check the two agree).
 * @internal
 */
export const LAYERS_ACTIVATIONS: Readonly<Record<string, (x: tf.Tensor) => tf.Tensor>> = {
  elu: (x) => tf.elu(x),
  hardSigmoid: (x) => tf.clipByValue(tf.add(tf.mul(0.2, x), 0.5), 0, 1),
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.minimum(6, tf.relu(x)),
  selu: (x) => tf.selu(x),
  sigmoid: (x) => tf.sigmoid(x),
  softmax: (x) => tf.softmax(x),
  logSoftmax: (x) => tf.logSoftmax(x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(1, tf.abs(x))),
  tanh: (x) => tf.tanh(x),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  gelu: (x) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
  gelu_new: (x) =>
    tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
  leakyReLU: (x) => tf.leakyRelu(x, 0.3),
  prelu: (x) => tf.prelu(x, tf.fill([x.shape[x.rank - 1]!], 0.25)),
  thresholdedReLU: (x) => tf.mul(x, tf.cast(tf.greater(x, 1), 'float32')),
};

function opCases(): ProbeCase[] {
  const conv = (x: tf.Tensor, w: tf.Tensor, s: number) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, 'same');
  return [
    {
      name: 'dense',
      kind: 'op',
      inputShape: [3, 4],
      params: { w: [4, 5], b: [5], wo: [5, 1], bo: [1] },
      forward: (p, x) => head(p, sp(tf.add(tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D), p.b!))),
    },
    {
      name: 'conv2d',
      kind: 'op',
      inputShape: [2, 6, 5, 2],
      params: { w: [3, 3, 2, 3], b: [3], wo: [27, 1], bo: [1] },
      forward: (p, x) => head(p, sp(tf.add(conv(x, p.w!, 2), p.b!))),
    },
    {
      name: 'conv2dTranspose',
      kind: 'op',
      inputShape: [2, 3, 3, 3],
      params: { w: [3, 3, 2, 3], wo: [72, 1], bo: [1] },
      forward: (p, x) => head(p, sp(tf.conv2dTranspose(x as tf.Tensor4D, p.w as tf.Tensor4D, [2, 6, 6, 2], 2, 'same'))),
    },
    {
      name: 'depthwiseConv2d',
      kind: 'op',
      inputShape: [2, 5, 5, 2],
      params: { w: [3, 3, 2, 2], wo: [100, 1], bo: [1] },
      forward: (p, x) => head(p, sp(tf.depthwiseConv2d(x as tf.Tensor4D, p.w as tf.Tensor4D, 1, 'same'))),
    },
    {
      name: 'avgPool',
      kind: 'op',
      inputShape: [2, 6, 6, 2],
      params: { w: [3, 3, 2, 3], wo: [27, 1], bo: [1] },
      forward: (p, x) => head(p, tf.avgPool(sp(conv(x, p.w!, 1)) as tf.Tensor4D, 2, 2, 'valid')),
    },
    {
      name: 'maxPool',
      kind: 'op',
      inputShape: [2, 6, 6, 2],
      params: { w: [3, 3, 2, 3], wo: [27, 1], bo: [1] },
      forward: (p, x) => head(p, tf.maxPool(sp(conv(x, p.w!, 1)) as tf.Tensor4D, 2, 2, 'valid')),
    },
    {
      name: 'resizeNearestNeighbor',
      kind: 'op',
      inputShape: [2, 3, 3, 2],
      params: { w: [3, 3, 2, 2], wo: [72, 1], bo: [1] },
      forward: (p, x) => head(p, sp(conv(tf.image.resizeNearestNeighbor(sp(conv(x, p.w!, 1)) as tf.Tensor4D, [6, 6]), p.w!, 1))),
    },
    {
      name: 'resizeBilinear',
      kind: 'op',
      inputShape: [2, 3, 3, 2],
      params: { w: [3, 3, 2, 2], wo: [72, 1], bo: [1] },
      forward: (p, x) => head(p, sp(conv(tf.image.resizeBilinear(sp(conv(x, p.w!, 1)) as tf.Tensor4D, [6, 6]), p.w!, 1))),
    },
    {
      name: 'layerNorm',
      kind: 'op',
      inputShape: [3, 4],
      params: { w: [4, 6], g: [6], wo: [6, 1], bo: [1] },
      forward: (p, x) => {
        const h = tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D);
        const { mean, variance } = tf.moments(h, -1, true);
        return head(p, sp(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-3))), p.g!)));
      },
    },
    {
      name: 'batchNorm',
      kind: 'op',
      inputShape: [4, 3],
      params: { w: [3, 5], g: [5], o: [5], wo: [5, 1], bo: [1] },
      forward: (p, x) => {
        const h = tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D);
        const { mean, variance } = tf.moments(h, 0);
        return head(p, sp(tf.batchNorm(h, mean, variance, p.o!, p.g!, 1e-3)));
      },
    },
    {
      name: 'concat',
      kind: 'op',
      inputShape: [3, 4],
      params: { w: [4, 3], v: [4, 2], wo: [5, 1], bo: [1] },
      forward: (p, x) => {
        const a = sp(tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D));
        const b = tf.tanh(tf.matMul(x as tf.Tensor2D, p.v as tf.Tensor2D));
        return head(p, tf.concat([a, b], 1));
      },
    },
  ];
}

function activationCases(): ProbeCase[] {
  return Object.entries(LAYERS_ACTIVATIONS).map(([name, act]) => ({
    name: `activation:${name}`,
    kind: 'activation' as const,
    inputShape: [3, 4],
    params: { w: [4, 6], b: [6], wo: [6, 1], bo: [1] },
    forward: (p: Params, x: tf.Tensor) => head(p, act(tf.add(tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D), p.b!))),
  }));
}

/** The names of the probe cases, in report order. */
export function secondOrderProbeNames(): string[] {
  return [...opCases(), ...activationCases()].map((c) => c.name);
}

/** A stable small hash of a case name, so a case's random draw does not depend on `only`. */
function hashName(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  return h;
}

/** WGAN-GP-style penalty mean((‖∇ₓ Σ D(x)‖ − 1)²) with per-example norms. */
function penalty(c: ProbeCase, p: Params, x: tf.Tensor): tf.Scalar {
  const gx = tf.grad((xi: tf.Tensor) => tf.sum(c.forward(p, xi)))(x);
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(flatten(gx)), 1), 1e-12));
  return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
}

const EPSILONS = [3e-2, 1e-2, 3e-3, 1e-3];
const DIRECTIONS = 3;

async function runCase(c: ProbeCase, tolerance: number, seed: number): Promise<SecondOrderCaseResult> {
  const rng = createRng(seed);
  const randn = (shape: number[], scale: number) =>
    tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape, 'float32');
  const x = randn(c.inputShape, 1);
  const base: Params = {};
  for (const [k, shape] of Object.entries(c.params)) {
    const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 4;
    base[k] = randn(shape, 1 / Math.sqrt(fanIn));
  }
  const names = Object.keys(base);
  const vars = names.map((k) => tf.variable(base[k]!, true, undefined, 'float32'));
  const dirs: Params[] = Array.from({ length: DIRECTIONS }, () =>
    Object.fromEntries(names.map((k) => [k, randn(base[k]!.shape, 1)])),
  );
  const owned = [x, ...Object.values(base), ...vars, ...dirs.flatMap((d) => Object.values(d))];
  try {
    // Per direction: [analytic, then (f(+ε), f(−ε)) for each ε].
    let packed: tf.Tensor;
    try {
      packed = tf.tidy(() => {
        const byVar: Params = Object.fromEntries(names.map((k, i) => [k, vars[i]!]));
        const { grads } = withTapeCleanup(() => tf.variableGrads(() => penalty(c, byVar, x), vars));
        const rows = dirs.map((v) => {
          const terms = names.flatMap((k, i) => {
            const g = grads[vars[i]!.name];
            return g ? [tf.sum(tf.mul(g, v[k]!))] : [];
          });
          const analytic = terms.length > 0 ? tf.addN(terms) : tf.scalar(0);
          const shifted = EPSILONS.flatMap((eps) =>
            [1, -1].map((sign) =>
              penalty(c, Object.fromEntries(names.map((k) => [k, tf.add(base[k]!, tf.mul(sign * eps, v[k]!))])), x),
            ),
          );
          return tf.stack([analytic, ...shifted]);
        });
        return tf.stack(rows);
      });
    } catch (e) {
      return {
        name: c.name,
        kind: c.kind,
        status: 'throws',
        relativeError: Number.NaN,
        message: e instanceof Error ? e.message : String(e),
      };
    }
    const data = await packed.data();
    packed.dispose();
    const width = 1 + 2 * EPSILONS.length;
    let worst = 0;
    for (let d = 0; d < DIRECTIONS; d++) {
      const analytic = data[d * width]!;
      let best = Number.POSITIVE_INFINITY;
      EPSILONS.forEach((eps, j) => {
        const fd = (data[d * width + 1 + 2 * j]! - data[d * width + 2 + 2 * j]!) / (2 * eps);
        best = Math.min(best, Math.abs(fd - analytic) / Math.max(Math.abs(fd), Math.abs(analytic), 1e-3));
      });
      worst = Math.max(worst, best);
    }
    return { name: c.name, kind: c.kind, status: worst <= tolerance ? 'ok' : 'wrong', relativeError: worst };
  } finally {
    owned.forEach((t) => t.dispose());
  }
}

/**
 * Probes second-order gradient support of the current backend, op by op.
 *
 * For each case (dense, conv2d, conv2dTranspose, depthwiseConv2d, avgPool, maxPool,
 * resizeNearestNeighbor, resizeBilinear, layerNorm, batchNorm, concat, and every tfjs-layers
 * activation between two dense layers) it differentiates a WGAN-GP-style penalty
 * mean((‖∇ₓD(x)‖ − 1)²) with respect to the critic's weights, and compares three random
 * directional derivatives with central finite differences (several step sizes, the best kept).
 * A case is `'ok'`, `'throws'` (with tfjs's message) or `'wrong'` (relative error above
 * `tolerance`). Finite differences of piecewise-linear critics (ReLU-type activations) are
 * only meaningful away from kinks; a small step makes crossing one unlikely.
 *
 * A diagnostic: each case runs a few dozen small kernels; the whole probe takes about a
 * second on cpu or wasm. Leaves `tf.memory().numTensors` unchanged.
 *
 * @example
 * ```ts
 * enableSecondOrderGradients();
 * const report = await checkSecondOrderSupport();
 * console.table(report.cases);
 * ```
 */
export async function checkSecondOrderSupport(options?: CheckSecondOrderSupportOptions): Promise<SecondOrderSupportReport> {
  const fn = 'checkSecondOrderSupport';
  const o = checkOptions(fn, 'options', options);
  const tolerance = o.tolerance === undefined ? 2e-2 : checkPositive(fn, 'options.tolerance', o.tolerance);
  const seed = o.seed ?? 0;
  const cases = [...opCases(), ...activationCases()].filter(
    (c) => o.only === undefined || o.only.some((s) => c.name.includes(s)),
  );
  const results: SecondOrderCaseResult[] = [];
  for (const c of cases) results.push(await runCase(c, tolerance, seed * 7919 + hashName(c.name)));
  return { backend: tf.getBackend(), cases: results, allOk: results.every((r) => r.status === 'ok') };
}
