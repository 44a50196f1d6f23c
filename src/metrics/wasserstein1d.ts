/**
 * The exact Wasserstein distance between two 1-D empirical distributions.
 */
import { checkOptions, checkRange } from '../_internal/validate.js';
import { vectorReader, type Samples1D } from './_read.js';

/** Options of {@link wasserstein1d}. */
export interface Wasserstein1dOptions {
  /** The order p ≥ 1 of W_p. @defaultValue 1 */
  readonly p?: number;
}

/** @internal W_p^p between sorted samples a (m) and b (n) with uniform weights, by merging quantiles. */
export function wassersteinPowerSorted(a: Float64Array, b: Float64Array, p: number): number {
  const m = a.length;
  const n = b.length;
  let i = 0;
  let j = 0;
  let t = 0; // in units of 1/(m·n)
  let acc = 0;
  while (i < m && j < n) {
    const nextA = (i + 1) * n;
    const nextB = (j + 1) * m;
    const next = Math.min(nextA, nextB);
    const gap = Math.abs(a[i]! - b[j]!);
    acc += (next - t) * (p === 1 ? gap : gap ** p);
    t = next;
    if (nextA === next) i++;
    if (nextB === next) j++;
  }
  return acc / (m * n);
}

/** @internal Ascending copy. */
export const sorted = (x: Float64Array): Float64Array => Float64Array.from(x).sort();

/**
 * Exact Wasserstein distance W_p between the empirical distributions of two 1-D samples,
 * W_p^p = ∫₀¹ |F⁻¹(t) − G⁻¹(t)|^p dt with the empirical quantile functions F⁻¹, G⁻¹; for
 * p = 1 this equals ∫ |F(x) − G(x)| dx. Sample sizes may differ; O((m + n) log(m + n)).
 *
 * Reference: Villani, "Optimal Transport: Old and New" (2009), and for 1-D, e.g. Ramdas,
 * García Trillos, Cuturi, "On Wasserstein two-sample testing" (Entropy 2017).
 *
 * @param x - samples `[m]` (or `[m, 1]`): a float32 tensor or an array of numbers.
 * @param y - samples `[n]` (or `[n, 1]`).
 * @param options - the order p; see {@link Wasserstein1dOptions}.
 * @returns a promise of W_p (a number). Tensors are read with `await t.data()` and not disposed.
 * @throws (rejects) `Error in wasserstein1d: x must be a non-empty array of numbers …` for bad
 *   input, non-finite values or p < 1.
 * @example
 * ```ts
 * await wasserstein1d([0, 1, 2], [1, 2, 3]); // 1
 * await wasserstein1d([0], [0, 3]);          // 1.5
 * ```
 */
export async function wasserstein1d(x: Samples1D, y: Samples1D, options?: Wasserstein1dOptions): Promise<number> {
  const fn = 'wasserstein1d';
  const o = checkOptions(fn, 'options', options);
  const p = o.p === undefined ? 1 : checkRange(fn, 'options.p', o.p, 1, Infinity, { max: true });
  const readX = vectorReader(fn, 'x', x);
  const readY = vectorReader(fn, 'y', y);
  const a = sorted(await readX());
  const b = sorted(await readY());
  return wassersteinPowerSorted(a, b, p) ** (1 / p);
}
