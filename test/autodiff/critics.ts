/**
 * Small critics for the second-order gradient tests, written with tfjs-core ops and the
 * activations of tfjs-layers itself. Twins of the critics in
 * scripts/fixtures/make_gp_fixtures.py (same shapes, layouts and formulas), so the float64
 * PyTorch fixtures apply to them.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ActivationIdentifier } from '@tensorflow/tfjs-layers/dist/keras_format/activation_config';
import { withTapeCleanup } from '../../src/_internal/tape';

export type Params = Record<string, tf.Tensor>;
/** An activation applied to a pre-activation; `p` holds PReLU's `alpha`. */
export type Act = (h: tf.Tensor, p: Params) => tf.Tensor;

/** The activation identifiers of tfjs-layers' `activation` option (plus logSoftmax, also registered). */
export const IDENTIFIER_ACTIVATIONS = [
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
] as const satisfies readonly ActivationIdentifier[];
// Compile-time check that the list above is every ActivationIdentifier of the installed tfjs-layers.
type Missing = Exclude<ActivationIdentifier, (typeof IDENTIFIER_ACTIVATIONS)[number]>;
export const _everyIdentifierListed: [Missing] extends [never] ? true : Missing = true;

/** Every tfjs-layers activation: identifiers, logSoftmax, and the advanced-activation layers. */
export const ALL_ACTIVATIONS = [...IDENTIFIER_ACTIVATIONS, 'logSoftmax', 'leakyReLU', 'prelu', 'thresholdedReLU'] as const;
export type ActivationName = (typeof ALL_ACTIVATIONS)[number];

/**
 * Activations whose first derivative is continuous (C¹ penalty in the weights), so a
 * penalty gradient can be checked with finite differences. The others are piecewise
 * (relu-type, hardSigmoid, selu's derivative jumps at 0): they are checked against the
 * PyTorch fixtures.
 */
export const SMOOTH_ACTIVATIONS: readonly ActivationName[] = [
  'elu',
  'linear',
  'sigmoid',
  'softmax',
  'logSoftmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
];

/** The tfjs-layers activation `name`, as a function of tensors (built once, applied eagerly). */
export function layersActivation(name: ActivationName, alpha?: number): Act {
  if (name === 'prelu') return (h, p) => tf.prelu(h, p.alpha!); // what tfl's PReLU layer calls, with alpha a parameter here
  const layer =
    name === 'leakyReLU'
      ? tfl.layers.leakyReLU(alpha === undefined ? {} : { alpha })
      : name === 'thresholdedReLU'
        ? tfl.layers.thresholdedReLU()
        : tfl.layers.activation({ activation: name as ActivationIdentifier });
  return (h) => layer.apply(h) as tf.Tensor;
}

const flatten = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [t.shape[0]!, -1]) as tf.Tensor2D;
const dense = (h: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor => {
  const y = tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D);
  return b ? tf.add(y, b) : y;
};
const out = (h: tf.Tensor, p: Params): tf.Tensor => tf.squeeze(dense(flatten(h), p.wo!, p.bo!), [1]);

export interface CriticSpec {
  readonly inputShape: readonly number[];
  /** Parameter shapes (tfjs layouts); PReLU adds `alpha` (dense critic only). */
  paramShapes(act: ActivationName): Record<string, number[]>;
  /** One critic value per example, `[batch]`. */
  forward(p: Params, x: tf.Tensor, act: Act): tf.Tensor;
}


