/**
 * Regularizers: gradient penalties (WGAN-GP, WGAN-LP, R1, R2, DRAGAN, zero-centred), the
 * RKHS-norm penalty of the β2 construction, and a soft spectral penalty. Every one is an
 * objective `Term` (see `smoothgan/objectives`).
 * @module regularizers
 */
export {
  gradientPenalty,
  type GradientPenalty,
  type GradientPenaltyOptions,
} from './gradientPenalty.js';
export {
  draganPenalty,
  lipschitzPenalty,
  r1Penalty,
  r2Penalty,
  wganGp,
  zeroCentredGradientPenalty,
  type DraganPenaltyOptions,
  type LipschitzPenaltyOptions,
  type R1PenaltyOptions,
  type WganGpOptions,
  type ZeroCentredGradientPenaltyOptions,
} from './presets.js';
export {
  PENALTY_SAMPLE_KINDS,
  type DraganPerturbation,
  type PenaltySampleKind,
  type PenaltySampler,
  type PenaltySamples,
} from './samples.js';
export type { RkhsKernelSpec } from './rkhsKernels.js';
export {
  kernelExpansionCritic,
  randomFourierCritic,
  type KernelExpansionCriticOptions,
  type RandomFourierCritic,
  type RandomFourierCriticOptions,
  type RkhsCritic,
} from './rkhsCritics.js';
export {
  exactRkhsNormPenalty,
  rkhsNormPenalty,
  type ExactRkhsNormPenalty,
  type ExactRkhsNormPenaltyOptions,
  type RkhsNormPenalty,
  type RkhsNormPenaltyOptions,
} from './rkhsNormPenalty.js';
export { spectralPenalty, type SpectralPenalty, type SpectralPenaltyOptions } from './spectralPenalty.js';
