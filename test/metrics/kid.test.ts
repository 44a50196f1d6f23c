/**
 * KID: the unbiased MMD² with the cubic polynomial kernel, against a float64 brute force.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { kernelInceptionDistance } from 'smoothgan/metrics';
import { seededNormal } from '../helpers/tensors';

const rows = (flat: ArrayLike<number>, n: number, d: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => flat[i * d + j]!));

/** Unbiased MMD² with k(x, y) = (xᵀy/d + 1)³, in float64. */
function kidReference(x: number[][], y: number[][], degree = 3, gamma = 1 / x[0]!.length, coef = 1): number {
  const k = (a: number[], b: number[]) => (gamma * a.reduce((s, v, i) => s + v * b[i]!, 0) + coef) ** degree;
  const m = x.length;
  const n = y.length;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  x.forEach((a, i) => x.forEach((b, j) => (i !== j ? (sxx += k(a, b)) : 0)));
  y.forEach((a, i) => y.forEach((b, j) => (i !== j ? (syy += k(a, b)) : 0)));
  x.forEach((a) => y.forEach((b) => (sxy += k(a, b))));
  return sxx / (m * (m - 1)) + syy / (n * (n - 1)) - (2 * sxy) / (m * n);
}

describe('kernelInceptionDistance', () => {
  const n = 24;
  const d = 5;
  const x = rows(seededNormal(n * d, 1), n, d);
  const y = rows(seededNormal(n * d, 2, 1.2), n, d).map((r) => r.map((v) => v + 0.3));

  it('one subset of all samples equals the float64 unbiased MMD² (the estimator is permutation invariant)', async () => {
    const r = await kernelInceptionDistance(x, y, { subsets: 1, subsetSize: n });
    const expected = kidReference(x, y);
    expect(Math.abs(r.mean - expected)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected)));
    expect(r.std).toBe(0);
    const other = await kernelInceptionDistance(x, y, { subsets: 1, subsetSize: n, degree: 2, gamma: 0.5, coef: 0.5 });
    expect(Math.abs(other.mean - kidReference(x, y, 2, 0.5, 0.5))).toBeLessThan(1e-5);
  });

  it('subsets of all samples give identical estimates (std ≈ 0)', async () => {
    const r = await kernelInceptionDistance(x, y, { subsets: 3, subsetSize: n });
    expect(r.estimates).toHaveLength(3);
    expect(r.std).toBeLessThan(1e-6);
  });

  it('smaller subsets: reproducible by seed, each estimate an unbiased MMD² of some subset', async () => {
    const a = await kernelInceptionDistance(x, y, { subsets: 5, subsetSize: 10, seed: 3 });
    const b = await kernelInceptionDistance(x, y, { subsets: 5, subsetSize: 10, seed: 3 });
    const c = await kernelInceptionDistance(x, y, { subsets: 5, subsetSize: 10, seed: 4 });
    expect(a.estimates).toEqual(b.estimates);
    expect(a.estimates).not.toEqual(c.estimates);
    const mean = a.estimates.reduce((s, v) => s + v, 0) / 5;
    const sd = Math.sqrt(a.estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / 4);
    expect(a.mean).toBeCloseTo(mean, 12);
    expect(a.std).toBeCloseTo(sd, 12);
  });

  it('accepts tensors, creates and disposes nothing of the caller’s', async () => {
    const tx = tf.tensor2d(x.flat(), [n, d]);
    const ty = tf.tensor2d(y.flat(), [n, d]);
    const before = tf.memory().numTensors;
    const r = await kernelInceptionDistance(tx, ty, { subsets: 2, subsetSize: 12 });
    expect(tf.memory().numTensors).toBe(before);
    expect(tx.isDisposed || ty.isDisposed).toBe(false);
    const fromArrays = await kernelInceptionDistance(x, y, { subsets: 2, subsetSize: 12 });
    expect(Math.abs(r.mean - fromArrays.mean)).toBeLessThan(1e-9);
    const arraysBefore = tf.memory().numTensors;
    await kernelInceptionDistance(x, y, { subsets: 1, subsetSize: 4 });
    expect(tf.memory().numTensors).toBe(arraysBefore);
  });

  it('is near 0 for two samples of one distribution and larger for shifted ones', async () => {
    const big = 400;
    const p = tf.tensor2d(seededNormal(big * 4, 10), [big, 4]);
    const q = tf.tensor2d(seededNormal(big * 4, 11), [big, 4]);
    const shifted = tf.add(q, 0.5);
    const same = await kernelInceptionDistance(p, q, { subsets: 10, subsetSize: 100 });
    const diff = await kernelInceptionDistance(p, shifted, { subsets: 10, subsetSize: 100 });
    tf.dispose([p, q, shifted]);
    expect(Math.abs(same.mean)).toBeLessThan(3 * same.std + 1e-3);
    expect(diff.mean).toBeGreaterThan(10 * Math.abs(same.mean) + 3 * diff.std / Math.sqrt(10));
  });

  it('rejects bad options and input (torchmetrics defaults need 1000 samples)', async () => {
    await expect(kernelInceptionDistance(x, y)).rejects.toThrow(
      'Error in kernelInceptionDistance: options.subsetSize must be at most the number of samples in each set (x: 24, y: 24), but got 1000. Pass a smaller subsetSize or more samples.',
    );
    await expect(kernelInceptionDistance(x, [[1, 2]], { subsetSize: 2 })).rejects.toThrow(
      'Error in kernelInceptionDistance: y must have feature size 5 like x, but got 2.',
    );
    await expect(kernelInceptionDistance(x, y, { subsets: 0 })).rejects.toThrow('Error in kernelInceptionDistance: options.subsets must be an integer >= 1, but got 0.');
    await expect(kernelInceptionDistance(x, y, { subsetSize: 1 })).rejects.toThrow('Error in kernelInceptionDistance: options.subsetSize must be an integer >= 2, but got 1.');
  });
});
