/**
 * Kernels that let a conv GAN train on the wasm backend, and train fast on cpu.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` (the weight gradient of every conv
 * layer) and no depthwise backprop kernels; its `Conv2DBackpropInput` (transposed conv) runs at
 * about 2 GFLOP/s. tfjs-backend-cpu's own `Conv2DBackpropFilter` is a naive loop about 57×
 * slower than the same computation written as a dilated conv2d. The resize gradients (used by
 * upsampling generators) are wrong or throw in some configurations on both backends. The
 * kernels below are built from forward ops each backend runs well (pad, transpose, conv2d,
 * slice, matMul).
 */
import * as tf from '@tensorflow/tfjs-core';

type Attrs = Record<string, unknown>;
interface KernelArgs {
  inputs: Record<string, tf.Tensor>;
  attrs?: Attrs;
  backend: unknown;
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

function convInfo(
  xShape: number[],
  filterShape: number[],
  strides: unknown,
  dilations: unknown,
  pad: unknown,
  dimRoundingMode: unknown,
  depthwise = false,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides as [number, number],
    (dilations ?? 1) as [number, number],
    pad as Pad,
    dimRoundingMode as 'floor' | undefined,
    depthwise,
    'channelsLast',
  );
}

/**
 * Conv2DBackpropFilter via a dilated conv2d: the weight gradient of `y = conv2d(x, w)` is a
 * correlation of the padded input with `dy`, with the forward stride as dilation.
 * NHWC, dilation 1 (as tfjs's own kernel). Exact up to float rounding.
 * @internal
 */
export function conv2dBackpropFilterViaConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: Attrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const { top, bottom, left, right } = info.padInfo;
    const [kh, kw, ci, co] = filterShape as [number, number, number, number];
    // Bottom/right padding may be negative when the last rows are never read.
    const hp = x.shape[1] + top + Math.max(bottom, 0);
    const wp = x.shape[2] + left + Math.max(right, 0);
    let xp = tf.pad(x, [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0],
    ]);
    const needH = (info.outHeight - 1) * info.strideHeight + kh;
    const needW = (info.outWidth - 1) * info.strideWidth + kw;
    if (hp > needH || wp > needW) xp = tf.slice(xp, [0, 0, 0, 0], [-1, Math.min(hp, needH), Math.min(wp, needW), -1]);
    const xT = tf.transpose(xp, [3, 1, 2, 0]); // [Ci, Hp, Wp, B]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, Co]
    const out = tf.conv2d(xT as tf.Tensor4D, dyT as tf.Tensor4D, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    return tf.transpose(tf.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]), [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * Conv2DBackpropInput (= conv2dTranspose) via zero-insertion and a stride-1 conv2d with the
 * flipped, transposed filter. NHWC, dilation 1. Exact up to float rounding.
 * @internal
 */
export function conv2dBackpropInputViaConv(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: Attrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const [b, oh, ow, co] = dy.shape;
    const [kh, kw] = filter.shape;
    const h = inputShape[1]!;
    const w = inputShape[2]!;
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    let up: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      const spread = tf.pad(tf.reshape(dy, [b, oh, 1, ow, 1, co]), [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      up = tf.slice(tf.reshape(spread, [b, oh * sh, ow * sw, co]), [0, 0, 0, 0], [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, co]) as tf.Tensor4D;
    }
    const pt = kh - 1 - info.padInfo.top;
    const pl = kw - 1 - info.padInfo.left;
    const pb = h + kh - 1 - up.shape[1] - pt;
    const pr = w + kw - 1 - up.shape[2] - pl;
    // Negative padding means cropping.
    const begin = [0, Math.max(0, -pt), Math.max(0, -pl), 0];
    const size = [b, up.shape[1] - begin[1]! - Math.max(0, -pb), up.shape[2] - begin[2]! - Math.max(0, -pr), co];
    if (begin[1]! > 0 || begin[2]! > 0 || size[1] !== up.shape[1] || size[2] !== up.shape[2]) up = tf.slice(up, begin, size);
    up = tf.pad(up, [
      [0, 0],
      [Math.max(0, pt), Math.max(0, pb)],
      [Math.max(0, pl), Math.max(0, pr)],
      [0, 0],
    ]);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(up, flipped, 1, 'valid');
  });
}

