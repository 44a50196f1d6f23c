/**
 * The two σ estimators the wrapper and the projection share, as pure functions of the kernel
 * and the persistent vectors: reshaped kernel (SN-GAN) and true operator (Gouk et al.).
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { keepNonZeroRows, normalizeRows } from './_math.js';
import {
  conv1dOperator,
  conv2dOperator,
  conv2dTransposeOperator,
  depthwiseConv2dOperator,
  type ConvPadding,
  type LinearOperator,
} from './linearOperators.js';
import { iterateOperator } from './powerIteration.js';
import { kernelMatrices, type KernelLayout } from './reshapedKernel.js';

/** How σ is estimated: SN-GAN's reshaped kernel, or the layer's true linear operator. */
export type SpectralNormMode = 'reshape' | 'operator';

/** Geometry of a convolution, needed for the operator σ. */
export interface ConvGeometry {
  /** Per-example input shape, channels last: `[h, w, c]` (conv2d-like) or `[w, c]` (conv1d). */
  readonly inputShape: readonly number[];
  readonly strides: readonly number[];
  readonly padding: ConvPadding;
  readonly dilations: readonly number[];
}

/** σ estimator bound to one kernel shape. */
export interface SpectralMap {
  readonly mode: SpectralNormMode;
  /** Shape of the persistent left (output-side) vector u. */
  readonly uShape: readonly number[];
  /** Shape of the right (input-side) vector v. */
  readonly vShape: readonly number[];
  /**
   * `iterations` ≥ 0 power-iteration steps from u; returns new unit vectors (caller owns).
   * With 0 steps: u normalised and v = Aᵀu/‖Aᵀu‖. A u block that would become zero (an
   * all-zero kernel block) keeps its previous direction instead of collapsing for good.
   */
  iterate(kernel: tf.Tensor, u: tf.Tensor, iterations: number, eps: number): { u: tf.Tensor; v: tf.Tensor };
  /** σ = uᵀ A(kernel) v, differentiable in the kernel (u, v are constants). */
  sigma(kernel: tf.Tensor, u: tf.Tensor, v: tf.Tensor): tf.Scalar;
}

/** Shapes of the reshaped-kernel stack `[b, rest, out]` without computing it. */
function matrixShape(layout: KernelLayout, s: readonly number[]): [number, number, number] {
  switch (layout) {
    case 'dense':
    case 'embedding':
      return [1, s[0]!, s[1]!];
    case 'conv1d':
      return [1, s[0]! * s[1]!, s[2]!];
    case 'conv2d':
      return [1, s[0]! * s[1]! * s[2]!, s[3]!];
    case 'conv2dTranspose':
      return [1, s[0]! * s[1]! * s[3]!, s[2]!];
    case 'depthwiseConv2d':
      return [s[2]!, s[0]! * s[1]!, s[3]!];
  }
}

/** Reshapes only when the shape differs (every tfjs op, even a no-op reshape, is a kernel launch). */
function shaped(t: tf.Tensor, shape: number[]): tf.Tensor {
  return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : tf.reshape(t, shape);
}

/**
 * SN-GAN's estimator on the reshaped kernel. u: `[b, out]`, v: `[b, rest]` (b = 1 except for
 * depthwise kernels, whose reshaped matrix is block-diagonal over the b input channels; then
 * σ = max over blocks). Written to launch few kernels: the forward pass runs it on every
 * application of the layer.
 */
