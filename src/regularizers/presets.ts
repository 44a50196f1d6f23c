/**
 * The published gradient penalties, as settings of {@link gradientPenalty}.
 */
import { checkNonNegative, checkOptions } from '../_internal/validate.js';
import { checkKnownKeys, checkName } from '../objectives/_checks.js';
import {
  checkEpsilon,
  checkSamples,
  checkSeed,
  makeGradientPenalty,
  type GradientPenalty,
} from './gradientPenalty.js';
import type { DraganPerturbation, PenaltySamples } from './samples.js';

/** Options shared by the presets. */
interface PresetBase {
  /** Seed of the penalty's randomness, mixed with `context.seed` and `context.step`. @defaultValue 0 */
  readonly seed?: number;
}

/** Options of {@link wganGp}. */
export interface WganGpOptions extends PresetBase {
  /** λ. @defaultValue 10 */
  readonly weight?: number;
  /** Inside the square root. @defaultValue 1e-10 */
  readonly epsilon?: number;
  /** @defaultValue 'wgan-gp' */
  readonly name?: string;
}

/**
 * WGAN-GP (Gulrajani et al., NeurIPS 2017): λ·E_x̂[(‖∇f(x̂)‖ − 1)²] at interpolates
 * x̂ = εx + (1 − ε)x̃, one ε ~ U[0, 1) per example, two-sided, λ = 10. A soft form of the
 * 1-Lipschitz constraint (condition (I)), not the zero-centred RKHS-norm surrogate (see
 * {@link zeroCentredGradientPenalty}). Equals `gradientPenalty({ centre: 1, weight: 10 })`.
 *
 * @throws On invalid or unknown options (see {@link gradientPenalty}).
 * @example
 * ```ts
 * const objective = combine(lossTerm(wassersteinLoss(), 'discriminator'), wganGp());
 * ```
 */
export function wganGp(options?: WganGpOptions): GradientPenalty {
  const fn = 'wganGp';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['weight', 'epsilon', 'seed', 'name']);
  return makeGradientPenalty(fn, {
    name: o.name === undefined ? 'wgan-gp' : checkName(fn, 'options.name', o.name),
    weight: o.weight === undefined ? 10 : checkNonNegative(fn, 'options.weight', o.weight),
    centre: 1,
    oneSided: false,
    epsilon: checkEpsilon(fn, 'options.epsilon', o.epsilon),
    valueWeight: 0,
    samples: 'interpolates',
    seed: checkSeed(fn, 'options.seed', o.seed),
  });
}

/** Options of {@link lipschitzPenalty}. */
export interface LipschitzPenaltyOptions extends PresetBase {
  /** λ. @defaultValue 10 */
  readonly weight?: number;
  /** τ: interpolates, or (perturbed) real/fake points. @defaultValue 'interpolates' */
  readonly samples?: PenaltySamples;
  /** For `samples: 'perturbedReal'`. @defaultValue { kind: 'uniformStd', scale: 0.5 } */
  readonly perturbation?: DraganPerturbation;
  /** Inside the square root. @defaultValue 1e-10 */
  readonly epsilon?: number;
  /** @defaultValue 'wgan-lp' */
  readonly name?: string;
}

/**
 * WGAN-LP (Petzka, Fischer & Lukovnikov, ICLR 2018): λ·E_τ[max(0, ‖∇f‖ − 1)²], one-sided,
 * so it only penalises violations of 1-Lipschitzness. Zero for a critic whose gradient norm
 * is at most 1 at every sampled point.
 *
 * @throws On invalid or unknown options (see {@link gradientPenalty}).
 * @example
 * ```ts
 * const lp = lipschitzPenalty({ weight: 10 });
 * ```
 */
export function lipschitzPenalty(options?: LipschitzPenaltyOptions): GradientPenalty {
  const fn = 'lipschitzPenalty';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['weight', 'samples', 'perturbation', 'epsilon', 'seed', 'name']);
  return makeGradientPenalty(fn, {
    name: o.name === undefined ? 'wgan-lp' : checkName(fn, 'options.name', o.name),
    weight: o.weight === undefined ? 10 : checkNonNegative(fn, 'options.weight', o.weight),
    centre: 1,
    oneSided: true,
    epsilon: checkEpsilon(fn, 'options.epsilon', o.epsilon),
    valueWeight: 0,
    samples: o.samples === undefined ? 'interpolates' : checkSamples(fn, 'options.samples', o.samples),
    perturbation: o.perturbation,
    seed: checkSeed(fn, 'options.seed', o.seed),
  });
}

/** Options of {@link r1Penalty} and {@link r2Penalty}. */
export interface R1PenaltyOptions {
  /** γ; the term is (γ/2)·E‖∇D‖². @defaultValue 10 */
  readonly gamma?: number;
  /** @defaultValue 'r1' (r1Penalty), 'r2' (r2Penalty) */
  readonly name?: string;
}

function zeroCentredOn(fn: string, samples: 'real' | 'fake', defaultName: string, options?: R1PenaltyOptions): GradientPenalty {
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['gamma', 'name']);
  const gamma = o.gamma === undefined ? 10 : checkNonNegative(fn, 'options.gamma', o.gamma);
  return makeGradientPenalty(fn, {
    name: o.name === undefined ? defaultName : checkName(fn, 'options.name', o.name),
    weight: gamma / 2,
    centre: 0,
    oneSided: false,
    epsilon: 0,
    valueWeight: 0,
    samples,
    seed: 0,
  });
}