/** Block-diagonal [kh, kw, C, C·m] filter equivalent to a depthwise [kh, kw, C, m] filter. */
function depthwiseAsDense(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
  return tf.reshape(tf.mul(tf.reshape(filter, [kh, kw, 1, c, m]), eye), [kh, kw, c, c * m]) as tf.Tensor4D;
}

function checkDepthwiseDilation(kernel: string, dilations: unknown): void {
  const d = dilations ?? 1;
  const ok = Array.isArray(d) ? d.every((v) => v === 1) : d === 1;
  if (!ok) {
    throw new Error(
      `Error in registerTrainingKernels: the wasm ${kernel} replacement supports dilation 1 only, but got dilations ${JSON.stringify(d)}.`,
    );
  }
}

/**
 * DepthwiseConv2dNativeBackpropInput via a dense conv2dTranspose with the block-diagonal filter.
 * C× the arithmetic of a dedicated kernel: correct, not fast.
 * @internal
 */
export function depthwiseBackpropInputViaConv(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: Attrs): tf.Tensor4D {
  checkDepthwiseDilation('DepthwiseConv2dNativeBackpropInput', attrs.dilations);
  return tf.tidy(() =>
    tf.conv2dTranspose(
      dy,
      depthwiseAsDense(filter),
      inputShape as [number, number, number, number],
      attrs.strides as [number, number],
      attrs.pad as 'valid' | 'same',
      attrs.dimRoundingMode as 'floor' | undefined,
    ),
  );
}

/**
 * DepthwiseConv2dNativeBackpropFilter via the dense filter gradient of the block-diagonal
 * filter, keeping the diagonal blocks.
 * @internal
 */
export function depthwiseBackpropFilterViaConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: Attrs): tf.Tensor4D {
  checkDepthwiseDilation('DepthwiseConv2dNativeBackpropFilter', attrs.dilations);
  return tf.tidy(() => {
    const [kh, kw, c, m] = filterShape as [number, number, number, number];
    const dense = conv2dBackpropFilterViaConv(x, dy, [kh, kw, c, c * m], attrs);
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
    return tf.sum(tf.mul(tf.reshape(dense, [kh, kw, c, c, m]), eye), 2) as tf.Tensor4D;
  });
}

/**
 * Interpolation matrix `[newSize, oldSize]` (row-major) of tfjs's nearest-neighbour resize
 * along one axis: output r reads x[src(r)] (the backends' forward rule).
 */
function nearestWeights(oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const effIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  const ratio = effIn / effOut;
  const m = new Float32Array(newSize * oldSize);
  for (let r = 0; r < newSize; r++) {
    const frac = halfPixelCenters ? ratio * (r + 0.5) : ratio * r;
    let src = Math.min(oldSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixelCenters) src = Math.max(0, src);
    m[r * oldSize + src] = 1;
  }
  return m;
}

/**
 * Interpolation matrix `[newSize, oldSize]` (row-major) of tfjs's bilinear resize along one
 * axis: output r reads (1 − t)·x[lo] + t·x[hi] (the backends' forward rule).
 */
function bilinearWeights(oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const effIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  const ratio = effIn / effOut;
  const m = new Float32Array(newSize * oldSize);
  for (let r = 0; r < newSize; r++) {
    const frac = halfPixelCenters ? ratio * (r + 0.5) - 0.5 : ratio * r;
    const lo = Math.max(0, Math.floor(frac));
    const hi = Math.min(oldSize - 1, Math.ceil(frac));
    const t = frac - lo;
    m[r * oldSize + lo]! += 1 - t;
    m[r * oldSize + hi]! += t;
  }
  return m;
}

type AxisWeights = (oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean) => Float32Array;

/**
 * The gradient of a separable linear resize y = A_h·x·A_wᵀ (per image and channel):
 * dx = A_hᵀ·dy·A_w, as two matrix products.
 */