export const CRITICS: Record<string, CriticSpec> = {
  dense: {
    inputShape: [4, 5],
    paramShapes: (act) => ({ w1: [5, 6], b1: [6], wo: [6, 1], bo: [1], ...(act === 'prelu' ? { alpha: [6] } : {}) }),
    forward: (p, x, act) => out(act(dense(x, p.w1!, p.b1), p), p),
  },
  // DCGAN-like: conv 4×4 s2 same → act → conv 4×4 s2 same → act → dense, non-square odd sizes.
  dcgan: {
    inputShape: [3, 10, 6, 2],
    paramShapes: () => ({ w1: [4, 4, 2, 4], b1: [4], w2: [4, 4, 4, 8], b2: [8], wo: [48, 1], bo: [1] }),
    forward: (p, x, act) => {
      const h = act(tf.add(tf.conv2d(x as tf.Tensor4D, p.w1 as tf.Tensor4D, 2, 'same'), p.b1!), p);
      return out(act(tf.add(tf.conv2d(h as tf.Tensor4D, p.w2 as tf.Tensor4D, 2, 'same'), p.b2!), p), p);
    },
  },
  // conv2dTranspose 4×4 s2 same (3×3 → 6×6) → act → conv 3×3 s2 valid → act → dense.
  convTranspose: {
    inputShape: [3, 3, 3, 4],
    paramShapes: () => ({ w1: [4, 4, 3, 4], b1: [3], w2: [3, 3, 3, 2], b2: [2], wo: [8, 1], bo: [1] }),
    forward: (p, x, act) => {
      const b = x.shape[0]!;
      const h = act(tf.add(tf.conv2dTranspose(x as tf.Tensor4D, p.w1 as tf.Tensor4D, [b, 6, 6, 3], 2, 'same'), p.b1!), p);
      return out(act(tf.add(tf.conv2d(h as tf.Tensor4D, p.w2 as tf.Tensor4D, 2, 'valid'), p.b2!), p), p);
    },
  },
  // conv 3×3 s1 same → act → avgPool 2×2 s2 valid → dense.
  avgPool: {
    inputShape: [3, 6, 6, 2],
    paramShapes: () => ({ w1: [3, 3, 2, 3], b1: [3], wo: [27, 1], bo: [1] }),
    forward: (p, x, act) => {
      const h = act(tf.add(tf.conv2d(x as tf.Tensor4D, p.w1 as tf.Tensor4D, 1, 'same'), p.b1!), p);
      return out(tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid'), p);
    },
  },
  // dense → layer norm over the last axis (eps 1e-3, as tfjs-layers computes it) → act → dense.
  layerNorm: {
    inputShape: [4, 5],
    paramShapes: () => ({ w1: [5, 6], gamma: [6], beta: [6], wo: [6, 1], bo: [1] }),
    forward: (p, x, act) => {
      const h = dense(x, p.w1!);
      const [b, f] = h.shape as [number, number];
      const { mean, variance } = tf.moments(h, -1, true);
      // tfjs-layers LayerNormalization: tiled moments / scale / offset, then tf.batchNorm.
      const normed = tf.batchNorm(
        h,
        tf.tile(mean, [1, f]),
        tf.tile(variance, [1, f]),
        tf.tile(tf.reshape(p.beta!, [1, f]), [b, 1]),
        tf.tile(tf.reshape(p.gamma!, [1, f]), [b, 1]),
        1e-3,
      );
      return out(act(normed, p), p);
    },
  },
  // [act(x W1 + b1), tanh(x W2 + b2)] concatenated → dense.
  concat: {
    inputShape: [4, 5],
    paramShapes: () => ({ w1: [5, 4], b1: [4], w2: [5, 3], b2: [3], wo: [7, 1], bo: [1] }),
    forward: (p, x, act) => out(tf.concat([act(dense(x, p.w1!, p.b1), p), tf.tanh(dense(x, p.w2!, p.b2))], 1), p),
  },
};

/** WGAN-GP-style penalty mean_i (‖∇ₓ Σⱼ D(xⱼ)‖ᵢ − 1)², per-example norms over all non-batch axes. */
export function gradientPenalty(forward: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Scalar {
  const gx = tf.grad((xi: tf.Tensor) => tf.sum(forward(xi)))(x);
  const norms = tf.sqrt(tf.sum(tf.square(flatten(gx)), 1));
  return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
}

/**
 * The penalty and its gradient with respect to every parameter (double backprop), as
 * arrays. A parameter that does not reach the penalty gets `null` (tfjs omits it).
 */
export async function penaltyAndGrads(
  critic: CriticSpec,
  act: Act,
  params: Params,
  x: tf.Tensor,
): Promise<{ penalty: number; grads: Record<string, Float32Array | null> }> {
  const names = Object.keys(params);
  const vars = names.map((k) => tf.variable(params[k]!, true, undefined, 'float32'));
  try {
    const { value, grads } = tf.tidy(() =>
      withTapeCleanup(() =>
        tf.variableGrads(() => {
          const p = Object.fromEntries(names.map((k, i) => [k, vars[i]!]));
          return gradientPenalty((xi) => critic.forward(p, xi, act), x);
        }, vars),
      ),
    );
    const out: Record<string, Float32Array | null> = {};
    for (let i = 0; i < names.length; i++) {
      const g = grads[vars[i]!.name];
      out[names[i]!] = g ? ((await g.data()) as Float32Array) : null;
    }
    const penalty = (await value.data())[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return { penalty, grads: out };
  } finally {
    vars.forEach((v) => v.dispose());
  }
}
