/**
 * Where a gradient penalty evaluates the critic's input gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { checkFloatTensor, checkOptions, checkPositive } from '../_internal/validate.js';
import { createRng, tfSeed } from '../_internal/rng.js';
import { checkKnownKeys } from '../objectives/_checks.js';
import type { ObjectiveContext } from '../objectives/types.js';

/**
 * The built-in sampling distributions ρ of a gradient penalty:
 * - `'interpolates'`: x̂ᵢ = fakeᵢ + εᵢ·(realᵢ − fakeᵢ) with one εᵢ ~ U[0, 1) per example
 *   (WGAN-GP; real and fake must have the same batch size);
 * - `'real'`: the real batch (R1); reuses the context's memoised D(real);
 * - `'fake'`: the generated batch (R2); reuses D(fake);
 * - `'realAndFake'`: both batches, every point weighted equally (the mixture (μ_data + μ_g)/2
 *   when the batch sizes are equal); reuses both;
 * - `'perturbedReal'`: real points plus noise (DRAGAN), see {@link DraganPerturbation}.
 */
export type PenaltySampleKind = 'interpolates' | 'real' | 'fake' | 'realAndFake' | 'perturbedReal';

/** All built-in sample kinds. */
export const PENALTY_SAMPLE_KINDS: readonly PenaltySampleKind[] = Object.freeze([
  'interpolates',
  'real',
  'fake',
  'realAndFake',
  'perturbedReal',
]);

/**
 * A caller-supplied sampling distribution: returns the points `[n, ...]` (same non-batch
 * shape as `context.real`) at which the gradient is penalised. `seed` is derived from the
 * penalty's seed, `context.seed` and `context.step`; draw all randomness from it (e.g.
 * `tf.randomUniform(shape, 0, 1, 'float32', seed)`) so that runs replay. It runs inside the
 * penalty's `tf.tidy`: tensors it creates are disposed after the evaluation, tensors that
 * existed before are left alone. It must not call `context.criticReal()`/`criticFake()`
 * (their memoised outputs would be disposed with the tidy). To penalise at the real or
 * generated batch, use `'real'`/`'fake'`, which reuse the memoised critic outputs.
 */
export type PenaltySampler = (context: ObjectiveContext, seed: number) => tf.Tensor;

/** Where to sample: a built-in kind or a {@link PenaltySampler}. */
export type PenaltySamples = PenaltySampleKind | PenaltySampler;

/**
 * DRAGAN's perturbation of the real points, x_p = x + δ. The paper and its reference code
 * differ:
 * - `{ kind: 'uniformStd', scale }` (default, scale 0.5): δ = scale·u ⊙ std(x), u ~ U[0, 1)
 *   elementwise and std the per-feature standard deviation over the batch (population form).
 *   This is chainer-gan-lib's `dragan/updater.py`; note δ ≥ 0 (a one-sided shift).
 * - `{ kind: 'gaussian', stddev }`: δ ~ N(0, stddev²·I), the paper's N(0, cI) with
 *   c = stddev² (Kodali et al. 2017, who say to tune c).
 * Both evaluate the gradient at x_p itself (no further interpolation).
 */
export type DraganPerturbation =
  | { readonly kind: 'uniformStd'; readonly scale?: number }
  | { readonly kind: 'gaussian'; readonly stddev: number };

/** A resolved perturbation. @internal */
export type ResolvedPerturbation =
  | { readonly kind: 'uniformStd'; readonly scale: number }
  | { readonly kind: 'gaussian'; readonly stddev: number };

/** Validates a perturbation option. @internal */
export function resolvePerturbation(fn: string, arg: string, value: DraganPerturbation | undefined): ResolvedPerturbation {
  const p = checkOptions(fn, arg, value);
  if (value === undefined) return Object.freeze({ kind: 'uniformStd', scale: 0.5 });
  if (p.kind === 'uniformStd') {
    checkKnownKeys(fn, arg, p, ['kind', 'scale']);
    const scale = p.scale === undefined ? 0.5 : checkPositive(fn, `${arg}.scale`, p.scale);
    return Object.freeze({ kind: 'uniformStd', scale });
  }
  if (p.kind === 'gaussian') {
    checkKnownKeys(fn, arg, p, ['kind', 'stddev']);
    return Object.freeze({ kind: 'gaussian', stddev: checkPositive(fn, `${arg}.stddev`, p.stddev) });
  }
  return fail(fn, `${arg}.kind`, "'uniformStd' or 'gaussian'", (p as { kind?: unknown }).kind);
}

const perExampleShape = (t: tf.Tensor): number[] => [t.shape[0]!, ...t.shape.slice(1).map(() => 1)];

/**
 * The batches of points of one evaluation (two for `'realAndFake'`). Creates tensors: call
 * inside `tf.tidy`.
 * @internal
 */
export function samplePoints(
  fn: string,
  samples: PenaltySamples,
  perturbation: ResolvedPerturbation,
  ctx: ObjectiveContext,
  seed: number,
): tf.Tensor[] {
  const rng = createRng(seed);
  const { real, fake } = ctx;
  if (typeof samples === 'function') {
    const points = samples(ctx, rng.int());
    checkFloatTensor(fn, 'the sampler output', points, { min: 1 });
    const rest = real.shape.slice(1).join(',');
    if (points.shape.slice(1).join(',') !== rest || points.shape[0] === 0) {
      fail(fn, 'the sampler output', `a tensor of shape [n,${rest}] (n ≥ 1, the non-batch shape of context.real)`, points);
    }
    return [points];
  }
  switch (samples) {
    case 'real':
      return [real];
    case 'fake':
      return [fake];
    case 'realAndFake':
      return [real, fake];
    case 'interpolates': {
      if (real.shape[0] !== fake.shape[0]) {
        fail(fn, 'context.fake', `a batch of the same size as context.real (${real.shape[0]}) for 'interpolates' samples`, fake);
      }
      const eps = tf.randomUniform(perExampleShape(real), 0, 1, 'float32', tfSeed(rng.int()));
      return [tf.add(fake, tf.mul(eps, tf.sub(real, fake)))];
    }
    case 'perturbedReal': {
      if (perturbation.kind === 'gaussian') {
        return [tf.add(real, tf.randomNormal(real.shape, 0, perturbation.stddev, 'float32', tfSeed(rng.int())))];
      }
      const std = tf.sqrt(tf.moments(real, 0, true).variance);
      const u = tf.randomUniform(real.shape, 0, 1, 'float32', tfSeed(rng.int()));
      return [tf.add(real, tf.mul(perturbation.scale, tf.mul(u, std)))];
    }
  }
}