function resizeGradViaMatMul(images: tf.Tensor4D, dy: tf.Tensor4D, attrs: Attrs, weights: AxisWeights): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, oh, ow, c] = images.shape;
    const [, nh, nw] = dy.shape;
    const align = Boolean(attrs.alignCorners);
    const half = Boolean(attrs.halfPixelCenters);
    const ah = tf.tensor2d(weights(oh, nh, align, half), [nh, oh]);
    const aw = tf.tensor2d(weights(ow, nw, align, half), [nw, ow]);
    const t1 = tf.matMul(tf.reshape(tf.transpose(dy, [0, 1, 3, 2]), [b * nh * c, nw]), aw); // [b·nh·c, ow]
    const t2 = tf.reshape(tf.transpose(tf.reshape(t1, [b, nh, c * ow]), [1, 0, 2]), [nh, b * c * ow]);
    const t3 = tf.matMul(ah, t2, true, false); // [oh, b·c·ow]
    return tf.transpose(tf.reshape(t3, [oh, b, c, ow]), [1, 0, 3, 2]) as tf.Tensor4D;
  });
}

/**
 * ResizeNearestNeighborGrad as two products with 0/1 selection matrices. tfjs-backend-cpu's
 * own kernel is wrong for batch > 1; wasm's for some `halfPixelCenters` resizes.
 * @internal
 */
export function resizeNearestNeighborGradViaMatMul(images: tf.Tensor4D, dy: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  return resizeGradViaMatMul(images, dy, attrs, nearestWeights);
}

/**
 * ResizeBilinearGrad as two products with the interpolation matrices. tfjs-backend-cpu's own
 * kernel throws for non-square images; both backends' kernels ignore `halfPixelCenters`.
 * @internal
 */
export function resizeBilinearGradViaMatMul(images: tf.Tensor4D, dy: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  return resizeGradViaMatMul(images, dy, attrs, bilinearWeights);
}

/**
 * On wasm, transposed convs whose filter has at least this many channels on axis 2 (the
 * channels of the layer's output, i.e. of `dy` in the backprop view) use the conv2d path;
 * below it XNNPACK's native kernel is faster.
 */
export const WASM_CONV_TRANSPOSE_MIN_CHANNELS = 8;

interface Replacement {
  kernelName: string;
  backends: readonly string[];
  description: string;
  /** Builds the kernel function; `native` is the backend's own kernel, if any. */
  make: (native: tf.KernelConfig | undefined) => tf.KernelConfig['kernelFunc'];
  /** Keep the native setup/dispose functions (wasm kernels initialise through them). */
  keepNativeSetup?: boolean;
}

const asKernel =
  (f: (a: KernelArgs) => tf.Tensor): tf.KernelConfig['kernelFunc'] =>
  (args) =>
    f(args as unknown as KernelArgs) as unknown as tf.TensorInfo;

const REPLACEMENTS: readonly Replacement[] = [
  {
    kernelName: 'Conv2DBackpropFilter',
    backends: ['wasm', 'cpu'],
    description: 'conv weight gradient as a dilated conv2d (wasm has none; cpu’s own is ~57× slower)',
    make: () =>
      asKernel(({ inputs, attrs = {} }) =>
        conv2dBackpropFilterViaConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs.filterShape as number[], attrs),
      ),
  },
  {
    kernelName: 'Conv2DBackpropInput',
    backends: ['wasm'],
    description: `transposed conv as zero-insertion + stride-1 conv2d when the filter has ≥ ${WASM_CONV_TRANSPOSE_MIN_CHANNELS} output-side channels (about 2× faster); the native kernel otherwise`,
    keepNativeSetup: true,
    make: (native) =>
      asKernel((args) => {
        const filter = args.inputs.filter as tf.Tensor4D;
        if (native && filter.shape[2] < WASM_CONV_TRANSPOSE_MIN_CHANNELS) {
          return native.kernelFunc(args as never) as unknown as tf.Tensor;
        }
        const attrs = args.attrs ?? {};
        return conv2dBackpropInputViaConv(args.inputs.dy as tf.Tensor4D, filter, attrs.inputShape as number[], attrs);
      }),
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backends: ['wasm'],
    description: 'depthwise input gradient as a dense transposed conv with a block-diagonal filter (wasm has none)',
    make: () =>
      asKernel(({ inputs, attrs = {} }) =>
        depthwiseBackpropInputViaConv(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, attrs.inputShape as number[], attrs),
      ),
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backends: ['wasm'],
    description: 'depthwise filter gradient from the dense filter gradient of a block-diagonal filter (wasm has none)',
    make: () =>
      asKernel(({ inputs, attrs = {} }) =>
        depthwiseBackpropFilterViaConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs.filterShape as number[], attrs),
      ),
  },
  {
    kernelName: 'ResizeNearestNeighborGrad',
    backends: ['cpu', 'wasm'],
    description:
      'nearest-neighbour resize gradient as two products with 0/1 selection matrices (the cpu kernel is wrong for batch > 1; the wasm one for some halfPixelCenters resizes)',
    make: () =>
      asKernel(({ inputs, attrs = {} }) =>
        resizeNearestNeighborGradViaMatMul(inputs.images as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs),
      ),
  },
  {
    kernelName: 'ResizeBilinearGrad',
    backends: ['cpu', 'wasm'],
    description:
      'bilinear resize gradient as two products with the interpolation matrices (the cpu kernel throws for non-square images; both ignore halfPixelCenters)',
    make: () =>
      asKernel(({ inputs, attrs = {} }) => resizeBilinearGradViaMatMul(inputs.images as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs)),
  },
];

