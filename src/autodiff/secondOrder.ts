/**
 * Second-order gradient fixes for TensorFlow.js 4.22.
 *
 * Stock tfjs throws or silently returns wrong values when a gradient is
 * differentiated again (the gradient of a gradient norm that every gradient
 * penalty needs). The causes, measured in tfjs 4.22:
 *
 * 1. comparison kernels have no gradient, so the outer backward pass throws
 *    when it meets the `greater(x, 0)` inside the leakyReLU / ELU / SELU /
 *    PReLU / ReLU6 / maximum gradients;
 * 2. gradients that read the op's saved *output* (tanh, sigmoid, exp, ELU,
 *    softmax, log-softmax, pow, max/min) are invisible to the outer tape
 *    (tfjs issue 3252): the second-order term through that op is dropped;
 * 3. backprop kernels (AvgPoolGrad, depthwise backprop, resize grads, EluGrad,
 *    Conv2DBackpropFilter) have no gradient of their own.
 *
 * `enableSecondOrderGradients()` re-registers those gradients in the global
 * gradient registry, which every backend shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { failWith } from '../_internal/errors.js';

type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[], attrs: Record<string, unknown>) => Record<string, () => tf.Tensor>;

interface Patch {
  /** The tfjs kernel whose gradient is (re-)registered. */
  readonly kernelName: string;
  /** Why it is patched: `'no-gradient'`, `'saved-output'` or `'unsupported'`. */
  readonly reason: SecondOrderPatchReason;
  /** One sentence on what the new gradient does. */
  readonly description: string;
  readonly inputsToSave: string[];
  readonly gradFunc: GradFunc;
}

/** Why a kernel's gradient is replaced by {@link enableSecondOrderGradients}. */
export type SecondOrderPatchReason = 'no-gradient' | 'saved-output' | 'unsupported';

/** One entry of {@link SECOND_ORDER_PATCHES}: a kernel whose gradient smoothgan registers, and why. */
export interface SecondOrderPatchInfo {
  /** The tfjs kernel name, e.g. `'Tanh'`. */
  readonly kernelName: string;
  /**
   * `'no-gradient'`: tfjs registers none, so the outer backward pass throws;
   * `'saved-output'`: tfjs's gradient reads the op's saved output, which the outer tape
   * never links to the parameters (tfjs issue 3252), so the second-order term is silently dropped;
   * `'unsupported'`: smoothgan registers a gradient that throws a clear error instead of tfjs's
   * generic one.
   */
  readonly reason: SecondOrderPatchReason;
  /** What the registered gradient computes. */
  readonly description: string;
}

const f32zeros = (t: tf.Tensor): tf.Tensor => tf.zeros(t.shape, 'float32');

/** Comparison / logical kernels: piecewise constant, so their gradient is zero. */
const ZERO_GRAD_BINARY = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr'];

function zeroGradPatches(): Patch[] {
  const binary: Patch[] = ZERO_GRAD_BINARY.map((kernelName) => ({
    kernelName,
    reason: 'no-gradient' as const,
    description: 'zero gradient (piecewise constant; used inside leakyReLU, ELU, SELU, PReLU, ReLU6, maximum gradients)',
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy: tf.Tensor, [a, b]: tf.Tensor[]) => ({ a: () => f32zeros(a!), b: () => f32zeros(b!) }),
  }));
  binary.push({
    kernelName: 'LogicalNot',
    reason: 'no-gradient',
    description: 'zero gradient (piecewise constant)',
    inputsToSave: ['x'],
    gradFunc: (_dy, [x]) => ({ x: () => f32zeros(x!) }),
  });
  return binary;
}

/** Reshapes a reduced `dy` back to keep-dims form for broadcasting against `x`. */
function keepDims(t: tf.Tensor, xShape: number[], axes: number[]): tf.Tensor {
  const shape = xShape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.reshape(t, shape);
}

function parseAxes(axis: unknown, rank: number): number[] {
  const list = axis === undefined || axis === null ? [...Array(rank).keys()] : Array.isArray(axis) ? axis : [axis];
  return (list as number[]).map((a) => (a < 0 ? a + rank : a));
}