export function reshapeMap(layout: KernelLayout, kernelShape: readonly number[]): SpectralMap {
  const [b, rest, out] = matrixShape(layout, kernelShape);
  // b = 1: the kernel as a [rest, out] matrix, no copy unless a transpose is needed.
  const matrix2d = (kernel: tf.Tensor): tf.Tensor2D =>
    (layout === 'conv2dTranspose' ? tf.reshape(tf.transpose(kernel, [0, 1, 3, 2]), [rest, out]) : shaped(kernel, [rest, out])) as tf.Tensor2D;
  // M u (→ [b, rest]) and Mᵀ v (→ [b, out]) for u: [b, out], v: [b, rest].
  const mv = (m: tf.Tensor, u: tf.Tensor): tf.Tensor2D =>
    b === 1
      ? tf.matMul(shaped(u, [1, out]) as tf.Tensor2D, m as tf.Tensor2D, false, true)
      : (tf.reshape(tf.matMul(m as tf.Tensor3D, tf.reshape(u, [b, out, 1]) as tf.Tensor3D), [b, rest]) as tf.Tensor2D);
  const mtv = (m: tf.Tensor, v: tf.Tensor): tf.Tensor2D =>
    b === 1
      ? tf.matMul(shaped(v, [1, rest]) as tf.Tensor2D, m as tf.Tensor2D)
      : (tf.reshape(tf.matMul(m as tf.Tensor3D, tf.reshape(v, [b, rest, 1]) as tf.Tensor3D, true, false), [b, out]) as tf.Tensor2D);
  const matrices = (kernel: tf.Tensor): tf.Tensor => (b === 1 ? matrix2d(kernel) : kernelMatrices(kernel, layout));
  return {
    mode: 'reshape',
    uShape: [b, out],
    vShape: [b, rest],
    iterate(kernel, u0, iterations, eps) {
      return tf.tidy(() => {
        const m = matrices(kernel);
        const start = normalizeRows(shaped(u0, [b, out]) as tf.Tensor2D, eps);
        let u = start;
        let v: tf.Tensor2D | undefined;
        for (let i = 0; i < iterations; i++) {
          v = normalizeRows(mv(m, u), eps);
          u = normalizeRows(mtv(m, v), eps);
        }
        // A zero kernel block sends u to 0 for good: keep the start direction there instead.
        if (iterations > 0) u = keepNonZeroRows(u, start);
        v ??= normalizeRows(mv(m, u), eps);
        return { u, v };
      });
    },
    sigma(kernel, u, v) {
      return tf.tidy(() => {
        const m = matrices(kernel);
        if (b === 1) return tf.sum(tf.mul(mtv(m, v), shaped(u, [1, out])));
        return tf.max(tf.sum(tf.mul(mtv(m, v), shaped(u, [b, out])), 1));
      }) as tf.Scalar;
    },
  };
}

/** The true linear operator of a conv layer with the given kernel. */
export function convLayerOperator(layout: KernelLayout, kernel: tf.Tensor, g: ConvGeometry): LinearOperator {
  switch (layout) {
    case 'conv2d':
      return conv2dOperator({ kernel, inputShape: g.inputShape, strides: g.strides, padding: g.padding, dilations: g.dilations });
    case 'conv1d':
      return conv1dOperator({
        kernel,
        inputShape: g.inputShape,
        stride: g.strides[0],
        padding: g.padding,
        dilation: g.dilations[0],
      });
    case 'conv2dTranspose':
      return conv2dTransposeOperator({ kernel, inputShape: g.inputShape, strides: g.strides, padding: g.padding });
    case 'depthwiseConv2d':
      return depthwiseConv2dOperator({
        kernel,
        inputShape: g.inputShape,
        strides: g.strides,
        padding: g.padding,
        dilations: g.dilations,
      });
    default:
      throw new Error(`convLayerOperator: '${layout}' is not a convolution`);
  }
}

/**
 * Estimator on the layer's true linear operator (Gouk et al. 2021; Farnia, Zhang & Tse 2019).
 * u has the operator's output shape `[1, ...]`, v its input shape. For dense and embedding
 * layouts the operator is the matrix, so this is {@link reshapeMap}.
 */
export function operatorMap(layout: KernelLayout, kernel: tf.Tensor, geometry: ConvGeometry): SpectralMap {
  if (layout === 'dense' || layout === 'embedding') return { ...reshapeMap(layout, kernel.shape), mode: 'operator' };
  const probe = convLayerOperator(layout, kernel, geometry);
  return {
    mode: 'operator',
    uShape: probe.outputShape,
    vShape: probe.inputShape,
    iterate(k, u0, iterations, eps) {
      return iterateOperator(convLayerOperator(layout, k, geometry), u0, iterations, eps);
    },
    sigma(k, u, v) {
      return tf.tidy(() => {
        const op = convLayerOperator(layout, k, geometry);
        return tf.sum(tf.mul(tf.reshape(u, op.outputShape as number[]), op.apply(v))) as tf.Scalar;
      });
    },
  };
}
