/**
 * The true linear operators of dense and convolutional layers, with their adjoints, for power
 * iteration on the operator itself (Gouk et al. 2021; Farnia, Zhang & Tse, ICLR 2019) rather
 * than on a reshaped kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkInteger, checkOneOf, checkOptions } from '../_internal/validate.js';
import { depthwiseToDenseKernel, dilateKernel } from './_math.js';

/**
 * A linear map A with its adjoint Aᵀ, as plain functions of tensors.
 *
 * `apply` takes a tensor of shape `inputShape` and returns one of shape `outputShape`;
 * `applyTranspose` goes back. Conv operators act on a single example: their shapes carry a
 * leading batch dimension of 1 (`[1, height, width, channels]`). `apply` is differentiable
 * with respect to the kernel the operator was built from, so σ = ⟨u, A v⟩ carries a gradient
 * to that kernel. Both return new tensors the caller owns.
 */
export interface LinearOperator {
  readonly kind: 'linearOperator';
  /** `'matrix'`, `'conv1d'`, `'conv2d'`, `'conv2dTranspose'` or `'depthwiseConv2d'`. */
  readonly name: string;
  /** Shape of the tensors `apply` takes (and `applyTranspose` returns). */
  readonly inputShape: readonly number[];
  /** Shape of the tensors `apply` returns (and `applyTranspose` takes). */
  readonly outputShape: readonly number[];
  /** A x. */
  apply(x: tf.Tensor): tf.Tensor;
  /** Aᵀ y. */
  applyTranspose(y: tf.Tensor): tf.Tensor;
}

/** Padding of a convolution, as tfjs-layers spells it. */
export type ConvPadding = 'valid' | 'same';

/** Options of {@link conv2dOperator}. */
export interface Conv2dOperatorOptions {
  /** The filter, `[kh, kw, inChannels, outChannels]` (tfjs layout). Not disposed. */
  readonly kernel: tf.Tensor;
  /** Per-example input shape `[height, width, inChannels]` (channels last). */
  readonly inputShape: readonly number[];
  /** Strides. @defaultValue 1 */
  readonly strides?: number | readonly number[];
  /** Padding. @defaultValue 'valid' */
  readonly padding?: ConvPadding;
  /** Dilation rates. @defaultValue 1 */
  readonly dilations?: number | readonly number[];
}

/** Options of {@link conv1dOperator}. */
export interface Conv1dOperatorOptions {
  /** The filter, `[k, inChannels, outChannels]`. Not disposed. */
  readonly kernel: tf.Tensor;
  /** Per-example input shape `[width, inChannels]`. */
  readonly inputShape: readonly number[];
  /** Stride. @defaultValue 1 */
  readonly stride?: number;
  /** Padding. @defaultValue 'valid' */
  readonly padding?: ConvPadding;
  /** Dilation rate. @defaultValue 1 */
  readonly dilation?: number;
}

/** Options of {@link conv2dTransposeOperator}. */
export interface Conv2dTransposeOperatorOptions {
  /** The filter, `[kh, kw, outChannels, inChannels]` (tfjs `Conv2DTranspose` layout). Not disposed. */
  readonly kernel: tf.Tensor;
  /** Per-example input shape `[height, width, inChannels]`. */
  readonly inputShape: readonly number[];
  /** Strides. @defaultValue 1 */
  readonly strides?: number | readonly number[];
  /** Padding. @defaultValue 'valid' */
  readonly padding?: ConvPadding;
  /**
   * Output spatial size `[height, width]`.
   * @defaultValue what tfjs-layers' `Conv2DTranspose` produces: h·s for `'same'`,
   *   h·s + max(k − s, 0) for `'valid'`.
   */
  readonly outputSize?: readonly number[];
}

/** Options of {@link depthwiseConv2dOperator}. */
export interface DepthwiseConv2dOperatorOptions {
  /** The filter, `[kh, kw, inChannels, depthMultiplier]`. Not disposed. */
  readonly kernel: tf.Tensor;
  /** Per-example input shape `[height, width, inChannels]`. */
  readonly inputShape: readonly number[];
  /** Strides. @defaultValue 1 */
  readonly strides?: number | readonly number[];
  /** Padding. @defaultValue 'valid' */
  readonly padding?: ConvPadding;
  /** Dilation rates. @defaultValue 1 */
  readonly dilations?: number | readonly number[];
}

const PADDINGS: readonly ConvPadding[] = ['valid', 'same'];

function checkPositiveInts(fn: string, arg: string, value: unknown, length: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(length).fill(value) : value;
  if (!Array.isArray(list) || (list.length !== length && list.length !== 1)) {
    fail(fn, arg, `a positive integer or ${length} positive integers`, value);
  }
  const out = list.length === 1 ? new Array<number>(length).fill(list[0] as number) : (list as number[]);
  out.forEach((v) => checkInteger(fn, arg, v, 1));
  return out;
}