function savedOutputPatches(): Patch[] {
  return [
    {
      kernelName: 'Tanh',
      reason: 'saved-output',
      description: "dy·(1 − tanh(x)²), recomputed from the saved input",
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(x!)))) }),
    },
    {
      kernelName: 'Sigmoid',
      reason: 'saved-output',
      description: 'dy·s(x)·(1 − s(x)), recomputed from the saved input',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({
        x: () => {
          const s = tf.sigmoid(x!);
          return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
        },
      }),
    },
    {
      kernelName: 'Exp',
      reason: 'saved-output',
      description: 'dy·exp(x), recomputed from the saved input',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.exp(x!)) }),
    },
    {
      kernelName: 'Elu',
      reason: 'saved-output',
      description: 'dy·(x > 0 ? 1 : exp(x)), recomputed from the saved input (replaces the EluGrad kernel)',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({
        x: () => tf.mul(dy, tf.where(tf.greater(x!, 0), tf.onesLike(x!), tf.exp(tf.minimum(x!, 0)))),
      }),
    },
    {
      kernelName: 'Softmax',
      reason: 'saved-output',
      description: 'y·(dy − Σ dy·y) with y = softmax(logits) recomputed from the saved input',
      inputsToSave: ['logits'],
      gradFunc: (dy, [logits], attrs) => ({
        logits: () => {
          const dim = parseAxes(attrs.dim, logits!.rank);
          const y = tf.softmax(logits!, dim[0]);
          const dyy = tf.mul(dy, y);
          return tf.sub(dyy, tf.mul(tf.sum(dyy, dim, true), y));
        },
      }),
    },
    {
      kernelName: 'LogSoftmax',
      reason: 'saved-output',
      description:
        'dy − Σdy·softmax(logits), recomputed from the saved input. Inert in tfjs 4.22: the cpu and wasm backends have no ' +
        "LogSoftmax kernel, and tf.logSoftmax is a customGrad op the registry cannot reach (still wrong at second order: write x − logSumExp(x))",
      inputsToSave: ['logits'],
      gradFunc: (dy, [logits], attrs) => ({
        logits: () => {
          const axes = parseAxes(attrs.axis, logits!.rank);
          return tf.sub(dy, tf.mul(tf.sum(dy, axes, true), tf.softmax(logits!, axes[0])));
        },
      }),
    },
    {
      kernelName: 'Pow',
      reason: 'saved-output',
      description: 'both partial derivatives recomputed from the saved base and exponent',
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => {
        const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a!.shape, b!.shape);
        const reduceTo = (g: tf.Tensor, target: tf.Tensor): tf.Tensor => {
          const axes = tf.broadcast_util.getReductionAxes(target.shape, outShape);
          return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, target.shape);
        };
        return {
          a: () => {
            const e = tf.cast(b!, 'float32');
            return reduceTo(tf.mul(dy, tf.mul(e, tf.pow(a!, tf.sub(e, 1)))), a!);
          },
          b: () => {
            const logBase = tf.where(tf.greater(a!, 0), tf.log(tf.maximum(a!, 1e-30)), tf.zerosLike(a!));
            return reduceTo(tf.mul(dy, tf.mul(tf.pow(a!, b!), logBase)), b!);
          },
        };
      },
    },
    ...(['Max', 'Min'] as const).map(
      (kernelName): Patch => ({
        kernelName,
        reason: 'saved-output',
        description: `dy routed to the arg-${kernelName.toLowerCase()} entries, with the reduction recomputed from the saved input`,
        inputsToSave: ['x'],
        gradFunc: (dy, [x], attrs) => ({
          x: () => {
            // tfjs names the axes `reductionIndices` for Max but `axis` for Min.
            const axes = parseAxes(kernelName === 'Max' ? attrs.reductionIndices : attrs.axis, x!.rank);
            const y = kernelName === 'Max' ? tf.max(x!, axes, true) : tf.min(x!, axes, true);
            const mask = tf.cast(tf.equal(x!, y), 'float32');
            return tf.mul(keepDims(dy, x!.shape, axes), mask);
          },
        }),
      }),
    ),
  ];
}

type Attrs = Record<string, unknown>;
const runKernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): tf.Tensor =>
  tf.engine().runKernel(name, inputs as never, attrs as never) as tf.Tensor;

