/**
 * Lipschitz and smoothness constants of single tfjs-layers layers, as maps of their input
 * (inference mode). The network bounds compose these.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { layerConvGeometry } from '../layers/_layerGeometry.js';
import { pair } from '../layers/_math.js';
import { convLayerOperator } from '../layers/_spectralMaps.js';
import { matrixOperator } from '../layers/linearOperators.js';
import { reshapedKernelMatrix, type KernelLayout } from '../layers/reshapedKernel.js';
import { SpectralNormalization, SPECTRAL_NORM_LAYERS } from '../layers/spectralNormalization.js';
import { ACTIVATION_CONSTANTS, axisActivationConstants, type ActivationName } from './activationConstants.js';
import { estimateNorm, type NormSettings } from './_norms.js';

/** How a layer's constants were obtained. */
export type LayerBoundMethod =
  | 'operator'
  | 'matrix'
  | 'reshapedKernelBound'
  | 'closedForm'
  | 'identity'
  | 'activation'
  | 'unsupported';

/** Constants of one layer as a map of its input. */
export interface LayerConstants {
  /** Lipschitz constant bound (`Infinity` = unbounded). */
  readonly lipschitz: number;
  /** Smoothness bound: Lipschitz constant of the layer's Jacobian (`Infinity` = unbounded). */
  readonly smoothness: number;
  readonly method: LayerBoundMethod;
  /** ‖W‖ of the linear part (operator norm, or the bound used), for layers with a kernel. */
  readonly linearNorm?: number;
  /** The activation applied after the linear part, if any. */
  readonly activation?: string;
  /** Power-iteration steps of the norm estimate, and whether it converged. */
  readonly iterations?: number;
  readonly converged?: boolean;
  /** Why the layer is unbounded, and caveats. */
  readonly reasons: readonly string[];
}

type Shape = readonly (number | null)[];

const props = (layer: tfl.layers.Layer): Record<string, unknown> => layer as unknown as Record<string, unknown>;

const IDENTITY_LIKE = new Set([
  'InputLayer',
  'Flatten',
  'Reshape',
  'Permute',
  'ZeroPadding2D',
  'Cropping2D',
  'Masking',
]);
const INFERENCE_IDENTITY = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

function activationOf(layer: tfl.layers.Layer): ActivationName {
  const a = props(layer).activation as { getClassName(): string } | null | undefined;
  return (a?.getClassName() ?? 'linear') as ActivationName;
}

/** Constants of an activation applied to inputs whose last axis has length n (if known). */
function activationConstants(name: string, n: number | null): { lipschitz: number; smoothness: number; reasons: string[] } {
  if (!Object.prototype.hasOwnProperty.call(ACTIVATION_CONSTANTS, name)) {
    return { lipschitz: Infinity, smoothness: Infinity, reasons: [`unknown activation '${name}'`] };
  }
  const e = ACTIVATION_CONSTANTS[name as ActivationName];
  const reasons: string[] = [];
  if (name === 'logSoftmax') {
    if (n == null) return { lipschitz: Infinity, smoothness: Infinity, reasons: ['logSoftmax over an axis of unknown length'] };
    return { ...axisActivationConstants('logSoftmax', n), reasons };
  }
  if (!e.smooth) reasons.push(`${name} is not smooth: ${e.note}`);
  return { lipschitz: e.lipschitz, smoothness: e.smoothness, reasons };
}

/** Multiplicity of an input position among the windows of one spatial dimension. */
const multiplicity = (k: number, s: number, d: number): number => {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return Math.min(k, Math.ceil((k * gcd(s, d)) / s));
};

/** ‖conv‖ ≤ √(Π multiplicities)·σ(reshaped kernel) (Tsuzuku et al. 2018, stride-aware). */
async function reshapedKernelBound(
  kernel: tf.Tensor,
  layout: KernelLayout,
  layer: tfl.layers.Layer,
  s: NormSettings,
): Promise<{ sigma: number; iterations: number; converged: boolean }> {
  const p = props(layer);
  const rank = layout === 'conv1d' ? 1 : 2;
  const k = (p.kernelSize as number[]).slice(0, rank);
  const strides = pair(p.strides as number[] | number, 1).slice(0, rank);
  const usesDilation = layout === 'conv2d' || layout === 'conv1d';
  const dil = usesDilation ? pair(p.dilationRate as number[] | number, 1).slice(0, rank) : [1, 1];
  const mult = k.reduce((acc, ki, i) => acc * multiplicity(ki, strides[i]!, dil[i]!), 1);
  // The matrix whose rows are taps×input channels and columns output channels. For a transposed
  // conv the bound goes through its adjoint, a strided conv2d with the same filter: last axis.
  const m = tf.tidy(() =>
    layout === 'depthwiseConv2d'
      ? reshapedKernelMatrix(kernel, 'depthwiseConv2d')
      : tf.reshape(kernel, [-1, kernel.shape[kernel.rank - 1]!]),
  );
  try {
    const est = await estimateNorm(matrixOperator(m), s);
    return { ...est, sigma: Math.sqrt(mult) * est.sigma };
  } finally {
    m.dispose();
  }
}

