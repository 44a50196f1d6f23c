/**
 * The standard 2-D Gaussian-mixture toys: 8 modes on a ring, 25 modes on a 5×5 grid.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../_internal/rng.js';
import { checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';

/** An isotropic Gaussian mixture with equal weights, with a seeded sampler. */
export interface GaussianMixture {
  readonly kind: 'gaussian-mixture';
  readonly name: string;
  /** Mode centres, each `[d]`. */
  readonly centres: readonly (readonly number[])[];
  /** Standard deviation σ of every mode (per coordinate). */
  readonly sigma: number;
  /**
   * Draws `count` samples `[count, d]` (float32): a mode uniformly at random, then
   * centre + σ·N(0, I). The same `seed` gives the same samples. The caller owns the tensor.
   */
  sample(count: number, seed?: number): tf.Tensor2D;
  /** The same draw as {@link GaussianMixture.sample}, as plain float64 rows with their mode indices. */
  sampleArray(count: number, seed?: number): { readonly points: number[][]; readonly modes: number[] };
}

function mixture(fn: string, name: string, centres: number[][], sigma: number): GaussianMixture {
  const frozen = Object.freeze(centres.map((c) => Object.freeze(c)));
  const d = centres[0]!.length;
  const draw = (method: string, count: number, seed: number | undefined) => {
    checkInteger(`${fn}.${method}`, 'count', count, 1);
    const rng = createRng(seed === undefined ? 0 : checkInteger(`${fn}.${method}`, 'seed', seed, 0));
    const points: number[][] = [];
    const modes: number[] = [];
    for (let i = 0; i < count; i++) {
      const k = Math.min(centres.length - 1, Math.floor(rng.next() * centres.length));
      modes.push(k);
      points.push(centres[k]!.map((c) => c + sigma * rng.normal()));
    }
    return { points, modes };
  };
  return Object.freeze({
    kind: 'gaussian-mixture' as const,
    name,
    centres: frozen,
    sigma,
    sample(count: number, seed?: number): tf.Tensor2D {
      const { points } = draw('sample', count, seed);
      return tf.tensor2d(points.flat(), [count, d], 'float32');
    },
    sampleArray(count: number, seed?: number) {
      return Object.freeze(draw('sampleArray', count, seed));
    },
  });
}

/** Options of {@link ringMixture}. */
export interface RingMixtureOptions {
  /** Number of modes. @defaultValue 8 */
  readonly modes?: number;
  /** Ring radius. @defaultValue 2 */
  readonly radius?: number;
  /** Standard deviation of each mode. @defaultValue 0.02 */
  readonly sigma?: number;
}

/**
 * A ring of Gaussians in 2-D: centres (r·cos(2πk/K), r·sin(2πk/K)), k = 0..K−1, the standard
 * mode-collapse toy (Metz, Poole, Pfau, Sohl-Dickstein, "Unrolled GANs", ICLR 2017: K = 8,
 * r = 2, σ = 0.02; also Gulrajani et al. 2017).
 *
 * @param options - modes, radius and σ; see {@link RingMixtureOptions}.
 * @returns a frozen {@link GaussianMixture}; `sample(n, seed)` returns a new `[n, 2]` tensor.
 * @throws `Error in ringMixture: options.modes must be an integer >= 1, …` and the like.
 * @example
 * ```ts
 * const ring = ringMixture();
 * const real = ring.sample(512, 7); // [512, 2]
 * const report = await modeCoverage(fake, ring); // uses ring.centres and ring.sigma
 * ```
 */
export function ringMixture(options?: RingMixtureOptions): GaussianMixture {
  const fn = 'ringMixture';
  const o = checkOptions(fn, 'options', options);
  const modes = o.modes === undefined ? 8 : checkInteger(fn, 'options.modes', o.modes, 1);
  const radius = o.radius === undefined ? 2 : checkPositive(fn, 'options.radius', o.radius);
  const sigma = o.sigma === undefined ? 0.02 : checkPositive(fn, 'options.sigma', o.sigma);
  const centres = Array.from({ length: modes }, (_, k) => [
    radius * Math.cos((2 * Math.PI * k) / modes),
    radius * Math.sin((2 * Math.PI * k) / modes),
  ]);
  return mixture(fn, `ring-${modes}`, centres, sigma);
}

/** Options of {@link gridMixture}. */
export interface GridMixtureOptions {
  /** Modes per side (size × size modes). @defaultValue 5 */
  readonly size?: number;
  /** Distance between neighbouring centres. @defaultValue 2 */
  readonly spacing?: number;
  /** Standard deviation of each mode. @defaultValue 0.05 */
  readonly sigma?: number;
}

/**
 * A square grid of Gaussians in 2-D centred at the origin: centres ((i − (s−1)/2)·h,
 * (j − (s−1)/2)·h), i, j = 0..s−1 — with the defaults the 25 modes at {−4, −2, 0, 2, 4}², σ = 0.05
 * (Srivastava et al., "VEEGAN", NeurIPS 2017; Lin et al., "PacGAN", NeurIPS 2018).
 *
 * @param options - size, spacing and σ; see {@link GridMixtureOptions}.
 * @returns a frozen {@link GaussianMixture}; `sample(n, seed)` returns a new `[n, 2]` tensor.
 * @throws `Error in gridMixture: options.size must be an integer >= 1, …` and the like.
 * @example
 * ```ts
 * const grid = gridMixture();
 * grid.centres.length; // 25
 * ```
 */
export function gridMixture(options?: GridMixtureOptions): GaussianMixture {
  const fn = 'gridMixture';
  const o = checkOptions(fn, 'options', options);
  const size = o.size === undefined ? 5 : checkInteger(fn, 'options.size', o.size, 1);
  const spacing = o.spacing === undefined ? 2 : checkPositive(fn, 'options.spacing', o.spacing);
  const sigma = o.sigma === undefined ? 0.05 : checkPositive(fn, 'options.sigma', o.sigma);
  const offset = (size - 1) / 2;
  const centres: number[][] = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) centres.push([(i - offset) * spacing, (j - offset) * spacing]);
  return mixture(fn, `grid-${size}x${size}`, centres, sigma);
}
