/**
 * Adversarial losses: discriminator/generator pairs (minimax, non-saturating, Wasserstein,
 * hinge, least squares, relativistic). Each factory returns a frozen {@link AdversarialLoss};
 * critic outputs are passed by name (`{ real, fake }`), with optional per-example weights.
 * @module losses
 */
export type {
  AdversarialLoss,
  CriticOutputs,
  ExampleWeights,
  GeneratorCriticOutputs,
} from './types.js';
export { LOSS_REDUCTIONS, type LossReduction, type LossReductionOptions } from './reduction.js';
export { minimaxLoss, type LogisticLoss, type LogisticLossOptions, type MinimaxLossOptions } from './minimax.js';
export { nonSaturatingLoss, type NonSaturatingLossOptions } from './nonSaturating.js';
export { wassersteinLoss, type WassersteinLoss, type WassersteinLossOptions } from './wasserstein.js';
export { hingeLoss, type HingeLoss, type HingeLossOptions } from './hinge.js';
export { leastSquaresLoss, type LeastSquaresLoss, type LeastSquaresLossOptions } from './leastSquares.js';
export {
  relativisticLoss,
  type RelativisticBase,
  type RelativisticForm,
  type RelativisticLoss,
  type RelativisticLossOptions,
} from './relativistic.js';