async function kernelLayerConstants(layer: tfl.layers.Layer, inputShape: Shape, s: NormSettings): Promise<LayerConstants> {
  const sn = layer instanceof SpectralNormalization ? layer : undefined;
  const inner = sn ? sn.layer : layer;
  const className = inner.getClassName();
  const spec = SPECTRAL_NORM_LAYERS[className]!;
  const reasons: string[] = [];
  if (spec.layout === 'embedding') {
    return {
      lipschitz: Infinity,
      smoothness: Infinity,
      method: 'unsupported',
      reasons: ['Embedding takes integer indices: it is not a differentiable function of its input'],
    };
  }
  const kernel = sn ? sn.normalizedKernel() : (props(inner)[spec.weight] as tfl.LayerVariable).read();
  try {
    let norm: { sigma: number; iterations: number; converged: boolean };
    let method: LayerBoundMethod;
    if (spec.layout === 'dense') {
      norm = await estimateNorm(matrixOperator(kernel), s);
      method = 'matrix';
    } else {
      const sizeKnown = inputShape.slice(1).every((d) => d != null);
      const padding = props(inner).padding;
      if (sizeKnown && (padding === 'valid' || padding === 'same')) {
        const g = layerConvGeometry('lipschitzUpperBound', layer.name, inner, spec.layout, inputShape);
        norm = await estimateNorm(convLayerOperator(spec.layout, kernel, g), s);
        method = 'operator';
      } else {
        norm = await reshapedKernelBound(kernel, spec.layout, inner, s);
        method = 'reshapedKernelBound';
        reasons.push('input size unknown: used √(window multiplicity)·σ(reshaped kernel) instead of the operator norm');
      }
    }
    if (!norm.converged) reasons.push(`power iteration did not converge in ${norm.iterations} steps`);
    const act = activationOf(inner);
    const units = inputShape.length > 0 ? (props(inner).units as number | undefined) ?? (props(inner).filters as number | undefined) : undefined;
    const a = activationConstants(act, units ?? null);
    reasons.push(...a.reasons);
    return {
      lipschitz: mul(a.lipschitz, norm.sigma),
      smoothness: mul(a.smoothness, norm.sigma * norm.sigma),
      method,
      linearNorm: norm.sigma,
      activation: act,
      iterations: norm.iterations,
      converged: norm.converged,
      reasons,
    };
  } finally {
    if (sn) kernel.dispose();
  }
}

/** a·b with 0·∞ = 0 (a zero map composed with anything is constant). */
export function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

const unsupported = (reason: string): LayerConstants => ({
  lipschitz: Infinity,
  smoothness: Infinity,
  method: 'unsupported',
  reasons: [reason],
});

const closed = (lipschitz: number, smoothness: number, reasons: string[] = [], method: LayerBoundMethod = 'closedForm') => ({
  lipschitz,
  smoothness,
  method,
  reasons,
});

function poolSizes(layer: tfl.layers.Layer): { pool: number[]; strides: number[]; padding: string } {
  const p = props(layer);
  const pool = p.poolSize as number[];
  const strides = p.strides as number[];
  return { pool, strides, padding: String(p.padding ?? 'valid') };
}

/**
 * Constants of one layer (not a model, not a merge) given its batch input shape.
 */
