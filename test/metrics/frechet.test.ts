/**
 * Fréchet distance (FID formula) against closed forms and a float64 Jacobi-based reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { featureStatistics, frechetDistance, type FeatureStatistics } from 'smoothgan/metrics';
import { matmul, symmetricEigen, transpose, type Mat } from '../helpers/float64';
import { seededNormal } from '../helpers/tensors';

const rows = (flat: ArrayLike<number>, n: number, d: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => flat[i * d + j]!));

/** Reference written independently: numpy-style mean/cov and a Jacobi-based PSD square root. */
function referenceStats(x: number[][]): { mean: number[]; cov: Mat } {
  const n = x.length;
  const d = x[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / n);
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => x.reduce((s, r) => s + (r[a]! - mean[a]!) * (r[b]! - mean[b]!), 0) / (n - 1)),
  );
  return { mean, cov };
}
function sqrtm(a: Mat): Mat {
  const { values, vectors } = symmetricEigen(a);
  const scaled = vectors.map((row) => row.map((v, j) => v * Math.sqrt(Math.max(values[j]!, 0))));
  return matmul(scaled, transpose(vectors));
}
function referenceFid(s1: { mean: number[]; cov: Mat }, s2: { mean: number[]; cov: Mat }): number {
  const r = sqrtm(s1.cov);
  const inner = matmul(matmul(r, s2.cov), r);
  const sym = inner.map((row, i) => row.map((v, j) => 0.5 * (v + inner[j]![i]!)));
  const trSqrt = symmetricEigen(sym).values.reduce((s, v) => s + Math.sqrt(Math.max(v, 0)), 0);
  const tr = (m: Mat) => m.reduce((s, row, i) => s + row[i]!, 0);
  const meanTerm = s1.mean.reduce((s, v, i) => s + (v - s2.mean[i]!) ** 2, 0);
  return meanTerm + tr(s1.cov) + tr(s2.cov) - 2 * trSqrt;
}
const statsOf = (mean: number[], cov: Mat): FeatureStatistics => ({
  kind: 'feature-statistics',
  count: 100,
  dim: mean.length,
  mean: Float64Array.from(mean),
  covariance: Float64Array.from(cov.flat()),
});

