/**
 * Samplers of real data and noise for the GAN convenience. A sampler is a pure function of
 * (batch size, seed, step), so a run replays and resumes exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { createRng, tfSeed } from '../_internal/rng.js';
import { checkFinite, checkFloatTensor, checkInteger, checkOneOf, checkOptions, checkPositive } from '../_internal/validate.js';

/** What a sampler is called with. */
export interface SampleArgs {
  /** Rows to return. */
  readonly batchSize: number;
  /** A 32-bit seed for this draw (derived from the trainer's seed). */
  readonly seed: number;
  /** The update index of the player that draws (0-based); epoch-based samplers use it. */
  readonly step: number;
}

/**
 * Returns a batch `[batchSize, ...]` as a new tensor (called inside the trainer's `tf.tidy`, so
 * intermediates are freed). Must be deterministic in its arguments.
 */
export type Sampler = (args: SampleArgs) => tf.Tensor;

/** Options of {@link normalNoise}. */
export interface NormalNoiseOptions {
  /** @defaultValue 0 */
  readonly mean?: number;
  /** @defaultValue 1 */
  readonly stddev?: number;
}

/**
 * Gaussian latent noise z ~ N(mean, stddev²) of shape `[batchSize, ...shape]`, drawn with
 * tfjs's seeded `randomNormal` from `args.seed`.
 *
 * @param shape - the latent shape of one sample, e.g. `[128]`.
 * @throws If `shape` is not a non-empty array of positive integers or `stddev` is not positive.
 * @example
 * ```ts
 * const noise = normalNoise([64]);
 * noise({ batchSize: 2, seed: 1, step: 0 }).shape; // [2, 64]
 * ```
 */
export function normalNoise(shape: readonly number[], options: NormalNoiseOptions = {}): Sampler {
  const fn = 'normalNoise';
  if (!Array.isArray(shape) || shape.length === 0) fail(fn, 'shape', 'a non-empty array of positive integers', shape);
  shape.forEach((d, i) => checkInteger(fn, `shape[${i}]`, d, 1));
  const o = checkOptions(fn, 'options', options);
  const mean = o.mean === undefined ? 0 : checkFinite(fn, 'options.mean', o.mean);
  const stddev = o.stddev === undefined ? 1 : checkPositive(fn, 'options.stddev', o.stddev);
  const s = [...shape];
  return (args) => tf.randomNormal([args.batchSize, ...s], mean, stddev, 'float32', tfSeed(args.seed));
}

/** Options of {@link datasetSampler}. */
export interface DatasetSamplerOptions {
  /**
   * `'epoch'`: a fresh permutation per epoch (each row once per epoch), batch `step` taking
   * rows `step·B … step·B + B − 1` of the concatenated permutations. `'replacement'`: rows drawn
   * uniformly with replacement from `args.seed`. @defaultValue 'epoch'
   */
  readonly order?: 'epoch' | 'replacement';
  /** Seed of the epoch permutations (`'epoch'` only). @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Batches of rows of an in-memory dataset `[n, ...]`. The caller keeps ownership of `data`
 * (dispose it after training); each batch is a new tensor. Stateless: the batch depends only
 * on (`seed`, `step`) for `'epoch'` and on `args.seed` for `'replacement'`, so a resumed run
 * draws the same batches.
 *
 * @throws If `data` is not a float32 tensor with at least one row.
 * @example
 * ```ts
 * const real = datasetSampler(points, { order: 'epoch', seed: 1 }); // points: [1000, 2]
 * ```
 */
export function datasetSampler(data: tf.Tensor, options: DatasetSamplerOptions = {}): Sampler {
  const fn = 'datasetSampler';
  const d = checkFloatTensor(fn, 'data', data, { min: 1 });
  const n = d.shape[0]!;
  if (n < 1) fail(fn, 'data', 'a tensor with at least one row', d);
  const o = checkOptions(fn, 'options', options);
  const order = o.order === undefined ? 'epoch' : checkOneOf(fn, 'options.order', o.order, ['epoch', 'replacement'] as const);
  const seed = o.seed === undefined ? 0 : checkInteger(fn, 'options.seed', o.seed, 0);
  let cached: { epoch: number; perm: Int32Array } | undefined;
  const permutation = (epoch: number): Int32Array => {
    if (cached?.epoch === epoch) return cached.perm;
    const rng = createRng((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    cached = { epoch, perm };
    return perm;
  };
  return (args) => {
    if (d.isDisposed) fail('datasetSampler', 'data', 'a live tensor', 'a disposed tensor');
    const b = args.batchSize;
    const idx = new Int32Array(b);
    if (order === 'replacement') {
      const rng = createRng(args.seed);
      for (let i = 0; i < b; i++) idx[i] = Math.floor(rng.next() * n);
    } else {
      for (let i = 0; i < b; i++) {
        const k = args.step * b + i;
        idx[i] = permutation(Math.floor(k / n))[k % n]!;
      }
    }
    return tf.gather(d, tf.tensor1d(idx, 'int32'));
  };
}
