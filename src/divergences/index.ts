/**
 * Kernels and MMD divergences: Gaussian, rational-quadratic, inverse multiquadric, polynomial
 * and distance-induced kernels; MMD² with unbiased, biased and linear-time estimators; the
 * MMD-GAN loss on critic features.
 * @module divergences
 */
export type { Kernel } from './types.js';
export { gaussianKernel, type GaussianKernel, type GaussianKernelOptions } from './gaussian.js';
export {
  rationalQuadraticKernel,
  type RationalQuadraticKernel,
  type RationalQuadraticKernelOptions,
} from './rationalQuadratic.js';
export {
  inverseMultiquadricKernel,
  type InverseMultiquadricKernel,
  type InverseMultiquadricKernelOptions,
} from './inverseMultiquadric.js';
export { polynomialKernel, type PolynomialKernel, type PolynomialKernelOptions } from './polynomial.js';
export { distanceKernel, type DistanceKernel, type DistanceKernelOptions } from './distance.js';
export { mmd2, MMD_ESTIMATORS, type Mmd2Options, type MmdEstimator } from './mmd.js';
export { mmdLoss, type MmdLoss, type MmdLossOptions } from './mmdLoss.js';
