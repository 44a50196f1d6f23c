/**
 * The RKHS-norm penalty (1/(2β2))‖f‖²_H of the β2 construction: exact for RKHS critics,
 * and as a gradient-penalty lower bound for any critic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkOptions, checkPositive } from '../_internal/validate.js';
import { checkContext, checkKnownKeys, checkName } from '../objectives/_checks.js';
import type { ObjectiveContext, Term, TermValue } from '../objectives/types.js';
import { checkBoolean, checkSamples, checkSeed, makeGradientPenalty, type GradientPenalty } from './gradientPenalty.js';
import type { RkhsCritic } from './rkhsCritics.js';
import { resolveRkhsKernel, type RkhsKernelSpec } from './rkhsKernels.js';
import type { DraganPerturbation, PenaltySamples } from './samples.js';

/** Options of {@link rkhsNormPenalty}. */
export interface RkhsNormPenaltyOptions {
  /** β2 > 0: the MMD² weight of the inf-convolution J ⊕ (β2/2)MMD²; the penalty is (1/(2β2))‖f‖²_H. */
  readonly beta2: number;
  /** The kernel of H. @defaultValue { kind: 'gaussian', bandwidth: 1 } */
  readonly kernel?: RkhsKernelSpec;
  /** Include the order-0 term E_ρ f(x)²/κ0. @defaultValue false */
  readonly valueTerm?: boolean;
  /** The sampling distribution ρ. @defaultValue 'realAndFake' */
  readonly samples?: PenaltySamples;
  /** For `samples: 'perturbedReal'`. @defaultValue { kind: 'uniformStd', scale: 0.5 } */
  readonly perturbation?: DraganPerturbation;
  /** Seed of the penalty's randomness (for sampled ρ). @defaultValue 0 */
  readonly seed?: number;
  /** @defaultValue 'rkhs-norm' */
  readonly name?: string;
}

/** The term returned by {@link rkhsNormPenalty}: a zero-centred gradient penalty with the mapped constants. */
export interface RkhsNormPenalty extends GradientPenalty {
  readonly beta2: number;
  readonly kernel: RkhsKernelSpec;
  /** κ0 = k(x, x) and κ1 (∂₁∂₂k(x, x) = κ1·I) of the kernel. */
  readonly kernelConstants: { readonly value: number; readonly gradient: number };
}

/**
 * The RKHS-norm penalty of Chu, Minami & Fukumizu (ICLR 2020) for a general critic, as a
 * zero-centred gradient penalty:
 *
 *   (1/(2β2))·E_ρ[ ‖∇f(x)‖²/κ1 + (valueTerm ? f(x)²/κ0 : 0) ]  ≤  (1/(2β2))·‖f‖²_H.
 *
 * Where it comes from: J ⊕ (β2/2)MMD²_k adds −(1/(2β2))‖f‖²_H to the discriminator's
 * objective, which makes the optimal discriminator move Lipschitz-continuously with the
 * generator distribution (condition (III), constant β2·κ1). ‖f‖_H cannot be computed for a
 * neural critic, so the term penalises a lower bound of it. For a stationary kernel with
 * k(x, x) = κ0 and ∂₁∂₂k(x, x) = κ1·I, the functions k(x, ·)/√κ0 and ∂ⱼk(x, ·)/√κ1 are
 * orthonormal in H, so by Bessel's inequality f(x)²/κ0 + ‖∇f(x)‖²/κ1 ≤ ‖f‖²_H at every x, and
 * so in expectation over any ρ (theory §3.4, Facts A and B; Bietti et al., ICML 2019).
 *
 * Constant mapping: gradient weight λ = 1/(2·β2·κ1) (Gaussian kernel: σ²/(2β2), so λ = 1/(2β2)
 * for σ = 1), value weight 1/(2·β2·κ0) (= 1/(2β2)). The returned term exposes them as
 * `weight` and `valueWeight`.
 *
 * What is approximate: (1) it is a lower bound (a penalty on ‖∇f‖ only where ρ puts mass,
 * not the full norm); (2) it truncates the Sobolev expansion of the Gaussian RKHS norm after
 * the order-1 term (theory §3.4 Fact B) and measures it under ρ instead of Lebesgue measure,
 * which drops the dimension factor (2πσ²)^(−d/2) and uses the pointwise weights 1 : σ²
 * rather than Lebesgue's 1 : σ²/2; (3) which ρ the paper uses is not known: the default is
 * the mixture of the real and generated batches, which reuses the memoised critic outputs.
 * For critics in a known RKHS use {@link exactRkhsNormPenalty}.
 *
 * The value term penalises the critic's amplitude (for a Wasserstein critic, ProGAN's drift
 * penalty); leave it off when the critic's level is meaningful to the loss.
 *
 * @throws If `beta2` is not positive, the kernel is invalid, or an option is unknown (and
 *   the evaluation errors of {@link gradientPenalty}).
 * @example
 * ```ts
 * const rkhs = rkhsNormPenalty({ beta2: 0.05 }); // λ = 1/(2·0.05) = 10 on E‖∇f‖²
 * const objective = combine(lossTerm(nonSaturatingLoss(), 'discriminator'), rkhs);
 * ```
 */