/** One kernel that {@link registerTrainingKernels} registers, on which backends, and why. */
export interface TrainingKernelInfo {
  readonly kernelName: string;
  readonly backends: readonly string[];
  readonly description: string;
}

/** The kernels {@link registerTrainingKernels} registers. */
export const TRAINING_KERNELS: readonly TrainingKernelInfo[] = Object.freeze(
  REPLACEMENTS.map(({ kernelName, backends, description }) => Object.freeze({ kernelName, backends, description })),
);

const registered = new Map<string, tf.KernelConfig['kernelFunc']>();
const key = (kernel: string, backend: string): string => `${kernel}@${backend}`;

/**
 * Registers the kernels a conv GAN needs to train on wasm, and the faster cpu weight gradient.
 *
 * - `Conv2DBackpropFilter` on wasm (missing there) and cpu (its own is ~57× slower);
 * - `Conv2DBackpropInput` on wasm: zero-insertion + stride-1 conv2d when the filter's
 *   output-side channel count is ≥ {@link WASM_CONV_TRANSPOSE_MIN_CHANNELS}, the native kernel otherwise;
 * - `DepthwiseConv2dNativeBackpropInput` / `…BackpropFilter` on wasm (missing there; dilation 1 only);
 * - `ResizeNearestNeighborGrad` on cpu and wasm (cpu's is wrong for batch > 1, wasm's for some
 *   `halfPixelCenters` resizes), as two products with selection matrices;
 * - `ResizeBilinearGrad` on cpu and wasm (cpu's throws for non-square images; both ignore
 *   `halfPixelCenters`), as two products with the interpolation matrices.
 *
 * Only backends that are registered with tfjs when it is called are touched; call it again
 * after registering another backend. Idempotent. Results match the native kernels up to float
 * rounding (see the tests). See {@link TRAINING_KERNELS}.
 *
 * @returns The `kernel@backend` pairs registered by this call (empty when nothing was new).
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerTrainingKernels } from 'smoothgan/autodiff';
 * registerTrainingKernels(); // ['Conv2DBackpropFilter@wasm', 'Conv2DBackpropFilter@cpu', ...]
 * ```
 */
export function registerTrainingKernels(): string[] {
  const done: string[] = [];
  const available = new Set(Object.keys(tf.engine().registryFactory));
  for (const r of REPLACEMENTS) {
    for (const backendName of r.backends) {
      if (!available.has(backendName)) continue;
      const k = key(r.kernelName, backendName);
      const current = tf.getKernel(r.kernelName, backendName);
      if (current && registered.get(k) === current.kernelFunc) continue;
      const native = current;
      if (native) tf.unregisterKernel(r.kernelName, backendName);
      const kernelFunc = r.make(native);
      const config: tf.KernelConfig = { kernelName: r.kernelName, backendName, kernelFunc };
      if (r.keepNativeSetup && native?.setupFunc) config.setupFunc = native.setupFunc;
      if (r.keepNativeSetup && native?.disposeFunc) config.disposeFunc = native.disposeFunc;
      tf.registerKernel(config);
      registered.set(k, kernelFunc);
      done.push(k);
    }
  }
  return done;
}
