/**
 * The `smoothGan` preset (theory §3.5): the regularised discriminator objective for a base
 * loss and constants (α, β1, β2), a check that the critic satisfies conditions (I) and (II),
 * and the smoothness certificate with the safe generator step size.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { fail, failWith } from '../_internal/errors.js';
import { checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';
import { smoothnessCertificate, type SmoothnessCertificate } from '../bounds/certificate.js';
import { smoothnessUpperBound, type NetworkBound, type NetworkBoundOptions } from '../bounds/upperBounds.js';
import { SPECTRAL_NORM_LAYERS } from '../layers/spectralNormalization.js';
import { updateSpectralNorms } from '../layers/spectralNormUpdates.js';
import type { AdversarialLoss } from '../losses/types.js';
import { combine } from '../objectives/combine.js';
import { lossTerm } from '../objectives/lossTerm.js';
import type { Term } from '../objectives/types.js';
import { rkhsNormPenalty, type RkhsNormPenalty, type RkhsNormPenaltyOptions } from '../regularizers/rkhsNormPenalty.js';

/** Options of {@link smoothGan}. */
export interface SmoothGanOptions {
  /** The base loss J (from `smoothgan/losses`). */
  readonly loss: AdversarialLoss;
  /** Condition (I): the critic is α-Lipschitz (spectral normalisation on every linear map). */
  readonly alpha: number;
  /** Condition (II): the critic is β1-smooth (smooth activations). */
  readonly beta1: number;
  /** Condition (III): the weight of (β2/2)·MMD²; the critic pays (1/(2β2))‖f‖²_H (a zero-centred gradient penalty). */
  readonly beta2: number;
  /** The critic to check: a built tfjs-layers model. */
  readonly critic: tfl.LayersModel;
  /**
   * The generator's constants (theory §1.4): ‖∂_θX_θ(z)‖ ≤ A and ∂_θX_θ is B-Lipschitz in θ, or
   * estimates of them. Without them no certificate is returned.
   */
  readonly generatorConstants?: { readonly A: number; readonly B: number };
  /** Options of the RKHS-norm penalty (kernel, sampling distribution ρ, value term, seed, name). @defaultValue its defaults */
  readonly penalty?: Omit<RkhsNormPenaltyOptions, 'beta2'>;
  /**
   * Relative slack of the numeric checks: the measured bounds may exceed α and β1 by this
   * factor (spectral norms are power-iteration estimates). @defaultValue 0.02
   */
  readonly tolerance?: number;
  /** `true`: throw when a condition fails; `false`: return the failures in `violations`. @defaultValue true */
  readonly strict?: boolean;
  /**
   * Spectral-norm warm-up: the critic's wrappers are advanced this many times
   * (`updateSpectralNorms`) before the check. A wrapper's σ estimate approaches the true σ from
   * below, so a freshly built critic normalises by a slightly small σ and its layers have norms a
   * little above 1; warming up their u vectors (as PyTorch does at registration) makes the
   * check, and the first training steps, see the converged normalisation. @defaultValue 30
   */
  readonly spectralNormWarmup?: number;
  /** Power-iteration settings of the bounds. @defaultValue the bounds' defaults */
  readonly boundOptions?: NetworkBoundOptions;
}

/** The result of {@link smoothGan}. */
export interface SmoothGan {
  readonly kind: 'smoothGan';
  readonly alpha: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly loss: AdversarialLoss;
  /** The RKHS-norm penalty (1/(2β2))·E_ρ‖∇f‖²/κ1 (theory §3.3–3.4). */
  readonly penalty: RkhsNormPenalty;
  /** `[penalty]`, to pass as `criticTerms` to `ganPlayers` / `createGanTrainer` with the same `loss`. */
  readonly criticTerms: readonly Term[];
  /** loss (discriminator side) + penalty. */
  readonly criticObjective: Term;
  /** loss (generator side). */
  readonly generatorObjective: Term;
  /** Measured upper bounds of the critic (Lipschitz and smoothness) with the per-layer report. */
  readonly criticBound: NetworkBound;
  /** Conditions that failed (empty when all hold; only non-empty with `strict: false`). */
  readonly violations: readonly string[];
  /**
   * L = α·B + A²·(β1 + β2·κ1) and the step size 1/L, when `generatorConstants` are given
   * (κ1 = the penalty kernel's gradient constant; 1/σ² for a Gaussian of bandwidth σ).
   */
  readonly certificate: SmoothnessCertificate | undefined;
  /** The safe generator learning rate 1/L (plain gradient descent), when the certificate exists. */
  readonly stepSize: number | undefined;
}

