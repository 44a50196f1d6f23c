/**
 * Adversarial losses: discriminator/generator pairs.
 * @module losses
 */
export type { AdversarialLoss, CriticOutputs, GeneratorCriticOutputs } from './types.js';