/**
 * R1 (Mescheder, Geiger & Nowozin, ICML 2018): (γ/2)·E_{x~data}‖∇ₓD(x)‖², zero-centred, on
 * the real batch; γ = 10. The returned term's `weight` is γ/2. Inside a recording gradient
 * it reuses the context's memoised D(real), so the loss and R1 share one forward pass.
 * Deterministic (no sampling).
 *
 * @throws If `gamma` is negative or not finite, or an option is unknown.
 * @example
 * ```ts
 * const d = combine(lossTerm(nonSaturatingLoss(), 'discriminator'), r1Penalty({ gamma: 10 }));
 * ```
 */
export function r1Penalty(options?: R1PenaltyOptions): GradientPenalty {
  return zeroCentredOn('r1Penalty', 'real', 'r1', options);
}

/**
 * R2 (Mescheder et al. 2018): (γ/2)·E_{x~generator}‖∇ₓD(x)‖², zero-centred, on the generated
 * batch; γ = 10. The returned term's `weight` is γ/2. Reuses the memoised D(fake).
 *
 * @throws If `gamma` is negative or not finite, or an option is unknown.
 * @example
 * ```ts
 * const d = combine(lossTerm(nonSaturatingLoss(), 'discriminator'), r1Penalty(), r2Penalty());
 * ```
 */
export function r2Penalty(options?: R1PenaltyOptions): GradientPenalty {
  return zeroCentredOn('r2Penalty', 'fake', 'r2', options);
}

/** Options of {@link draganPenalty}. */
export interface DraganPenaltyOptions extends PresetBase {
  /** λ. @defaultValue 10 */
  readonly weight?: number;
  /** The target norm k. @defaultValue 1 */
  readonly centre?: number;
  /** The noise δ of x + δ. @defaultValue { kind: 'uniformStd', scale: 0.5 } (the reference code) */
  readonly perturbation?: DraganPerturbation;
  /** Inside the square root. @defaultValue 1e-10 */
  readonly epsilon?: number;
  /** @defaultValue 'dragan' */
  readonly name?: string;
}

/**
 * DRAGAN (Kodali, Abernethy, Hays & Kira, 2017): λ·E[(‖∇f(x + δ)‖ − k)²] around real points
 * only, two-sided, λ = 10, k = 1. Which δ: by default the reference implementation's
 * δ = 0.5·u ⊙ std_batch(x), u ~ U[0, 1) (chainer-gan-lib `dragan/updater.py`);
 * `{ kind: 'gaussian', stddev }` gives the paper's δ ~ N(0, cI) with c = stddev². See
 * {@link DraganPerturbation}.
 *
 * @throws On invalid or unknown options (see {@link gradientPenalty}).
 * @example
 * ```ts
 * const dragan = draganPenalty({ perturbation: { kind: 'gaussian', stddev: 0.1 } });
 * ```
 */
export function draganPenalty(options?: DraganPenaltyOptions): GradientPenalty {
  const fn = 'draganPenalty';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['weight', 'centre', 'perturbation', 'epsilon', 'seed', 'name']);
  return makeGradientPenalty(fn, {
    name: o.name === undefined ? 'dragan' : checkName(fn, 'options.name', o.name),
    weight: o.weight === undefined ? 10 : checkNonNegative(fn, 'options.weight', o.weight),
    centre: o.centre === undefined ? 1 : checkNonNegative(fn, 'options.centre', o.centre),
    oneSided: false,
    epsilon: checkEpsilon(fn, 'options.epsilon', o.epsilon),
    valueWeight: 0,
    samples: 'perturbedReal',
    perturbation: o.perturbation,
    seed: checkSeed(fn, 'options.seed', o.seed),
  });
}

/** Options of {@link zeroCentredGradientPenalty}. */
export interface ZeroCentredGradientPenaltyOptions extends PresetBase {
  /** λ. @defaultValue 10 */
  readonly weight?: number;
  /** ρ. @defaultValue 'interpolates' */
  readonly samples?: PenaltySamples;
  /** For `samples: 'perturbedReal'`. @defaultValue { kind: 'uniformStd', scale: 0.5 } */
  readonly perturbation?: DraganPerturbation;
  /** @defaultValue 'zero-centred-gp' */
  readonly name?: string;
}

/**
 * The zero-centred gradient penalty λ·E_ρ‖∇f‖² at any sampling distribution ρ (interpolates
 * by default, as in Thanh-Tung, Tran & Venkatesh, ICLR 2019). This is the form the RKHS
 * argument of Chu, Minami & Fukumizu (ICLR 2020) calls for: a lower bound of the RKHS-norm
 * penalty (1/(2β2))‖f‖²_H that gives condition (III); see {@link rkhsNormPenalty} for the
 * version parametrised by β2 and a kernel. R1/R2 are the cases ρ = data / generator.
 *
 * @throws On invalid or unknown options (see {@link gradientPenalty}).
 * @example
 * ```ts
 * const gp0 = zeroCentredGradientPenalty({ weight: 10, samples: 'realAndFake' });
 * ```
 */
export function zeroCentredGradientPenalty(options?: ZeroCentredGradientPenaltyOptions): GradientPenalty {
  const fn = 'zeroCentredGradientPenalty';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, ['weight', 'samples', 'perturbation', 'seed', 'name']);
  return makeGradientPenalty(fn, {
    name: o.name === undefined ? 'zero-centred-gp' : checkName(fn, 'options.name', o.name),
    weight: o.weight === undefined ? 10 : checkNonNegative(fn, 'options.weight', o.weight),
    centre: 0,
    oneSided: false,
    epsilon: 0,
    valueWeight: 0,
    samples: o.samples === undefined ? 'interpolates' : checkSamples(fn, 'options.samples', o.samples),
    perturbation: o.perturbation,
    seed: checkSeed(fn, 'options.seed', o.seed),
  });
}