const fmt = (x: number | 'unbounded') => (typeof x === 'number' ? String(Number(x.toPrecision(6))) : x);

/**
 * The smooth-GAN preset of Chu, Minami & Fukumizu ("Smoothness and Stability in GANs", ICLR
 * 2020; theory §3.5). The regularised loss
 *
 *   J̃ = J ⊕ αW1 ⊕ β1‖·‖_S ⊕ (β2/2)MMD²,
 *   critic: max_f ∫f dμ − J*(f) − (1/(2β2))‖f‖²_H  over α-Lipschitz, β1-smooth f,
 *
 * is implemented as: the critic network itself carries (I) and (II) (spectral normalisation on
 * every linear map and smooth activations), and the critic's objective is the base loss plus
 * the RKHS-norm penalty `rkhsNormPenalty({ beta2 })` for (III). The generator then has an
 * L-smooth objective with L = α·B + A²·(β1 + β2·κ1) (theory §1.5), so gradient descent with
 * γ ≤ 1/L reaches eventual stationarity (theory §1.6).
 *
 * The check walks the critic with `smoothnessUpperBound` (from `smoothgan/bounds`) and reports
 * each condition that fails: a linear layer without `spectralNormalization` or a composed
 * Lipschitz bound above α (condition I), a non-smooth activation such as ReLU or a smoothness
 * bound above β1 (condition II). The constants are those of the network's output (the logit
 * h for logistic losses); the function the loss integrates, −softplus(h), has Lipschitz constant
 * ≤ Lip(h) and smoothness ≤ β(h) + Lip(h)²/4 (theory §3.2).
 *
 * @returns (async: the bounds run power iterations) a frozen {@link SmoothGan} with the
 *   objectives, the penalty, the measured bounds and the certificate.
 * @throws If an option is invalid, or (with `strict`, the default) when the critic violates a
 *   condition: `Error in smoothGan: the critic does not satisfy the smoothness conditions: …`
 *   with one line per failure.
 * @example
 * ```ts
 * const preset = await smoothGan({ loss: nonSaturatingLoss(), alpha: 1, beta1: 1, beta2: 0.5, critic, generatorConstants: { A: 2, B: 0 } });
 * preset.certificate!.L; // 1·0 + 4·(1 + 0.5) = 6
 * const gan = createGanTrainer({ generator, critic, loss: preset.loss, criticTerms: preset.criticTerms,
 *   optimizers: { critic: tf.train.adam(4e-4), generator: tf.train.sgd(preset.stepSize!) }, ... });
 * ```
 */
