/**
 * Small tensor helpers shared by the spectral-norm files. Not exported from the package.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Identity in the forward pass, zero gradient in the backward pass (tfjs has no
 * `stopGradient`). Used so that power-iteration vectors act as constants inside a gradient.
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as never) as (x: tf.Tensor) => tf.Tensor;

/**
 * Standard-normal draw that honours every integer seed. tfjs treats a seed of 0 as "no seed"
 * (it falls back to Math.random), so the seed is shifted by ½, which never gives 0 and keeps
 * distinct integers distinct.
 */
export function seededStandardNormal(shape: readonly number[], seed: number): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, 'float32', seed + 0.5);
}

/** x / max(‖x‖₂, eps) over all entries (torch's `F.normalize` with eps). */
export function normalize(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x), eps));
}

/** Row-wise x / max(‖x_b‖₂, eps) for x of shape [b, n]. */
export function normalizeRows(x: tf.Tensor2D, eps: number): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), eps));
}

/**
 * Row-wise: keeps a row of `next` (rows of norm 1, or 0 where the kernel block is zero; shape
 * [b, n]) and falls back to the row of `prev` where it collapsed, so that an all-zero kernel
 * cannot trap the power iteration at u = 0. Written as a blend n·next + (1 − n)·prev with
 * n = ‖next_row‖ ∈ [0, 1], renormalised: no comparison op, so it is safe on a gradient tape
 * without the second-order patches.
 */
export function keepNonZeroRows(next: tf.Tensor2D, prev: tf.Tensor2D, eps: number): tf.Tensor2D {
  const n = tf.minimum(tf.norm(next, 'euclidean', 1, true), 1);
  return normalizeRows(tf.add(tf.mul(n, next), tf.mul(tf.sub(1, n), prev)) as tf.Tensor2D, eps);
}

/** Keeps `next` where every entry is finite, otherwise `prev` (no host read). */
export function keepIfFinite<T extends tf.Tensor>(next: T, prev: T): T {
  const ok = tf.all(tf.isFinite(next));
  return tf.where(ok, next, prev) as T;
}

/** Normalises a number-or-pair argument to a pair. */
export function pair(value: number | readonly number[] | undefined, fallback: number): [number, number] {
  if (value === undefined) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  if (value.length === 1) return [value[0]!, value[0]!];
  return [value[0]!, value[1]!];
}

/**
 * Inserts dilation − 1 zeros between the taps of a conv kernel `[kh, kw, a, b]`, giving the
 * equivalent undilated kernel `[(kh−1)·dh+1, (kw−1)·dw+1, a, b]`. Differentiable (reshape, pad,
 * slice), so the conv gradients, which tfjs supports only for dilation 1, apply.
 */
export function dilateKernel(kernel: tf.Tensor4D, dilations: [number, number]): tf.Tensor4D {
  const [dh, dw] = dilations;
  if (dh === 1 && dw === 1) return kernel;
  const [kh, kw, a, b] = kernel.shape;
  const k6 = tf.reshape(kernel, [kh, 1, kw, 1, a, b]);
  const padded = tf.pad(k6, [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  const full = tf.reshape(padded, [kh * dh, kw * dw, a, b]);
  return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b]) as tf.Tensor4D;
}

/**
 * The dense conv2d filter `[kh, kw, in, in·mult]` equivalent to a depthwise filter
 * `[kh, kw, in, mult]`: block-diagonal over the input channels, output channel c·mult + m.
 */
export function depthwiseToDenseKernel(kernel: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, m] = kernel.shape;
  const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
  const k5 = tf.reshape(kernel, [kh, kw, c, 1, m]);
  return tf.reshape(tf.mul(k5, eye), [kh, kw, c, c * m]);
}

/** Product of the entries of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
