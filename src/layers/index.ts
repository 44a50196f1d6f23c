/**
 * Spectral normalisation for tfjs-layers: the wrapper layer (gradient through σ, u advanced
 * once per discriminator update), power iteration on matrices and on the true operators of
 * convolutions, and the Keras-style projection for raw variables.
 * @module layers
 */
export {
  SpectralNormalization,
  spectralNormalization,
  SPECTRAL_NORM_LAYERS,
  type SpectralBoundMode,
  type SpectralNormalizationArgs,
} from './spectralNormalization.js';
export {
  findSpectralNorms,
  readSpectralNormSigmas,
  snapshotSpectralNorms,
  updateSpectralNorms,
  type SpectralNormSnapshot,
  type SpectralNormTarget,
} from './spectralNormUpdates.js';
export {
  operatorPowerIteration,
  powerIteration,
  type PowerIterationOptions,
  type PowerIterationResult,
} from './powerIteration.js';
export {
  conv1dOperator,
  conv2dOperator,
  conv2dTransposeOperator,
  depthwiseConv2dOperator,
  matrixOperator,
  type Conv1dOperatorOptions,
  type Conv2dOperatorOptions,
  type Conv2dTransposeOperatorOptions,
  type ConvPadding,
  type DepthwiseConv2dOperatorOptions,
  type LinearOperator,
} from './linearOperators.js';
export { KERNEL_LAYOUTS, reshapedKernelMatrix, type KernelLayout } from './reshapedKernel.js';
export type { SpectralNormMode } from './_spectralMaps.js';
export {
  projectSpectralNorm,
  spectralNormProjection,
  type ProjectSpectralNormOptions,
  type ProjectSpectralNormResult,
  type ProjectionOperatorGeometry,
  type SpectralNormProjection,
  type SpectralNormProjectionOptions,
  type SpectralNormProjectionTarget,
} from './projection.js';