function backpropPatches(): Patch[] {
  return [
    {
      kernelName: 'EluGrad',
      reason: 'no-gradient',
      description: 'EluGrad(dy, y) = dy·(y > 0 ? 1 : y + 1): linear in dy; its y-derivative is dy where y ≤ 0',
      inputsToSave: ['dy', 'y'],
      gradFunc: (ddx, [dy, y]) => ({
        dy: () => tf.mul(ddx, tf.where(tf.greater(y!, 0), tf.onesLike(y!), tf.add(y!, 1))),
        y: () => tf.where(tf.greater(y!, 0), tf.zerosLike(y!), tf.mul(ddx, dy!)),
      }),
    },
    {
      kernelName: 'AvgPoolGrad',
      reason: 'no-gradient',
      description: 'linear in dy: its adjoint is avgPool with the same window',
      inputsToSave: ['input'],
      gradFunc: (ddx, [input], a) => ({
        dy: () =>
          tf.avgPool(
            ddx as tf.Tensor4D,
            a.filterSize as [number, number],
            a.strides as [number, number],
            a.pad as 'valid' | 'same',
            a.dimRoundingMode as 'floor' | undefined,
          ),
        input: () => tf.zerosLike(input!),
      }),
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      reason: 'no-gradient',
      description: 'linear in dy and filter: depthwiseConv2d(ddx, filter) and the filter backprop kernel',
      inputsToSave: ['dy', 'filter'],
      gradFunc: (ddx, [dy, filter], a) => ({
        dy: () =>
          tf.depthwiseConv2d(
            ddx as tf.Tensor4D,
            filter as tf.Tensor4D,
            a.strides as [number, number],
            a.pad as 'valid' | 'same',
            'NHWC',
            a.dilations as [number, number],
            a.dimRoundingMode as 'floor' | undefined,
          ),
        filter: () =>
          runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x: ddx, dy: dy! },
            { strides: a.strides, pad: a.pad, dilations: a.dilations, dimRoundingMode: a.dimRoundingMode, filterShape: filter!.shape },
          ),
      }),
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      reason: 'no-gradient',
      description: 'bilinear in x and dy: depthwiseConv2d(x, ddw) and the input backprop kernel',
      inputsToSave: ['x', 'dy'],
      gradFunc: (ddw, [x, dy], a) => ({
        x: () =>
          runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy: dy!, filter: ddw },
            { strides: a.strides, pad: a.pad, dilations: a.dilations, dimRoundingMode: a.dimRoundingMode, inputShape: x!.shape },
          ),
        dy: () =>
          tf.depthwiseConv2d(
            x as tf.Tensor4D,
            ddw as tf.Tensor4D,
            a.strides as [number, number],
            a.pad as 'valid' | 'same',
            'NHWC',
            a.dilations as [number, number],
            a.dimRoundingMode as 'floor' | undefined,
          ),
      }),
    },
    {
      kernelName: 'Conv2DBackpropFilter',
      reason: 'no-gradient',
      description: 'bilinear in x and dy: conv2dTranspose(dy, ddw) and conv2d(x, ddw)',
      inputsToSave: ['x', 'dy'],
      gradFunc: (ddw, [x, dy], a) => ({
        x: () =>
          tf.conv2dTranspose(
            dy as tf.Tensor4D,
            ddw as tf.Tensor4D,
            x!.shape as [number, number, number, number],
            a.strides as [number, number],
            a.pad as 'valid' | 'same',
            a.dimRoundingMode as 'floor' | undefined,
          ),
        dy: () =>
          tf.conv2d(
            x as tf.Tensor4D,
            ddw as tf.Tensor4D,
            a.strides as [number, number],
            a.pad as 'valid' | 'same',
            'NHWC',
            1,
            a.dimRoundingMode as 'floor' | undefined,
          ),
      }),
    },
    ...(['ResizeNearestNeighborGrad', 'ResizeBilinearGrad'] as const).map(
      (kernelName): Patch => ({
        kernelName,
        reason: 'no-gradient',
        description: `linear in dy: its adjoint is the forward ${kernelName === 'ResizeBilinearGrad' ? 'resizeBilinear' : 'resizeNearestNeighbor'}`,
        inputsToSave: ['images', 'dy'],
        gradFunc: (ddx, [images, dy], a) => ({
          dy: () => {
            const size: [number, number] = [dy!.shape[1]!, dy!.shape[2]!];
            const resize = kernelName === 'ResizeBilinearGrad' ? tf.image.resizeBilinear : tf.image.resizeNearestNeighbor;
            return resize(ddx as tf.Tensor4D, size, a.alignCorners as boolean, a.halfPixelCenters as boolean);
          },
          images: () => tf.zerosLike(images!),
        }),
      }),
    ),
    {
      kernelName: 'MaxPoolGrad',
      reason: 'unsupported',
      description: 'throws a clear error: second-order gradients through maxPool are not supported; use a strided conv or avgPool',
      inputsToSave: [],
      gradFunc: () => {
        failWith(
          'enableSecondOrderGradients',
          'second-order gradients through maxPool (kernel MaxPoolGrad) are not supported. Replace maxPool in the critic with a strided conv2d or avgPool',
        );
      },
    },
  ];
}

