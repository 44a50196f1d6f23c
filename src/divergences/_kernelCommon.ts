/**
 * Shared pieces of the kernels: input checks, pairwise squared distances with 2-D products,
 * and the builder of a kernel from its profile. Not exported from the family barrel.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkPositive } from '../_internal/validate.js';
import type { Kernel } from './types.js';

/** Checks two feature matrices `[n, d]`, `[m, d]`; for `paired`, also n = m. */
export function checkFeaturePair(fn: string, x: unknown, y: unknown, paired: boolean, names = ['x', 'y']): [tf.Tensor2D, tf.Tensor2D] {
  const [nx, ny] = names as [string, string];
  const a = checkFloatTensor(fn, nx, x, 2) as tf.Tensor2D;
  const b = checkFloatTensor(fn, ny, y, 2) as tf.Tensor2D;
  if (a.shape[1] !== b.shape[1]) fail(fn, ny, `of shape [m,${a.shape[1]}] (the same feature size as ${nx})`, b);
  if (paired && a.shape[0] !== b.shape[0]) fail(fn, ny, `of shape [${a.shape.join(',')}] like ${nx}`, b);
  return [a, b];
}

/**
 * Squared distances D[i, j] = ‖x_i − y_j‖² from one 2-D product, after a common shift by the
 * mean of x (which reduces cancellation); clipped at 0. For `x === y` the result is exactly
 * symmetric with a zero diagonal.
 */
export function squaredDistances(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  const same = x === y;
  const shift = tf.mean(x, 0, true);
  const xc = tf.sub(x, shift) as tf.Tensor2D;
  const yc = same ? xc : (tf.sub(y, shift) as tf.Tensor2D);
  const xx = tf.sum(tf.square(xc), 1, true);
  const yy = same ? xx : tf.sum(tf.square(yc), 1, true);
  const cross = tf.matMul(xc, yc, false, true);
  const d2 = tf.relu(tf.add(tf.sub(xx, tf.mul(2, cross)), tf.reshape(yy, [1, -1]))) as tf.Tensor2D;
  if (!same) return d2;
  // Exact symmetry (products may round differently above and below the diagonal) and a zero diagonal.
  const symmetric = tf.mul(0.5, tf.add(d2, tf.transpose(d2)));
  return tf.mul(symmetric, tf.sub(1, tf.eye(x.shape[0]))) as tf.Tensor2D;
}

/** Row-wise squared distances ‖x_i − y_i‖², `[n]`. */
export const pairedSquaredDistances = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D =>
  tf.sum(tf.square(tf.sub(x, y)), 1) as tf.Tensor1D;

/** A kernel k(x, y) = φ(‖x − y‖²) given its profile φ, as a frozen object with `extra` fields. */
export function stationaryKernel<E extends object>(
  factory: string,
  name: string,
  profile: (d2: tf.Tensor) => tf.Tensor,
  extra: E,
): Kernel & E {
  return Object.freeze({
    kind: 'kernel' as const,
    name,
    ...extra,
    gram(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
      const [a, b] = checkFeaturePair(`${factory}.gram`, x, y, false);
      return tf.tidy(() => profile(squaredDistances(a, b))) as tf.Tensor2D;
    },
    paired(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
      const [a, b] = checkFeaturePair(`${factory}.paired`, x, y, true);
      return tf.tidy(() => profile(pairedSquaredDistances(a, b))) as tf.Tensor1D;
    },
  });
}

/** A positive number or a non-empty list of positive numbers, as a frozen array. */
export function checkPositiveList(fn: string, arg: string, value: unknown, fallback: readonly number[]): readonly number[] {
  if (value === undefined) return Object.freeze([...fallback]);
  if (typeof value === 'number') return Object.freeze([checkPositive(fn, arg, value)]);
  if (!Array.isArray(value) || value.length === 0) fail(fn, arg, 'a positive number or a non-empty array of them', value);
  return Object.freeze(value.map((v, i) => checkPositive(fn, `${arg}[${i}]`, v)));
}
