/**
 * The gradient penalty: one factory for WGAN-GP, WGAN-LP, R1, R2, DRAGAN, zero-centred and
 * RKHS-norm penalties, which differ only in where they sample, the centre and the side.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkInteger, checkNonNegative, checkOneOf, checkOptions } from '../_internal/validate.js';
import { enableSecondOrderGradients } from '../autodiff/secondOrder.js';
import { checkContext, checkKnownKeys, checkName } from '../objectives/_checks.js';
import type { ObjectiveContext, Term, TermValue } from '../objectives/types.js';
import { criticAtPoints, tapeIsRecording } from './_criticGradient.js';
import { mixSeed } from './_seed.js';
import {
  PENALTY_SAMPLE_KINDS,
  resolvePerturbation,
  samplePoints,
  type DraganPerturbation,
  type PenaltySampleKind,
  type PenaltySamples,
} from './samples.js';

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /**
   * The target gradient norm c. `1` makes the penalty a soft 1-Lipschitz constraint (WGAN-GP,
   * condition (I)); `0` makes it a zero-centred penalty E‖∇f‖², the surrogate of the
   * RKHS-norm term −(1/(2β2))‖f‖²_H of condition (III) (R1/R2). No default: the choice
   * decides what the penalty means.
   */
  readonly centre: number;
  /** The weight λ multiplying the mean. @defaultValue 1 */
  readonly weight?: number;
  /** Where to evaluate the gradient (see {@link PenaltySampleKind}). @defaultValue 'interpolates' */
  readonly samples?: PenaltySamples;
  /** Penalise only norms above the centre: max(0, ‖∇f‖ − c)² (WGAN-LP). @defaultValue false */
  readonly oneSided?: boolean;
  /**
   * Added inside the square root, ‖∇f‖ = sqrt(Σ g² + ε), so the norm is differentiable at 0
   * (TF-GAN's 1e-10; with 0, a point where ∇f = 0 gives NaN gradients). Unused when `centre`
   * is 0. @defaultValue 1e-10
   */
  readonly epsilon?: number;
  /**
   * Weight of an order-0 term valueWeight·E_ρ[f(x)²] at the same points (the value part of
   * the Sobolev lower bound of an RKHS norm, see {@link rkhsNormPenalty}; ProGAN's "drift"
   * penalty for WGAN critics). @defaultValue 0
   */
  readonly valueWeight?: number;
  /** The perturbation of `'perturbedReal'` samples. @defaultValue { kind: 'uniformStd', scale: 0.5 } */
  readonly perturbation?: DraganPerturbation;
  /** Seed of the penalty's randomness, mixed with `context.seed` and `context.step`. @defaultValue 0 */
  readonly seed?: number;
  /** The term's name (its part name in logs). @defaultValue 'gradient-penalty' */
  readonly name?: string;
}

/** A gradient-penalty term; its hyperparameters are readable. */
export interface GradientPenalty extends Term {
  readonly weight: number;
  readonly centre: number;
  readonly oneSided: boolean;
  readonly epsilon: number;
  readonly valueWeight: number;
  /** The sample kind, or `'custom'` for a caller-supplied sampler. */
  readonly samples: PenaltySampleKind | 'custom';
  /** The perturbation used by `'perturbedReal'` samples. */
  readonly perturbation: DraganPerturbation;
  readonly seed: number;
  readonly partNames: readonly string[];
}

/** The settings a gradient penalty is built from. @internal */
export interface PenaltySpec {
  readonly name: string;
  readonly weight: number;
  readonly centre: number;
  readonly oneSided: boolean;
  readonly epsilon: number;
  readonly valueWeight: number;
  readonly samples: PenaltySamples;
  readonly perturbation?: DraganPerturbation;
  readonly seed: number;
}

const GP_KEYS = ['centre', 'weight', 'samples', 'oneSided', 'epsilon', 'valueWeight', 'perturbation', 'seed', 'name'] as const;

/** Checks a `samples` option. @internal */
export function checkSamples(fn: string, arg: string, value: unknown): PenaltySamples {
  if (typeof value === 'function') return value as PenaltySamples;
  return checkOneOf(fn, arg, value, PENALTY_SAMPLE_KINDS);
}

