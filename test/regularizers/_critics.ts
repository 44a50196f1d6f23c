/** Small critics with float64 reference implementations, for the regularizer tests. */
import * as tf from '@tensorflow/tfjs-core';
import type { AdversarialLoss } from 'smoothgan/losses';
import { seededNormal } from '../helpers/tensors';

/** f(x) = Σ x ⊙ w over the non-batch axes: ∇f = w at every x. */
export function linearCritic(w: tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  const axes = w.shape.map((_, i) => i + 1);
  return (x) => tf.sum(tf.mul(x, w), axes);
}

/** f(x) = (a/2)·Σ x² over the non-batch axes: ∇f(x) = a·x. */
export function quadraticCritic(a: number): (x: tf.Tensor) => tf.Tensor {
  return (x) => tf.mul(a / 2, tf.sum(tf.square(tf.reshape(x, [x.shape[0]!, -1])), 1));
}

export type Act = 'tanh' | 'softplus';
const act64 = (a: Act, z: number) => (a === 'tanh' ? Math.tanh(z) : Math.log1p(Math.exp(z)));
const dact64 = (a: Act, z: number) => (a === 'tanh' ? 1 - Math.tanh(z) ** 2 : 1 / (1 + Math.exp(-z)));

/** A one-hidden-layer MLP critic f(x) = vᵀ act(Wᵀx + b) + c with Variables, and its float64 twin. */
export interface Mlp {
  readonly d: number;
  readonly h: number;
  readonly act: Act;
  readonly vars: tf.Variable[]; // W [d,h], b [h], v [h,1], c [1]
  readonly critic: (x: tf.Tensor) => tf.Tensor;
  /** The parameters as one flat float64 array (W, b, v, c), read from the Variables. */
  flat(): Promise<number[]>;
  dispose(): void;
}

export function mlp(d: number, h: number, seed: number, act: Act = 'tanh', scale = 1): Mlp {
  const W = tf.variable(tf.tensor(seededNormal(d * h, seed, scale / Math.sqrt(d)), [d, h]), true, `W${seed}_${Math.random()}`);
  const b = tf.variable(tf.tensor(seededNormal(h, seed + 1, 0.3), [h]), true, `b${seed}_${Math.random()}`);
  const v = tf.variable(tf.tensor(seededNormal(h, seed + 2, scale / Math.sqrt(h)), [h, 1]), true, `v${seed}_${Math.random()}`);
  const c = tf.variable(tf.tensor([0.1], [1]), true, `c${seed}_${Math.random()}`);
  const a = act === 'tanh' ? tf.tanh : tf.softplus;
  const critic = (x: tf.Tensor) =>
    tf.reshape(tf.add(tf.matMul(a(tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, -1]) as tf.Tensor2D, W), b)) as tf.Tensor2D, v), c), [-1]);
  return {
    d,
    h,
    act,
    vars: [W, b, v, c],
    critic,
    async flat() {
      const parts = await Promise.all([W, b, v, c].map((t) => t.data()));
      return parts.flatMap((p) => Array.from(p));
    },
    dispose() {
      [W, b, v, c].forEach((t) => t.dispose());
    },
  };
}

/** Float64 value and input gradient of the MLP with flat parameters θ at a point x. */
export function mlp64(m: { d: number; h: number; act: Act }, theta: number[], x: number[]): { f: number; g: number[] } {
  const { d, h, act } = m;
  const W = (j: number, k: number) => theta[j * h + k]!;
  const b = (k: number) => theta[d * h + k]!;
  const v = (k: number) => theta[d * h + h + k]!;
  const c = theta[d * h + 2 * h]!;
  let f = c;
  const g = new Array<number>(d).fill(0);
  for (let k = 0; k < h; k++) {
    let z = b(k);
    for (let j = 0; j < d; j++) z += x[j]! * W(j, k);
    f += v(k) * act64(act, z);
    for (let j = 0; j < d; j++) g[j]! += v(k) * dact64(act, z) * W(j, k);
  }
  return { f, g };
}

/** Float64 penalty: weight·mean φ(‖∇f‖) (+ valueWeight·mean f²) over the rows of `points`. */
export function penalty64(
  m: { d: number; h: number; act: Act },
  theta: number[],
  points: number[][],
  o: { weight: number; centre: number; oneSided?: boolean; valueWeight?: number },
): number {
  let pen = 0;
  let val = 0;
  for (const x of points) {
    const { f, g } = mlp64(m, theta, x);
    const sq = g.reduce((s, gi) => s + gi * gi, 0);
    if (o.centre === 0) pen += sq;
    else {
      const gap = Math.sqrt(sq) - o.centre;
      pen += (o.oneSided ? Math.max(0, gap) : gap) ** 2;
    }
    val += f * f;
  }
  return (o.weight * pen + (o.valueWeight ?? 0) * val) / points.length;
}

/** Rows of a 2-D tensor as float64 arrays. */
export async function rows(t: tf.Tensor): Promise<number[][]> {
  const data = Array.from(await t.data());
  const n = t.shape[0]!;
  const d = data.length / n;
  return Array.from({ length: n }, (_, i) => data.slice(i * d, (i + 1) * d));
}

/** The Wasserstein loss written out (the losses family is tested elsewhere). */
export const wassersteinForTests: AdversarialLoss = Object.freeze<AdversarialLoss>({
  kind: 'adversarial-loss',
  name: 'wasserstein',
  generatorNeedsReal: false,
  discriminator: ({ real, fake }) => tf.tidy(() => tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar),
  generator: ({ fake }) => tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar),
});

/** A relativistic-average-style loss whose generator side needs D(real). */
export const relativisticForTests: AdversarialLoss = Object.freeze<AdversarialLoss>({
  kind: 'adversarial-loss',
  name: 'relativistic',
  generatorNeedsReal: true,
  discriminator: ({ real, fake }) => tf.tidy(() => tf.mean(tf.softplus(tf.neg(tf.sub(real, tf.mean(fake))))) as tf.Scalar),
  generator: ({ fake, real }) => tf.tidy(() => tf.mean(tf.softplus(tf.neg(tf.sub(fake, tf.mean(real!))))) as tf.Scalar),
});