let cachedPatches: Patch[] | undefined;
function allPatches(): Patch[] {
  cachedPatches ??= [...zeroGradPatches(), ...savedOutputPatches(), ...backpropPatches()];
  return cachedPatches;
}

/**
 * Every kernel whose gradient {@link enableSecondOrderGradients} registers, with the reason.
 * Generated from the patch table itself, so the docs cannot drift from the code.
 */
export const SECOND_ORDER_PATCHES: readonly SecondOrderPatchInfo[] = Object.freeze(
  allPatches().map(({ kernelName, reason, description }) => Object.freeze({ kernelName, reason, description })),
);

/** Kernels whose gradients tfjs-core's Node bundle does not register on its own. */
const BASE_GRADIENT_PROBES = ['Sum', 'BatchMatMul', 'Conv2D', 'Add'];

/**
 * Makes second-order gradients (gradients of gradient norms) correct on every backend.
 *
 * Re-registers the tfjs 4.22 gradients listed in {@link SECOND_ORDER_PATCHES}: comparison
 * kernels get a zero gradient; gradients that read their op's saved output (tfjs issue 3252)
 * are recomputed from the saved input; linear backprop kernels get their adjoints; `MaxPoolGrad`
 * gets a gradient that throws a clear error. First-order results are unchanged up to float
 * rounding. The gradient registry is global, so this covers every backend at once.
 *
 * Not reachable through the registry: `tf.logSoftmax` (and so tfjs-layers' `'logSoftmax'`
 * activation) is a customGrad op whose gradient reads its saved output, so its second-order
 * term stays silently dropped. In a critic, write it as `x − logSumExp(x)`.
 *
 * Idempotent: the second and later calls do nothing. Every smoothgan penalty calls it itself.
 *
 * @throws If tfjs-core's base gradients are not registered at all (tfjs-core's Node bundle
 *   registers none): import `@tensorflow/tfjs-layers` (or `@tensorflow/tfjs`) once first.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-layers';
 * import { enableSecondOrderGradients } from 'smoothgan/autodiff';
 * enableSecondOrderGradients();
 * const d2 = tf.grad((x) => tf.sum(tf.grad((y) => tf.sum(tf.tanh(y)))(x)))(tf.tensor1d([0.5]));
 * // d²/dx² tanh(x) = −2·tanh(x)·(1 − tanh(x)²) ≈ −0.727
 * ```
 */
export function enableSecondOrderGradients(): void {
  const patches = allPatches();
  if (patches.every((p) => tf.getGradient(p.kernelName)?.gradFunc === p.gradFunc)) return;
  const missing = BASE_GRADIENT_PROBES.filter((k) => tf.getGradient(k) == null);
  if (missing.length > 0) {
    failWith(
      'enableSecondOrderGradients',
      `tfjs has no gradients registered for ${missing.join(', ')}: tfjs-core's Node bundle registers none by itself. ` +
        "Add `import '@tensorflow/tfjs-layers';` (or `import '@tensorflow/tfjs';`) before using smoothgan",
    );
  }
  for (const p of patches) {
    tf.registerGradient({ kernelName: p.kernelName, inputsToSave: p.inputsToSave, gradFunc: p.gradFunc as never });
  }
}

/** Whether {@link enableSecondOrderGradients} is in effect (all its gradients are registered). */
export function secondOrderGradientsEnabled(): boolean {
  return allPatches().every((p) => tf.getGradient(p.kernelName)?.gradFunc === p.gradFunc);
}