/** Checks a `seed` option (an integer ≥ 0). @internal */
export const checkSeed = (fn: string, arg: string, value: unknown): number =>
  value === undefined ? 0 : checkInteger(fn, arg, value, 0);

/** Checks an `epsilon` option. @internal */
export const checkEpsilon = (fn: string, arg: string, value: unknown): number =>
  value === undefined ? 1e-10 : checkNonNegative(fn, arg, value);

/**
 * Builds the term from checked settings; `fn` names the public factory in error messages.
 * @internal
 */
export function makeGradientPenalty<Extra extends object = object>(fn: string, spec: PenaltySpec, extra?: Extra): GradientPenalty & Extra {
  const perturbation = resolvePerturbation(fn, 'options.perturbation', spec.perturbation);
  const { name, weight, centre, oneSided, epsilon, valueWeight, samples, seed } = spec;
  const usesMemo = samples === 'real' || samples === 'fake' || samples === 'realAndFake';
  const evalFn = `${fn}.evaluate`;

  const evaluate = (context: ObjectiveContext): TermValue => {
    const ctx = checkContext(evalFn, context);
    enableSecondOrderGradients();
    // Memoised critic outputs must be created outside any tf.tidy of ours (they belong to
    // the context), and are only useful while a tape records them.
    const memo = usesMemo && tapeIsRecording();
    const memoReal = memo && samples !== 'fake' ? ctx.criticReal() : undefined;
    const memoFake = memo && samples !== 'real' ? ctx.criticFake() : undefined;
    const total = tf.tidy(() => {
      const groups = samplePoints(evalFn, samples, perturbation, ctx, mixSeed(seed, ctx.seed, ctx.step));
      const penalties: tf.Tensor[] = [];
      const values: tf.Tensor[] = [];
      for (const points of groups) {
        const reuse = !usesMemo ? undefined : points === ctx.real ? memoReal : points === ctx.fake ? memoFake : undefined;
        const { outputs, gradients } = criticAtPoints(evalFn, ctx.critic, points, reuse);
        const n = points.shape[0]!;
        const squared = tf.sum(tf.square(tf.reshape(gradients, [n, -1])), 1); // per-example ‖∇f(xᵢ)‖²
        let perExample: tf.Tensor;
        if (centre === 0) {
          perExample = squared; // (‖g‖ − 0)² = ‖g‖²: no square root needed
        } else {
          const gap = tf.sub(tf.sqrt(tf.add(squared, epsilon)), centre);
          perExample = tf.square(oneSided ? tf.relu(gap) : gap);
        }
        penalties.push(perExample);
        if (valueWeight !== 0) values.push(tf.mean(tf.reshape(tf.square(outputs), [n, -1]), 1));
      }
      const mean = (ts: tf.Tensor[]) => tf.mean(ts.length === 1 ? ts[0]! : tf.concat(ts, 0));
      let t = tf.mul(weight, mean(penalties));
      if (valueWeight !== 0) t = tf.add(t, tf.mul(valueWeight, mean(values)));
      return t as tf.Scalar;
    });
    return { total, parts: { [name]: total } };
  };

  return Object.freeze({
    kind: 'term' as const,
    name,
    weight,
    centre,
    oneSided,
    epsilon,
    valueWeight,
    samples: typeof samples === 'function' ? ('custom' as const) : samples,
    perturbation,
    seed,
    partNames: Object.freeze([name]),
    ...(extra ?? ({} as Extra)),
    evaluate,
  }) as GradientPenalty & Extra;
}