export async function smoothGan(options: SmoothGanOptions): Promise<SmoothGan> {
  const fn = 'smoothGan';
  const o = checkOptions(fn, 'options', options);
  const l = o.loss as Partial<AdversarialLoss> | undefined;
  if (l == null || l.kind !== 'adversarial-loss') fail(fn, 'options.loss', 'an AdversarialLoss (from smoothgan/losses)', o.loss);
  const alpha = checkPositive(fn, 'options.alpha', o.alpha);
  const beta1 = checkPositive(fn, 'options.beta1', o.beta1);
  const beta2 = checkPositive(fn, 'options.beta2', o.beta2);
  const tolerance = o.tolerance === undefined ? 0.02 : checkPositive(fn, 'options.tolerance', o.tolerance);
  const strict = o.strict ?? true;
  if (typeof strict !== 'boolean') fail(fn, 'options.strict', 'a boolean', strict);
  let generatorConstants: { A: number; B: number } | undefined;
  if (o.generatorConstants !== undefined) {
    const g = checkOptions(fn, 'options.generatorConstants', o.generatorConstants);
    for (const k of ['A', 'B'] as const) {
      const v = g[k];
      if (typeof v !== 'number' || Number.isNaN(v) || v < 0) fail(fn, `options.generatorConstants.${k}`, 'a number >= 0', v);
    }
    generatorConstants = { A: g.A, B: g.B };
  }
  const penalty = rkhsNormPenalty({ ...(o.penalty ?? {}), beta2 });
  const critic = o.critic as unknown;
  if (critic === null || typeof critic !== 'object' || !Array.isArray((critic as { layers?: unknown }).layers)) {
    fail(fn, 'options.critic', 'a built tfjs-layers model (the checks walk its layers)', critic);
  }
  const warmup = o.spectralNormWarmup === undefined ? 30 : checkInteger(fn, 'options.spectralNormWarmup', o.spectralNormWarmup, 0);
  for (let i = 0; i < warmup; i++) if (updateSpectralNorms(o.critic) === 0) break;
  const bound = await smoothnessUpperBound(o.critic, o.boundOptions);

  const violations: string[] = [];
  const unwrapped = bound.layers.filter((e) => Object.prototype.hasOwnProperty.call(SPECTRAL_NORM_LAYERS, e.className));
  for (const e of unwrapped) {
    violations.push(
      `(I) alpha: layer '${e.name}' (${e.className}) is not spectrally normalised; wrap every linear map: spectralNormalization({ layer, bound }).`,
    );
  }
  if (bound.lipschitz === 'unbounded') {
    const why = bound.layers
      .filter((e) => !Number.isFinite(e.lipschitz))
      .flatMap((e) => (e.reasons.length > 0 ? e.reasons : ['unbounded']).map((r) => `${e.name}: ${r}`));
    violations.push(`(I) alpha: the critic's Lipschitz constant is unbounded (${why.join('; ')}).`);
  } else if (bound.lipschitz > alpha * (1 + tolerance)) {
    violations.push(
      `(I) alpha: the critic's Lipschitz upper bound is ${fmt(bound.lipschitz)}, above alpha = ${alpha}; lower the spectral-norm bounds (their product times the activations' Lipschitz constants must be at most alpha)${unwrapped.length === 0 ? ", or use mode: 'operator' for convolutions" : ''}.`,
    );
  }
  if (bound.smoothness === 'unbounded') {
    const why = bound.layers
      .filter((e) => !Number.isFinite(e.smoothness))
      .flatMap((e) => (e.reasons.length > 0 ? e.reasons : ['not smooth']).map((r) => `${e.name}: ${r}`));
    violations.push(
      `(II) beta1: the critic is not smooth (${why.join('; ')}); use smooth activations (softplus, tanh, sigmoid, elu with alpha 1).`,
    );
  } else if (bound.smoothness > beta1 * (1 + tolerance)) {
    violations.push(
      `(II) beta1: the critic's smoothness upper bound is ${fmt(bound.smoothness)}, above beta1 = ${beta1}; use fewer or smoother activations (softplus: s = 1/4), or smaller spectral-norm bounds.`,
    );
  }
  if (strict && violations.length > 0) {
    failWith(
      fn,
      `the critic does not satisfy the smoothness conditions:\n  ${violations.join('\n  ')}\nPass strict: false to get the preset with these violations listed`,
    );
  }

  const certificate = generatorConstants
    ? smoothnessCertificate({ alpha, beta1, beta2: beta2 * penalty.kernelConstants.gradient, ...generatorConstants })
    : undefined;
  const criticObjective = combine(lossTerm(o.loss, 'discriminator'), penalty);
  return Object.freeze({
    kind: 'smoothGan' as const,
    alpha,
    beta1,
    beta2,
    loss: o.loss,
    penalty,
    criticTerms: Object.freeze([penalty]),
    criticObjective,
    generatorObjective: lossTerm(o.loss, 'generator'),
    criticBound: bound,
    violations: Object.freeze(violations),
    certificate,
    stepSize: certificate?.stepSize,
  });
}
