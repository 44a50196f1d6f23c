/**
 * Sample-quality metrics over feature matrices the caller supplies: exact 1-D Wasserstein,
 * sliced Wasserstein, Fréchet distance (FID formula), KID, and mode coverage for Gaussian
 * mixtures with the ring and grid toys. Every metric returns a promise (tensors are read with
 * `await t.data()`) and also accepts plain arrays.
 * @module metrics
 */
export type { FeatureMatrix, Samples1D } from './_read.js';
export { wasserstein1d, type Wasserstein1dOptions } from './wasserstein1d.js';
export { slicedWasserstein, type SlicedWassersteinOptions } from './slicedWasserstein.js';
export {
  featureStatistics,
  frechetDistance,
  type FeatureStatistics,
  type FrechetDistanceOptions,
} from './frechet.js';
export {
  kernelInceptionDistance,
  type KernelInceptionDistanceOptions,
  type KernelInceptionDistanceResult,
} from './kid.js';
export {
  modeCoverage,
  type ModeCoverageOptions,
  type ModeCoverageReport,
  type ModeCoverageTarget,
} from './modeCoverage.js';
export {
  gridMixture,
  ringMixture,
  type GaussianMixture,
  type GridMixtureOptions,
  type RingMixtureOptions,
} from './mixtures.js';