function checkShape(fn: string, arg: string, value: unknown, rank: number, what: string): number[] {
  if (!Array.isArray(value) || value.length !== rank || value.some((d) => !Number.isInteger(d) || d < 1)) {
    fail(fn, arg, `${what} (${rank} positive integers)`, value);
  }
  return value as number[];
}

function conv2dOutSize(
  inShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number],
  padding: ConvPadding,
): [number, number] {
  const info = tf.backend_util.computeConv2DInfo(inShape, filterShape, strides, 1, padding);
  return [info.outHeight, info.outWidth];
}

function freezeOperator(op: LinearOperator): LinearOperator {
  return Object.freeze({ ...op, inputShape: Object.freeze([...op.inputShape]), outputShape: Object.freeze([...op.outputShape]) });
}

/**
 * The matrix itself as a {@link LinearOperator}: A v = M v for M of shape `[m, n]`, with
 * `inputShape` `[n]` and `outputShape` `[m]`.
 *
 * @param matrix - a float32 `[m, n]` tensor; not disposed, must outlive the operator.
 * @returns a frozen operator.
 * @throws `Error in matrixOperator: matrix must be a tensor of rank 2, …`.
 * @example
 * ```ts
 * const op = matrixOperator(tf.tensor2d([[3, 0], [0, 1]]));
 * op.apply(tf.tensor1d([1, 1])); // [3, 1]
 * ```
 */
export function matrixOperator(matrix: tf.Tensor): LinearOperator {
  const m = checkFloatTensor('matrixOperator', 'matrix', matrix, 2) as tf.Tensor2D;
  const [rows, cols] = m.shape;
  return freezeOperator({
    kind: 'linearOperator',
    name: 'matrix',
    inputShape: [cols],
    outputShape: [rows],
    apply: (x) => tf.tidy(() => tf.reshape(tf.matMul(m, tf.reshape(x, [cols, 1])), [rows])),
    applyTranspose: (y) => tf.tidy(() => tf.reshape(tf.matMul(m, tf.reshape(y, [rows, 1]), true, false), [cols])),
  });
}

/**
 * The linear operator of a 2-D convolution (no bias): x ↦ conv2d(x, K) with the layer's
 * stride, padding and dilation, on inputs of one fixed size; its adjoint is the transposed
 * convolution with the same filter and geometry. Dilation is handled by inserting zeros into
 * the filter, so gradients (which tfjs supports only for dilation 1) flow.
 *
 * Its spectral norm is the layer's true Lipschitz constant w.r.t. the Euclidean norm of the
 * input; the reshaped-kernel σ that SN-GAN normalises is a different number (see
 * {@link reshapedKernelMatrix}). With zero padding it depends on the input size.
 *
 * Shapes: `inputShape` `[1, h, w, inChannels]`, `outputShape` `[1, oh, ow, outChannels]`.
 *
 * @param options - kernel and geometry; see {@link Conv2dOperatorOptions}.
 * @returns a frozen operator that reads `options.kernel` (not copied, not disposed).
 * @throws `Error in conv2dOperator: …` for a kernel that is not rank 4, an input shape whose
 *   channel count differs from the kernel's, or bad strides/padding/dilations.
 * @example
 * ```ts
 * const box = tf.fill([3, 3, 1, 1], 1 / 9);
 * const op = conv2dOperator({ kernel: box, inputShape: [16, 16, 1], padding: 'same' });
 * operatorPowerIteration(op, { iterations: 100 }).sigma; // ≈ 0.977 (reshaped-kernel σ: 1/3)
 * ```
 */
export function conv2dOperator(options: Conv2dOperatorOptions): LinearOperator {
  const fn = 'conv2dOperator';
  const o = checkOptions(fn, 'options', options);
  const kernel = checkFloatTensor(fn, 'options.kernel', o.kernel, 4) as tf.Tensor4D;
  const [h, w, c] = checkShape(fn, 'options.inputShape', o.inputShape, 3, '[height, width, inChannels]') as [number, number, number];
  if (c !== kernel.shape[2]) {
    fail(fn, 'options.inputShape[2]', `the kernel's input channels ${kernel.shape[2]}`, c);
  }
  const strides = checkPositiveInts(fn, 'options.strides', o.strides ?? 1, 2) as [number, number];
  const dilations = checkPositiveInts(fn, 'options.dilations', o.dilations ?? 1, 2) as [number, number];
  const padding = checkOneOf(fn, 'options.padding', o.padding ?? 'valid', PADDINGS);
  return convOperator(fn, 'conv2d', () => kernel, kernel.shape, [h, w, c], strides, padding, dilations);
}

