/**
 * The reshaped-kernel view of a weight: the matrix whose σ SN-GAN (Miyato et al. 2018),
 * torch's `spectral_norm` and Keras' `SpectralNormalization` normalise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkOneOf } from '../_internal/validate.js';

/**
 * How a weight tensor is laid out, i.e. which axis holds the output units.
 *
 * - `'dense'`: `[in, out]` (tfjs `Dense` kernel).
 * - `'embedding'`: `[vocabulary, dim]` (tfjs `Embedding`; output axis = `dim`, as Keras).
 * - `'conv1d'`: `[k, in, out]`.
 * - `'conv2d'`: `[kh, kw, in, out]`.
 * - `'conv2dTranspose'`: `[kh, kw, out, in]` (tfjs `Conv2DTranspose`: output channels on
 *   axis 2, as torch's `dim=1` for `ConvTranspose2d`; Keras normalises over the last axis instead).
 * - `'depthwiseConv2d'`: `[kh, kw, in, multiplier]`: one small filter per input channel.
 */
export type KernelLayout = 'dense' | 'embedding' | 'conv1d' | 'conv2d' | 'conv2dTranspose' | 'depthwiseConv2d';

/**
 * Every {@link KernelLayout}, for validation and docs.
 * @example
 * ```ts
 * KERNEL_LAYOUTS.includes('conv2dTranspose'); // true
 * ```
 */
export const KERNEL_LAYOUTS: readonly KernelLayout[] = Object.freeze([
  'dense',
  'embedding',
  'conv1d',
  'conv2d',
  'conv2dTranspose',
  'depthwiseConv2d',
]);

const RANKS: Record<KernelLayout, number> = {
  dense: 2,
  embedding: 2,
  conv1d: 3,
  conv2d: 4,
  conv2dTranspose: 4,
  depthwiseConv2d: 4,
};

/** Checks a kernel against its layout's rank. @internal */
export function checkKernel(fn: string, arg: string, kernel: unknown, layout: KernelLayout): tf.Tensor {
  return checkFloatTensor(fn, arg, kernel, RANKS[layout]);
}

/**
 * The kernel as a stack of matrices `[b, rest, out]` for the wrapper's power iteration, without
 * copying when no transpose is needed. b = 1 except for depthwise kernels (b = input channels).
 * @internal
 */
export function kernelMatrices(kernel: tf.Tensor, layout: KernelLayout): tf.Tensor3D {
  const s = kernel.shape;
  switch (layout) {
    case 'dense':
    case 'embedding':
      return tf.reshape(kernel, [1, s[0]!, s[1]!]);
    case 'conv1d':
      return tf.reshape(kernel, [1, s[0]! * s[1]!, s[2]!]);
    case 'conv2d':
      return tf.reshape(kernel, [1, s[0]! * s[1]! * s[2]!, s[3]!]);
    case 'conv2dTranspose':
      return tf.reshape(tf.transpose(kernel, [0, 1, 3, 2]), [1, s[0]! * s[1]! * s[3]!, s[2]!]);
    case 'depthwiseConv2d':
      return tf.reshape(tf.transpose(kernel, [2, 0, 1, 3]), [s[2]!, s[0]! * s[1]!, s[3]!]);
  }
}

/**
 * The matrix that reshaped-kernel spectral normalisation normalises, in torch's orientation
 * `[out, rest]` (output units first; Miyato et al. 2018, Sec. 2 and Appendix):
 *
 * - dense `[in, out]` → `[out, in]`; embedding `[vocab, dim]` → `[dim, vocab]`;
 * - conv `[kh, kw, in, out]` → `[out, kh·kw·in]` (conv1d likewise);
 * - conv2dTranspose `[kh, kw, out, in]` → `[out, kh·kw·in]`;
 * - depthwise `[kh, kw, c, m]` → the block-diagonal `[c·m, c·kh·kw]` (block j maps channel j's
 *   window to its m outputs), whose σ is the largest per-channel σ.
 *
 * Honest caveat: for a convolution this σ is **not** the layer's operator norm. For stride 1
 * ‖conv‖ ≤ √(kh·kw)·σ_reshaped (Tsuzuku, Sato & Sugiyama 2018), and ‖conv‖ can exceed
 * σ_reshaped: a 3×3 box filter (all 1/9) has σ_reshaped = 1/3 but operator norm ≈ 1.
 * Use {@link conv2dOperator} and {@link operatorPowerIteration} for the operator norm.
 *
 * @param kernel - float32 weight in `layout`; not disposed.
 * @param layout - see {@link KernelLayout}.
 * @returns a new `[out, rest]` tensor the caller owns.
 * @throws `Error in reshapedKernelMatrix: layout must be one of …`, or a kernel of the wrong rank.
 * @example
 * ```ts
 * const m = reshapedKernelMatrix(tf.fill([3, 3, 1, 1], 1 / 9), 'conv2d'); // [1, 9], σ = 1/3
 * ```
 */
export function reshapedKernelMatrix(kernel: tf.Tensor, layout: KernelLayout): tf.Tensor2D {
  const fn = 'reshapedKernelMatrix';
  const l = checkOneOf(fn, 'layout', layout, KERNEL_LAYOUTS);
  const k = checkKernel(fn, 'kernel', kernel, l);
  return tf.tidy(() => {
    const mats = kernelMatrices(k, l);
    const [b, rest, out] = mats.shape;
    if (b === 1) return tf.transpose(tf.reshape(mats, [rest, out])) as tf.Tensor2D;
    // Block-diagonal: rows (channel j, multiplier i) → j·out + i; columns (j, tap t) → j·rest + t.
    const blocks = tf.transpose(mats, [0, 2, 1]); // [b, out, rest]
    const eye = tf.reshape(tf.eye(b), [b, 1, b, 1]);
    return tf.reshape(tf.mul(tf.reshape(blocks, [b, out, 1, rest]), eye), [b * out, b * rest]) as tf.Tensor2D;
  });
}

/** Fails unless `layout` is a known layout. @internal */
export function checkLayout(fn: string, arg: string, layout: unknown): KernelLayout {
  if (typeof layout !== 'string' || !(KERNEL_LAYOUTS as readonly string[]).includes(layout)) {
    fail(fn, arg, `one of ${KERNEL_LAYOUTS.map((l) => `'${l}'`).join(', ')}`, layout);
  }
  return layout as KernelLayout;
}
