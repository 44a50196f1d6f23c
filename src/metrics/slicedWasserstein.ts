/**
 * Sliced Wasserstein distance with seeded random projections.
 */
import { failWith } from '../_internal/errors.js';
import { createRng } from '../_internal/rng.js';
import { checkInteger, checkOptions, checkRange } from '../_internal/validate.js';
import { matrixReader, type FeatureMatrix } from './_read.js';
import { sorted, wassersteinPowerSorted } from './wasserstein1d.js';

/** Options of {@link slicedWasserstein}. */
export interface SlicedWassersteinOptions {
  /** Number L of random directions. @defaultValue 128 */
  readonly projections?: number;
  /** Order p ≥ 1. @defaultValue 1 */
  readonly p?: number;
  /** Seed of the directions (the same seed gives the same directions). @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Sliced Wasserstein distance SW_p(P, Q) = (E_θ W_p^p(θᵀ#P, θᵀ#Q))^{1/p} over directions θ
 * uniform on the unit sphere, estimated with L seeded random directions and the exact 1-D
 * distance on each projection (see {@link wasserstein1d}).
 *
 * Rabin, Peyré, Delon, Bernot, "Wasserstein barycenter and its application to texture mixing"
 * (SSVM 2011); Bonneel, Rabin, Peyré, Pfister (JMIV 2015). Computed in float64; the sample sizes
 * may differ. For a shift y = x + v in d dimensions, SW_1 = ‖v‖·Γ(d/2)/(√π·Γ((d+1)/2)).
 *
 * @param x - samples `[m, d]`: a float32 tensor or an array of rows.
 * @param y - samples `[n, d]`.
 * @param options - projections, order and seed; see {@link SlicedWassersteinOptions}.
 * @returns a promise of SW_p (a number). Tensors are read with `await t.data()` and not disposed.
 * @throws (rejects) `Error in slicedWasserstein: y must have 2 columns like x, …` and the like.
 * @example
 * ```ts
 * const d = await slicedWasserstein(realFeatures, fakeFeatures, { projections: 256, seed: 1 });
 * ```
 */
export async function slicedWasserstein(x: FeatureMatrix, y: FeatureMatrix, options?: SlicedWassersteinOptions): Promise<number> {
  const fn = 'slicedWasserstein';
  const o = checkOptions(fn, 'options', options);
  const projections = o.projections === undefined ? 128 : checkInteger(fn, 'options.projections', o.projections, 1);
  const p = o.p === undefined ? 1 : checkRange(fn, 'options.p', o.p, 1, Infinity, { max: true });
  const seed = o.seed === undefined ? 0 : checkInteger(fn, 'options.seed', o.seed, 0);
  const readX = matrixReader(fn, 'x', x);
  const readY = matrixReader(fn, 'y', y);
  const a = await readX();
  const b = await readY();
  if (a.cols !== b.cols) failWith(fn, `y must have ${a.cols} columns like x, but got ${b.cols}.`);
  const d = a.cols;
  const rng = createRng(seed);
  const theta = new Float64Array(d);
  const project = (m: typeof a) => {
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += m.data[i * d + j]! * theta[j]!;
      out[i] = s;
    }
    return sorted(out);
  };
  let total = 0;
  for (let l = 0; l < projections; l++) {
    let norm = 0;
    do {
      norm = 0;
      for (let j = 0; j < d; j++) {
        theta[j] = rng.normal();
        norm += theta[j]! ** 2;
      }
      norm = Math.sqrt(norm);
    } while (norm === 0);
    for (let j = 0; j < d; j++) theta[j]! /= norm;
    total += wassersteinPowerSorted(project(a), project(b), p);
  }
  return (total / projections) ** (1 / p);
}