/**
 * Shared body of the conv2d-based operators (conv2d, conv1d, depthwise via a dense filter).
 * `makeFilter` builds the undilated 4-D filter from the user's kernel; it runs inside a tidy
 * on every application, so nothing outlives a call.
 */
function convOperator(
  fn: string,
  name: string,
  makeFilter: () => tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  inputShape: [number, number, number],
  strides: [number, number],
  padding: ConvPadding,
  dilations: [number, number],
): LinearOperator {
  const [kh, kw, ci, co] = filterShape;
  const effective: [number, number, number, number] = [(kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1, ci, co];
  const inShape: [number, number, number, number] = [1, ...inputShape];
  let out: [number, number] = [0, 0];
  try {
    out = conv2dOutSize(inShape, effective, strides, padding);
  } catch {
    out = [0, 0];
  }
  if (out[0] < 1 || out[1] < 1) {
    fail(fn, 'options.inputShape', `large enough for the kernel ${effective[0]}x${effective[1]}`, inputShape);
  }
  const outShape: [number, number, number, number] = [1, out[0], out[1], co];
  const filter = (): tf.Tensor4D => dilateKernel(makeFilter(), dilations);
  return freezeOperator({
    kind: 'linearOperator',
    name,
    inputShape: inShape,
    outputShape: outShape,
    apply: (x) => tf.tidy(() => tf.conv2d(tf.reshape(x, inShape) as tf.Tensor4D, filter(), strides, padding)),
    applyTranspose: (y) =>
      tf.tidy(() => tf.conv2dTranspose(tf.reshape(y, outShape) as tf.Tensor4D, filter(), inShape, strides, padding)),
  });
}

/**
 * The linear operator of a 1-D convolution (no bias), as {@link conv2dOperator} on a height-1
 * image. Shapes: `inputShape` `[1, width, inChannels]`, `outputShape` `[1, ow, outChannels]`.
 *
 * @param options - kernel and geometry; see {@link Conv1dOperatorOptions}.
 * @returns a frozen operator that reads `options.kernel`.
 * @throws `Error in conv1dOperator: …` for a kernel that is not rank 3 or mismatched channels.
 * @example
 * ```ts
 * const op = conv1dOperator({ kernel: tf.ones([3, 1, 1]), inputShape: [32, 1], padding: 'same' });
 * ```
 */
export function conv1dOperator(options: Conv1dOperatorOptions): LinearOperator {
  const fn = 'conv1dOperator';
  const o = checkOptions(fn, 'options', options);
  const kernel = checkFloatTensor(fn, 'options.kernel', o.kernel, 3) as tf.Tensor3D;
  const [w, c] = checkShape(fn, 'options.inputShape', o.inputShape, 2, '[width, inChannels]') as [number, number];
  if (c !== kernel.shape[1]) fail(fn, 'options.inputShape[1]', `the kernel's input channels ${kernel.shape[1]}`, c);
  const stride = checkInteger(fn, 'options.stride', o.stride ?? 1, 1);
  const dilation = checkInteger(fn, 'options.dilation', o.dilation ?? 1, 1);
  const padding = checkOneOf(fn, 'options.padding', o.padding ?? 'valid', PADDINGS);
  const [k, ci, co] = kernel.shape;
  const inner = convOperator(
    fn,
    'conv1d',
    () => tf.reshape(kernel, [1, k, ci, co]) as tf.Tensor4D,
    [1, k, ci, co],
    [1, w, c],
    [1, stride],
    padding,
    [1, dilation],
  );
  const inShape = [1, w, c];
  const outShape = [1, inner.outputShape[2]!, inner.outputShape[3]!];
  return freezeOperator({
    kind: 'linearOperator',
    name: 'conv1d',
    inputShape: inShape,
    outputShape: outShape,
    apply: (x) => tf.tidy(() => tf.reshape(inner.apply(x), outShape)),
    applyTranspose: (y) => tf.tidy(() => tf.reshape(inner.applyTranspose(y), inShape)),
  });
}

/**
 * The linear operator of a transposed 2-D convolution (no bias), exactly as tfjs-layers'
 * `Conv2DTranspose` computes it; its adjoint is the strided conv2d with the same filter.
 * Shapes: `inputShape` `[1, h, w, inChannels]`, `outputShape` `[1, oh, ow, outChannels]`.
 *
 * @param options - kernel and geometry; see {@link Conv2dTransposeOperatorOptions}.
 * @returns a frozen operator that reads `options.kernel`.
 * @throws `Error in conv2dTransposeOperator: …` for a kernel that is not rank 4, mismatched
 *   channels, or an `outputSize` the stride and padding cannot produce.
 * @example
 * ```ts
 * const op = conv2dTransposeOperator({ kernel: tf.randomNormal([4, 4, 8, 16]), inputShape: [7, 7, 16], strides: 2, padding: 'same' });
 * op.outputShape; // [1, 14, 14, 8]
 * ```
 */
export function conv2dTransposeOperator(options: Conv2dTransposeOperatorOptions): LinearOperator {
  const fn = 'conv2dTransposeOperator';
  const o = checkOptions(fn, 'options', options);
  const kernel = checkFloatTensor(fn, 'options.kernel', o.kernel, 4) as tf.Tensor4D;
  const [h, w, c] = checkShape(fn, 'options.inputShape', o.inputShape, 3, '[height, width, inChannels]') as [number, number, number];
  const [kh, kw, co, ci] = kernel.shape;
  if (c !== ci) fail(fn, 'options.inputShape[2]', `the kernel's input channels (axis 3) ${ci}`, c);
  const strides = checkPositiveInts(fn, 'options.strides', o.strides ?? 1, 2) as [number, number];
  const padding = checkOneOf(fn, 'options.padding', o.padding ?? 'valid', PADDINGS);
  const deconv = (d: number, s: number, k: number): number => (padding === 'same' ? d * s : d * s + Math.max(k - s, 0));
  const size =
    o.outputSize === undefined
      ? [deconv(h, strides[0], kh), deconv(w, strides[1], kw)]
      : checkShape(fn, 'options.outputSize', o.outputSize, 2, '[height, width]');
  const outShape: [number, number, number, number] = [1, size[0]!, size[1]!, co];
  const inShape: [number, number, number, number] = [1, h, w, c];
  let back: [number, number] = [0, 0];
  try {
    back = conv2dOutSize(outShape, [kh, kw, co, ci], strides, padding);
  } catch {
    back = [0, 0];
  }
  if (back[0] !== h || back[1] !== w) {
    fail(fn, 'options.outputSize', `a size whose strided conv2d gives back [${h}, ${w}]`, [outShape[1], outShape[2]]);
  }
  return freezeOperator({
    kind: 'linearOperator',
    name: 'conv2dTranspose',
    inputShape: inShape,
    outputShape: outShape,
    apply: (x) => tf.tidy(() => tf.conv2dTranspose(tf.reshape(x, inShape) as tf.Tensor4D, kernel, outShape, strides, padding)),
    applyTranspose: (y) => tf.tidy(() => tf.conv2d(tf.reshape(y, outShape) as tf.Tensor4D, kernel, strides, padding)),
  });
}

/**
 * The linear operator of a depthwise 2-D convolution (no bias), computed as a dense conv2d
 * with the equivalent block-diagonal filter `[kh, kw, c, c·m]` (output channel c·m + j, as
 * tfjs orders them). Its norm is the largest of the per-channel conv norms.
 * Shapes: `inputShape` `[1, h, w, c]`, `outputShape` `[1, oh, ow, c·m]`.
 *
 * @param options - kernel and geometry; see {@link DepthwiseConv2dOperatorOptions}.
 * @returns a frozen operator that reads `options.kernel`.
 * @throws `Error in depthwiseConv2dOperator: …` for a kernel that is not rank 4 or mismatched channels.
 * @example
 * ```ts
 * const op = depthwiseConv2dOperator({ kernel: tf.randomNormal([3, 3, 4, 2]), inputShape: [8, 8, 4], padding: 'same' });
 * op.outputShape; // [1, 8, 8, 8]
 * ```
 */
export function depthwiseConv2dOperator(options: DepthwiseConv2dOperatorOptions): LinearOperator {
  const fn = 'depthwiseConv2dOperator';
  const o = checkOptions(fn, 'options', options);
  const kernel = checkFloatTensor(fn, 'options.kernel', o.kernel, 4) as tf.Tensor4D;
  const [h, w, c] = checkShape(fn, 'options.inputShape', o.inputShape, 3, '[height, width, inChannels]') as [number, number, number];
  if (c !== kernel.shape[2]) fail(fn, 'options.inputShape[2]', `the kernel's input channels ${kernel.shape[2]}`, c);
  const strides = checkPositiveInts(fn, 'options.strides', o.strides ?? 1, 2) as [number, number];
  const dilations = checkPositiveInts(fn, 'options.dilations', o.dilations ?? 1, 2) as [number, number];
  const padding = checkOneOf(fn, 'options.padding', o.padding ?? 'valid', PADDINGS);
  const [kh, kw, , m] = kernel.shape;
  return convOperator(
    fn,
    'depthwiseConv2d',
    () => depthwiseToDenseKernel(kernel),
    [kh, kw, c, c * m],
    [h, w, c],
    strides,
    padding,
    dilations,
  );
}

