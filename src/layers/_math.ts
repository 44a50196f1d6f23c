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

/** Floor of ‖x‖² in the normalisations: eps², kept above float32's smallest normal number. */
const sqFloor = (eps: number): number => Math.max(eps * eps, 1e-36);

/** x / max(‖x‖₂, eps) over all entries (torch's `F.normalize` with eps), as x·rsqrt(max(‖x‖², eps²)). */
export function normalize(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x)), sqFloor(eps))));
}

/** Row-wise x / max(‖x_b‖₂, eps) for x of shape [b, n]. */
export function normalizeRows(x: tf.Tensor2D, eps: number): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), sqFloor(eps))));
}

/**
 * Row-wise: keeps a row of `next` (rows of norm 1, or 0 where the kernel block is zero; shape
 * [b, n]) and falls back to the row of `prev` (a unit row) where it collapsed, so that an
 * all-zero kernel cannot trap the power iteration at u = 0. Written as the blend
 * n²·next + (1 − n²)·prev with n = ‖next_row‖ ∈ [0, 1] (n² is 1 up to rounding for a unit row):
 * no comparison op, so it is safe on a gradient tape without the second-order patches.
 */
export function keepNonZeroRows(next: tf.Tensor2D, prev: tf.Tensor2D): tf.Tensor2D {
  const n2 = tf.minimum(tf.sum(tf.square(next), 1, true), 1);
  return tf.add(tf.mul(n2, next), tf.mul(tf.sub(1, n2), prev)) as tf.Tensor2D;
}

/**
 * Keeps the pair (u, v) where both are finite, otherwise the previous pair (no host read). Unit
 * vectors cannot overflow, so one finiteness test of Σu + Σv decides.
 */
export function keepIfFinite(next: { u: tf.Tensor; v: tf.Tensor }, prev: { u: tf.Tensor; v: tf.Tensor }): { u: tf.Tensor; v: tf.Tensor } {
  const ok = tf.isFinite(tf.add(tf.sum(next.u), tf.sum(next.v)));
  return { u: tf.where(ok, next.u, prev.u), v: tf.where(ok, next.v, prev.v) };
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
