/**
 * Mode coverage of samples from a Gaussian mixture: modes hit and the share of high-quality samples.
 */
import { fail, failWith } from '../_internal/errors.js';
import { checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';
import { matrixReader, type FeatureMatrix } from './_read.js';

/** The mixture to measure against: its centres and σ (a {@link GaussianMixture} fits). */
export interface ModeCoverageTarget {
  /** Mode centres, each `[d]`. */
  readonly centres: readonly (readonly number[])[];
  /** Standard deviation σ of the modes. */
  readonly sigma: number;
}

/** Options of {@link modeCoverage}. */
export interface ModeCoverageOptions {
  /** A sample is high quality when it lies within k·σ of its nearest centre. @defaultValue 3 */
  readonly k?: number;
  /**
   * A mode counts as hit when at least this many high-quality samples are assigned to it.
   * (PacGAN counts a mode as lost with fewer than 20 of 2500 samples; use that for comparisons.)
   * @defaultValue 1
   */
  readonly minSamples?: number;
}

/** The result of {@link modeCoverage}. */
export interface ModeCoverageReport {
  /** Number of modes hit. */
  readonly modesHit: number;
  /** Number of modes. */
  readonly modes: number;
  /** Share of samples within k·σ of their nearest centre, in [0, 1]. */
  readonly highQualityShare: number;
  /** High-quality samples assigned to each mode. */
  readonly counts: readonly number[];
  /** Whether each mode is hit. */
  readonly hit: readonly boolean[];
}

/**
 * Mode coverage of samples from a generator trained on a Gaussian mixture (the metric of
 * Srivastava et al., "VEEGAN", NeurIPS 2017, and Lin et al., "PacGAN", NeurIPS 2018): each
 * sample is assigned to its nearest centre; it is high quality when its Euclidean distance to
 * that centre is at most k·σ; a mode is hit when it received at least `minSamples`
 * high-quality samples.
 *
 * @param samples - `[n, d]`: a float32 tensor (read with `await t.data()`, not disposed) or an
 *   array of rows.
 * @param target - the centres and σ, e.g. `ringMixture()` or `gridMixture()`.
 * @param options - k and minSamples; see {@link ModeCoverageOptions}.
 * @returns a promise of a frozen {@link ModeCoverageReport}.
 * @throws (rejects) `Error in modeCoverage: samples must have 2 columns like the centres, …` and
 *   for bad centres, σ or options.
 * @example
 * ```ts
 * const ring = ringMixture();
 * const { modesHit, highQualityShare } = await modeCoverage(generator(noise), ring); // e.g. 8, 0.93
 * ```
 */
export async function modeCoverage(
  samples: FeatureMatrix,
  target: ModeCoverageTarget,
  options?: ModeCoverageOptions,
): Promise<ModeCoverageReport> {
  const fn = 'modeCoverage';
  if (!target || typeof target !== 'object') fail(fn, 'target', 'an object { centres, sigma } (e.g. ringMixture())', target);
  const sigma = checkPositive(fn, 'target.sigma', target.sigma);
  const centres = target.centres;
  if (!Array.isArray(centres) || centres.length === 0) fail(fn, 'target.centres', 'a non-empty array of points', centres);
  const d = centres[0]!.length;
  centres.forEach((c, i) => {
    if (!Array.isArray(c) || c.length !== d || c.length === 0 || !c.every(Number.isFinite)) {
      fail(fn, `target.centres[${i}]`, `an array of ${d} finite numbers`, c);
    }
  });
  const o = checkOptions(fn, 'options', options);
  const k = o.k === undefined ? 3 : checkPositive(fn, 'options.k', o.k);
  const minSamples = o.minSamples === undefined ? 1 : checkInteger(fn, 'options.minSamples', o.minSamples, 1);
  const m = await matrixReader(fn, 'samples', samples)();
  if (m.cols !== d) failWith(fn, `samples must have ${d} columns like the centres, but got ${m.cols}.`);
  const counts = new Array<number>(centres.length).fill(0);
  const radius2 = (k * sigma) ** 2;
  let good = 0;
  for (let i = 0; i < m.rows; i++) {
    let best = Infinity;
    let arg = 0;
    centres.forEach((c, j) => {
      let s = 0;
      for (let t = 0; t < d; t++) s += (m.data[i * d + t]! - c[t]!) ** 2;
      if (s < best) {
        best = s;
        arg = j;
      }
    });
    if (best <= radius2) {
      good++;
      counts[arg]!++;
    }
  }
  const hit = counts.map((c) => c >= minSamples);
  return Object.freeze({
    modesHit: hit.filter(Boolean).length,
    modes: centres.length,
    highQualityShare: good / m.rows,
    counts: Object.freeze(counts),
    hit: Object.freeze(hit),
  });
}
