/**
 * Lipschitz and smoothness bounds of networks: activation constants, upper bounds composed over
 * a tfjs-layers model graph (true operator norms for convolutions), empirical lower bounds, and
 * the paper's smoothness certificate L = αB + A²(β1 + β2) with its step size.
 * @module bounds
 */
export {
  ACTIVATION_CONSTANTS,
  type ActivationConstants,
  type ActivationName,
} from './activationConstants.js';
export {
  lipschitzUpperBound,
  smoothnessUpperBound,
  type LayerBoundEntry,
  type LayerBoundMethod,
  type LayerConstants,
  type NetworkBound,
  type NetworkBoundOptions,
} from './upperBounds.js';
export {
  lipschitzLowerBound,
  smoothnessLowerBound,
  type LipschitzLowerBoundOptions,
  type LowerBound,
  type NetworkFunction,
  type SmoothnessLowerBoundOptions,
} from './lowerBounds.js';
export {
  smoothnessCertificate,
  type SmoothnessCertificate,
  type SmoothnessCertificateOptions,
} from './certificate.js';