export async function layerConstants(layer: tfl.layers.Layer, inputShape: Shape, s: NormSettings): Promise<LayerConstants> {
  const className = layer.getClassName();
  const p = props(layer);
  if (layer instanceof SpectralNormalization || Object.prototype.hasOwnProperty.call(SPECTRAL_NORM_LAYERS, className)) {
    return kernelLayerConstants(layer, inputShape, s);
  }
  if (IDENTITY_LIKE.has(className)) return closed(1, 0, [], 'identity');
  if (INFERENCE_IDENTITY.has(className)) {
    return closed(1, 0, [`${className} is the identity in inference (training: false); the bound is for inference`], 'identity');
  }
  const lastDim = inputShape.length > 0 ? inputShape[inputShape.length - 1]! : null;
  switch (className) {
    case 'Activation': {
      const name = activationOf(layer);
      const a = activationConstants(name, lastDim);
      return { lipschitz: a.lipschitz, smoothness: a.smoothness, method: 'activation', activation: name, reasons: a.reasons };
    }
    case 'ReLU':
      return { ...closed(1, Infinity, ['ReLU is not smooth: σ′ jumps at 0']), method: 'activation', activation: 'relu' };
    case 'LeakyReLU': {
      const alpha = Number(p.alpha);
      return {
        ...closed(Math.max(1, Math.abs(alpha)), alpha === 1 ? 0 : Infinity, alpha === 1 ? [] : ['LeakyReLU is not smooth: σ′ jumps at 0']),
        method: 'activation',
        activation: `leakyReLU(${alpha})`,
      };
    }
    case 'ELU': {
      const alpha = Number(p.alpha);
      return {
        ...closed(Math.max(1, alpha), alpha === 1 ? 1 : Infinity, alpha === 1 ? [] : [`ELU with α = ${alpha} ≠ 1 is not smooth: σ′ jumps at 0`]),
        method: 'activation',
        activation: `elu(${alpha})`,
      };
    }
    case 'ThresholdedReLU': {
      const theta = Number(p.theta);
      if (theta > 0) return unsupported(`ThresholdedReLU with θ = ${theta} > 0 is discontinuous at θ: not Lipschitz`);
      return { ...closed(1, Infinity, ['ThresholdedReLU is not smooth']), method: 'activation', activation: 'thresholdedReLU' };
    }
    case 'Softmax':
      return { ...closed(0.5, 1.5), method: 'activation', activation: 'softmax' };
    case 'PReLU': {
      const alpha = (p.alpha as tfl.LayerVariable).read();
      const maxAbs = (await tf.tidy(() => tf.max(tf.abs(alpha))).data())[0]!;
      const minA = (await tf.tidy(() => tf.min(alpha)).data())[0]!;
      const linear = maxAbs === 1 && minA === 1;
      return {
        ...closed(Math.max(1, maxAbs), linear ? 0 : Infinity, linear ? [] : ['PReLU is not smooth: σ′ jumps at 0']),
        method: 'activation',
        activation: 'prelu',
      };
    }
    case 'RepeatVector':
      return closed(Math.sqrt(Number(p.n)), 0);
    case 'UpSampling2D': {
      const [sh, sw] = pair(p.size as number[] | number, 2);
      if (p.interpolation !== 'nearest') return unsupported(`UpSampling2D with '${String(p.interpolation)}' interpolation is not supported`);
      return closed(Math.sqrt(sh * sw), 0);
    }
    case 'AveragePooling1D':
    case 'AveragePooling2D': {
      const { pool, strides, padding } = poolSizes(layer);
      const mult = pool.reduce((acc, k, i) => acc * multiplicity(k, strides[i]!, 1), 1);
      // Schur test: rows sum to 1; a column sums to ≤ mult/(smallest window count). tfjs
      // averages 'same' windows over their valid pixels only (≥ ⌈k/2⌉ per dimension).
      const minCount = pool.reduce((acc, k) => acc * (padding === 'same' ? Math.ceil(k / 2) : k), 1);
      return closed(Math.sqrt(mult / minCount), 0);
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D': {
      const channelsFirst = p.dataFormat === 'channelsFirst';
      const spatial = channelsFirst ? inputShape.slice(2) : inputShape.slice(1, -1);
      if (spatial.some((d) => d == null)) return closed(1, 0, ['input size unknown: used 1 instead of 1/√(positions)']);
      const n = spatial.reduce((acc: number, d) => acc * (d as number), 1);
      return closed(1 / Math.sqrt(n), 0);
    }
    case 'MaxPooling1D':
    case 'MaxPooling2D': {
      const { pool, strides } = poolSizes(layer);
      const mult = pool.reduce((acc, k, i) => acc * multiplicity(k, strides[i]!, 1), 1);
      return closed(Math.sqrt(mult), Infinity, [`${className} is not smooth (max is piecewise linear)`]);
    }
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
      return closed(1, Infinity, [`${className} is not smooth (max is piecewise linear)`]);
    case 'BatchNormalization': {
      const variance = (p.movingVariance as tfl.LayerVariable).read();
      const gamma = p.gamma == null ? null : (p.gamma as tfl.LayerVariable).read();
      const eps = Number(p.epsilon);
      const scale = tf.tidy(() => {
        const inv = tf.rsqrt(tf.add(variance, eps));
        return tf.max(tf.abs(gamma ? tf.mul(gamma, inv) : inv));
      });
      const l = (await scale.data())[0]!;
      scale.dispose();
      return closed(l, 0, ['BatchNormalization with its moving statistics (inference, training: false)']);
    }
    default:
      return unsupported(`unsupported layer class ${className}`);
  }
}