export function rkhsNormPenalty(options: RkhsNormPenaltyOptions): RkhsNormPenalty {
  const fn = 'rkhsNormPenalty';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['beta2', 'kernel', 'valueTerm', 'samples', 'perturbation', 'seed', 'name']);
  if (o.beta2 === undefined) fail(fn, 'options.beta2', 'a positive number (the MMD² weight β2)', undefined);
  const beta2 = checkPositive(fn, 'options.beta2', o.beta2);
  const kernel = resolveRkhsKernel(fn, 'options.kernel', o.kernel);
  const valueTerm = checkBoolean(fn, 'options.valueTerm', o.valueTerm, false);
  return makeGradientPenalty(
    fn,
    {
      name: o.name === undefined ? 'rkhs-norm' : checkName(fn, 'options.name', o.name),
      weight: 1 / (2 * beta2 * kernel.kappa1),
      centre: 0,
      oneSided: false,
      epsilon: 0,
      valueWeight: valueTerm ? 1 / (2 * beta2 * kernel.kappa0) : 0,
      samples: o.samples === undefined ? 'realAndFake' : checkSamples(fn, 'options.samples', o.samples),
      perturbation: o.perturbation,
      seed: checkSeed(fn, 'options.seed', o.seed),
    },
    {
      beta2,
      kernel: kernel.spec,
      kernelConstants: Object.freeze({ value: kernel.kappa0, gradient: kernel.kappa1 }),
    },
  );
}

/** Options of {@link exactRkhsNormPenalty}. */
export interface ExactRkhsNormPenaltyOptions {
  /** A critic with a computable RKHS norm ({@link kernelExpansionCritic}, {@link randomFourierCritic}). */
  readonly critic: RkhsCritic;
  /** β2 > 0; the penalty is (1/(2β2))‖f‖²_H. */
  readonly beta2: number;
  /** @defaultValue 'rkhs-norm' */
  readonly name?: string;
}

/** The term returned by {@link exactRkhsNormPenalty}. */
export interface ExactRkhsNormPenalty extends Term {
  readonly critic: RkhsCritic;
  readonly beta2: number;
  readonly partNames: readonly string[];
}

/**
 * The exact RKHS-norm penalty (1/(2β2))‖f‖²_H for a critic whose norm is known: aᵀKa for a
 * kernel expansion, ‖w‖² for random Fourier features (in the RKHS of the feature kernel).
 * This is the β2 construction of Chu, Minami & Fukumizu (ICLR 2020) without approximation:
 * the discriminator maximises ∫f dμ − J*(f) − (1/(2β2))‖f‖²_H. It does not read the context
 * (the norm depends only on the critic's parameters), so it is cheap.
 *
 * @throws At creation, if `critic` is not an RkhsCritic or `beta2` is not positive.
 * @example
 * ```ts
 * const f = kernelExpansionCritic({ centres, coefficients });
 * const d = combine(lossTerm(loss, 'discriminator'), exactRkhsNormPenalty({ critic: f, beta2: 1 }));
 * ```
 */
export function exactRkhsNormPenalty(options: ExactRkhsNormPenaltyOptions): ExactRkhsNormPenalty {
  const fn = 'exactRkhsNormPenalty';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['critic', 'beta2', 'name']);
  const c = o.critic as Partial<RkhsCritic> | undefined;
  if (c === null || typeof c !== 'object' || c.kind !== 'rkhs-critic' || typeof c.rkhsNormSquared !== 'function') {
    fail(fn, 'options.critic', 'an RkhsCritic (kernelExpansionCritic or randomFourierCritic)', o.critic);
  }
  if (o.beta2 === undefined) fail(fn, 'options.beta2', 'a positive number (the MMD² weight β2)', undefined);
  const beta2 = checkPositive(fn, 'options.beta2', o.beta2);
  const name = o.name === undefined ? 'rkhs-norm' : checkName(fn, 'options.name', o.name);
  const critic = o.critic;
  const evaluate = (context: ObjectiveContext): TermValue => {
    checkContext(`${fn}.evaluate`, context);
    const total = tf.tidy(() => tf.mul(1 / (2 * beta2), critic.rkhsNormSquared()) as tf.Scalar);
    return { total, parts: { [name]: total } };
  };
  return Object.freeze({ kind: 'term' as const, name, critic, beta2, partNames: Object.freeze([name]), evaluate });
}
