/**
 * How a loss turns per-example values into one scalar, and the options every loss shares.
 */

/**
 * The reduction of weighted per-example losses ℓ_i with weights w_i (w_i = 1 when no weights
 * are passed), applied to the real and the fake side separately:
 * - `'sumByNonzeroWeights'`: Σ w_i·ℓ_i / #{i : w_i ≠ 0} (TF-GAN's default; the batch mean
 *   when no weights are passed, and a masked mean when some weights are 0);
 * - `'mean'`: Σ w_i·ℓ_i / batch;
 * - `'sum'`: Σ w_i·ℓ_i.
 *
 * Scaling every weight by c > 0 scales the loss by c in each mode.
 */
export type LossReduction = 'mean' | 'sum' | 'sumByNonzeroWeights';

/** The accepted values of {@link LossReduction}. */
export const LOSS_REDUCTIONS: readonly LossReduction[] = Object.freeze(['sumByNonzeroWeights', 'mean', 'sum'] as const);

/** Options shared by every per-example adversarial loss. */
export interface LossReductionOptions {
  /**
   * How per-example losses are reduced (see {@link LossReduction}). Critic outputs with more
   * than one value per example (`[batch, 1]`, PatchGAN maps `[batch, h, w, 1]`) are first
   * averaged over their non-batch axes.
   * @defaultValue 'sumByNonzeroWeights'
   */
  readonly reduction?: LossReduction;
}