describe('frechetDistance', () => {
  it.each([
    [40, 3],
    [60, 12],
    [5, 8], // n < d: singular covariances
  ])('n = %i, d = %i: matches the float64 reference on samples', async (n, d) => {
    const x = rows(seededNormal(n * d, n + d), n, d);
    const y = rows(seededNormal(n * d, n + d + 1, 1.3), n, d).map((r) => r.map((v, j) => v + (j % 2 ? 0.3 : -0.2)));
    const got = await frechetDistance(x, y);
    const expected = referenceFid(referenceStats(x), referenceStats(y));
    // With n ≤ d the covariances are singular: a null eigenvalue known only to rounding (δ ~ ε·λ_max)
    // moves tr √(·) by √δ, so the two float64 solvers can only agree to ~1e-7 there.
    expect(Math.abs(got - expected)).toBeLessThan((n > d ? 1e-10 : 1e-6) * Math.max(1, expected));
  });

  it.each([
    [6, 9, 20],
    [12, 7, 12],
  ])('n₁ = %i, n₂ = %i ≤ d = %i: the sample-space path equals the covariance path', async (n1, n2, d) => {
    const x = rows(seededNormal(n1 * d, 3 * d), n1, d);
    const y = rows(seededNormal(n2 * d, 3 * d + 1, 0.7), n2, d).map((r) => r.map((v, j) => v + 0.1 * j));
    const fromSamples = await frechetDistance(x, y);
    const fromStatistics = await frechetDistance(await featureStatistics(x), await featureStatistics(y));
    expect(Math.abs(fromSamples - fromStatistics)).toBeLessThan(1e-6 * fromStatistics);
    expect(Math.abs(fromSamples - referenceFid(referenceStats(x), referenceStats(y)))).toBeLessThan(1e-6 * fromStatistics);
  });

  it('2×2 non-commuting covariances: tr √(C₁C₂) = √(tr(C₁C₂) + 2√(det C₁·det C₂))', async () => {
    const c1 = [
      [2, 0.7],
      [0.7, 1],
    ];
    const c2 = [
      [0.5, -0.2],
      [-0.2, 3],
    ];
    const p = matmul(c1, c2);
    const det = (m: Mat) => m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!;
    const trSqrt = Math.sqrt(p[0]![0]! + p[1]![1]! + 2 * Math.sqrt(det(c1) * det(c2)));
    const expected = (1 - -0.5) ** 2 + (2 - 2) ** 2 + 2 + 1 + 0.5 + 3 - 2 * trSqrt;
    const got = await frechetDistance(statsOf([1, 2], c1), statsOf([-0.5, 2], c2));
    expect(Math.abs(got - expected)).toBeLessThan(1e-13);
  });

  it('d = 24 commuting covariances Q·diag(a)·Qᵀ, Q·diag(b)·Qᵀ: ‖Δm‖² + Σ(√a − √b)²', async () => {
    const d = 24;
    const g = rows(seededNormal(d * d, 77), d, d);
    const q = symmetricEigen(g.map((r, i) => r.map((v, j) => v + g[j]![i]!))).vectors; // a random rotation
    const a = Array.from({ length: d }, (_, i) => 0.1 + i * 0.3);
    const b = Array.from({ length: d }, (_, i) => 5 / (1 + i));
    const build = (lam: number[]) => matmul(q.map((r) => r.map((v, j) => v * lam[j]!)), transpose(q));
    const sym = (m: Mat) => m.map((r, i) => r.map((v, j) => 0.5 * (v + m[j]![i]!)));
    const m1 = Array.from({ length: d }, (_, i) => Math.sin(i));
    const m2 = Array.from({ length: d }, (_, i) => Math.cos(i));
    const expected = m1.reduce((s, v, i) => s + (v - m2[i]!) ** 2, 0) + a.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(b[i]!)) ** 2, 0);
    const got = await frechetDistance(statsOf(m1, sym(build(a))), statsOf(m2, sym(build(b))));
    expect(Math.abs(got - expected) / expected).toBeLessThan(1e-11);
  });

  it('between large samples of two Gaussians approaches the population value', async () => {
    // N(0, I) vs N((1, 0), diag(4, 1)): FID = 1 + (1 − 2)² + 0 = 2.
    const n = 20000;
    const x = tf.tensor2d(seededNormal(2 * n, 91), [n, 2]);
    const y = tf.add(tf.mul(tf.tensor2d(seededNormal(2 * n, 92), [n, 2]), tf.tensor1d([2, 1])), tf.tensor1d([1, 0]));
    const got = await frechetDistance(x, y);
    tf.dispose([x, y]);
    expect(Math.abs(got - 2)).toBeLessThan(0.08);
  });

  it('is 0 for identical features and symmetric; accepts tensors and statistics; leaks nothing', async () => {
    const x = tf.tensor2d(seededNormal(30 * 4, 5), [30, 4]);
    const y = tf.tensor2d(seededNormal(25 * 4, 6), [25, 4]);
    const before = tf.memory().numTensors;
    expect(await frechetDistance(x, x)).toBeLessThan(1e-12);
    const ab = await frechetDistance(x, y);
    expect(Math.abs(ab - (await frechetDistance(y, x)))).toBeLessThan(1e-12);
    const stats = await featureStatistics(x);
    expect(await frechetDistance(stats, y)).toBe(ab);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('featureStatistics gives the numpy-style mean and unbiased covariance', async () => {
    const x = rows(seededNormal(10 * 3, 8), 10, 3);
    const s = await featureStatistics(x);
    const ref = referenceStats(x);
    expect(s).toMatchObject({ kind: 'feature-statistics', count: 10, dim: 3 });
    ref.mean.forEach((v, i) => expect(Math.abs(s.mean[i]! - v)).toBeLessThan(1e-14));
    ref.cov.flat().forEach((v, i) => expect(Math.abs(s.covariance[i]! - v)).toBeLessThan(1e-14));
  });

  it('eps adds ε·I to both covariances', async () => {
    const x = rows(seededNormal(20 * 2, 9), 20, 2);
    const y = rows(seededNormal(20 * 2, 10), 20, 2);
    const eps = 0.3;
    const withEps = (s: ReturnType<typeof referenceStats>) => ({ mean: s.mean, cov: s.cov.map((r, i) => r.map((v, j) => v + (i === j ? eps : 0))) });
    const expected = referenceFid(withEps(referenceStats(x)), withEps(referenceStats(y)));
    expect(Math.abs((await frechetDistance(x, y, { eps })) - expected)).toBeLessThan(1e-12);
  });

  it('rejects bad input', async () => {
    await expect(frechetDistance([[1, 2]], [[1, 2], [3, 4]])).rejects.toThrow('Error in frechetDistance: a must be an array of at least 2 rows, but got \'1\'.');
    await expect(frechetDistance(tf.zeros([1, 2]), [[1, 2], [3, 4]])).rejects.toThrow(
      'Error in frechetDistance: a must be a tensor with at least 2 rows, but got a float32 tensor of shape [1,2].',
    );
    await expect(frechetDistance([[1, 2], [3, 4]], [[1, 2, 3], [3, 4, 5]])).rejects.toThrow('Error in frechetDistance: b must have feature size 2 like a, but got 3.');
    await expect(frechetDistance([[1, 2], [3, NaN]], [[1, 2], [3, 4]])).rejects.toThrow('Error in frechetDistance: a must contain only finite values, but entry [1,1] is NaN.');
    await expect(frechetDistance([[1], [2]], [[1], [3]], { eps: -1 })).rejects.toThrow('Error in frechetDistance: options.eps must be a non-negative number, but got -1.');
    await expect(frechetDistance(tf.zeros([3, 2], 'int32'), [[1, 2], [3, 4]])).rejects.toThrow('Error in frechetDistance: a must be a float32 tensor, but got an int32 tensor of shape [3,2].');
  });
});