/**
 * A gradient penalty: weight · mean over sampled points xᵢ of φ(‖∇ₓf(xᵢ)‖), with
 * φ(s) = (s − c)² (two-sided) or max(0, s − c)² (one-sided), where c = `centre`, and
 * optionally + valueWeight · mean f(xᵢ)². Norms are per example, over all non-batch axes
 * (a norm over the whole batch is a classic bug); ‖g‖ = sqrt(Σ g² + ε), except for c = 0
 * where φ = ‖g‖² exactly.
 *
 * Every published penalty is this function with other settings (see the presets
 * {@link wganGp}, {@link lipschitzPenalty}, {@link r1Penalty}, {@link r2Penalty},
 * {@link draganPenalty}, {@link zeroCentredGradientPenalty}, {@link rkhsNormPenalty}).
 * Note TF-GAN's `target` divides instead: ((s/c) − 1)² = (s − c)²/c²; they agree for c = 1.
 *
 * Theory (Chu, Minami & Fukumizu, ICLR 2020, and §3.4 of the docs): c = 0 approximates the
 * RKHS-norm penalty that makes the optimal discriminator move Lipschitz-continuously with
 * the generator distribution; c = 1 is a soft version of the Lipschitz constraint instead.
 *
 * How it differentiates: on each evaluation it calls `enableSecondOrderGradients()` and takes
 * ∇ₓf with `tf.grad` inside `evaluate`, so an enclosing `tf.variableGrads` differentiates
 * through the gradient (double backprop). Sampling 'real'/'fake' inside a recording
 * gradient reuses the context's memoised critic outputs (no second forward pass). Critics
 * must score examples independently (no batch-statistics normalisation): the per-example
 * gradient is read from the gradient of the summed scores. Second-order gradients through
 * `maxPool` are not supported by tfjs; the enclosing gradient then throws an error naming
 * `MaxPoolGrad`.
 *
 * Randomness (interpolation weights, perturbations, a custom sampler's seed) is drawn from
 * seeds derived from (`seed`, `context.seed`, `context.step`), so a run replays exactly.
 *
 * Shapes: `context.real`, `context.fake` `[batch, ...]`; critic outputs `[batch]` or
 * `[batch, ...]`. Ownership: the caller owns `total` (also `parts[name]`).
 *
 * @throws At creation, if `centre` is missing or negative, `weight`/`valueWeight`/`epsilon`
 *   are negative or not finite, `samples` is not a kind or a function, or an option is
 *   unknown. At evaluation, if the context is invalid, `'interpolates'` gets batches of
 *   different sizes, a sampler returns a tensor of the wrong shape, the critic returns
 *   anything but one float32 score (row) per example, or its output does not depend on its input.
 * @example
 * ```ts
 * const gp = gradientPenalty({ centre: 0, weight: 5, samples: 'realAndFake', name: 'gp0' });
 * const { grads } = tf.variableGrads(() => {
 *   const ctx = createObjectiveContext({ critic, real, fake });
 *   return gp.evaluate(ctx).total;
 * }, criticVariables);
 * ```
 */
export function gradientPenalty(options: GradientPenaltyOptions): GradientPenalty {
  const fn = 'gradientPenalty';
  const o = checkOptions(fn, 'options', options);
  checkKnownKeys(fn, 'options', o, GP_KEYS);
  if (o.centre === undefined) {
    fail(fn, 'options.centre', 'a number ≥ 0 (0: zero-centred, RKHS-norm surrogate; 1: soft Lipschitz constraint)', undefined);
  }
  return makeGradientPenalty(fn, {
    name: o.name === undefined ? 'gradient-penalty' : checkName(fn, 'options.name', o.name),
    weight: o.weight === undefined ? 1 : checkNonNegative(fn, 'options.weight', o.weight),
    centre: checkNonNegative(fn, 'options.centre', o.centre),
    oneSided: checkBoolean(fn, 'options.oneSided', o.oneSided, false),
    epsilon: checkEpsilon(fn, 'options.epsilon', o.epsilon),
    valueWeight: o.valueWeight === undefined ? 0 : checkNonNegative(fn, 'options.valueWeight', o.valueWeight),
    samples: o.samples === undefined ? 'interpolates' : checkSamples(fn, 'options.samples', o.samples),
    perturbation: o.perturbation,
    seed: checkSeed(fn, 'options.seed', o.seed),
  });
}

/** Checks an optional boolean. @internal */
export function checkBoolean(fn: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(fn, arg, 'a boolean', value);
  return value;
}
