/**
 * Exact 1-D Wasserstein and sliced Wasserstein against independent oracles.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { slicedWasserstein, wasserstein1d } from 'smoothgan/metrics';
import { seededNormal } from '../helpers/tensors';

/** Oracle: repeat x n times and y m times (equal sizes m·n), then the mean of |sorted differences|^p. */
function replicated(x: number[], y: number[], p: number): number {
  const xr = x.flatMap((v) => Array<number>(y.length).fill(v)).sort((a, b) => a - b);
  const yr = y.flatMap((v) => Array<number>(x.length).fill(v)).sort((a, b) => a - b);
  return (xr.reduce((s, v, i) => s + Math.abs(v - yr[i]!) ** p, 0) / xr.length) ** (1 / p);
}

describe('wasserstein1d', () => {
  it('matches the documented examples', async () => {
    expect(await wasserstein1d([0, 1, 2], [1, 2, 3])).toBe(1);
    expect(await wasserstein1d([0], [0, 3])).toBe(1.5);
  });

  it.each([
    [5, 5, 1],
    [7, 3, 1],
    [4, 9, 2],
    [13, 6, 1.5],
  ])('m = %i, n = %i, p = %s: equals the replication oracle', async (m, n, p) => {
    const x = Array.from(seededNormal(m, m * 10 + n));
    const y = Array.from(seededNormal(n, m * 10 + n + 1, 2)).map((v) => v + 0.5);
    const got = await wasserstein1d(x, y, { p });
    expect(Math.abs(got - replicated(x, y, p))).toBeLessThan(1e-12);
  });

  it('W1 between shifted samples is the shift; symmetric; 0 on itself', async () => {
    const x = Array.from(seededNormal(50, 5));
    expect(Math.abs((await wasserstein1d(x, x.map((v) => v + 0.75))) - 0.75)).toBeLessThan(1e-12);
    const y = Array.from(seededNormal(31, 6));
    expect(await wasserstein1d(x, y)).toBe(await wasserstein1d(y, x));
    expect(await wasserstein1d(x, x)).toBe(0);
  });

  it('reads tensors [n] and [n, 1] without creating or disposing any', async () => {
    const x = Array.from(seededNormal(9, 7));
    const y = Array.from(seededNormal(4, 8));
    const tx = tf.tensor1d(x);
    const ty = tf.tensor2d(y, [4, 1]);
    const before = tf.memory().numTensors;
    const got = await wasserstein1d(tx, ty);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(got - replicated(x, y, 1))).toBeLessThan(1e-6);
  });

  it('rejects bad input', async () => {
    await expect(wasserstein1d([], [1])).rejects.toThrow('Error in wasserstein1d: x must be a non-empty array of numbers or a float32 tensor [n], but got [].');
    await expect(wasserstein1d([1], [NaN])).rejects.toThrow('Error in wasserstein1d: y must contain only finite values, but entry 0 is NaN.');
    await expect(wasserstein1d(tf.zeros([3, 2]), [1])).rejects.toThrow(
      'Error in wasserstein1d: x must be a non-empty float32 tensor of shape [n] or [n,1], but got a float32 tensor of shape [3,2].',
    );
    await expect(wasserstein1d([1], [2], { p: 0.5 })).rejects.toThrow('Error in wasserstein1d: options.p must be a number in [1, Infinity), but got 0.5.');
  });
});

describe('slicedWasserstein', () => {
  const rows = (flat: ArrayLike<number>, n: number, d: number) => Array.from({ length: n }, (_, i) => Array.from(flat).slice(i * d, (i + 1) * d));

  it('in 1-D equals the exact W_p for any number of projections', async () => {
    const x = Array.from(seededNormal(11, 9));
    const y = Array.from(seededNormal(7, 10)).map((v) => 2 * v);
    for (const p of [1, 2]) {
      const sw = await slicedWasserstein(x.map((v) => [v]), y.map((v) => [v]), { projections: 3, p });
      expect(Math.abs(sw - (await wasserstein1d(x, y, { p })))).toBeLessThan(1e-12);
    }
  });

  it.each([
    [2, 2 / Math.PI],
    [3, 0.5],
  ])('d = %i: for a shift v, SW_1 → ‖v‖·Γ(d/2)/(√π·Γ((d+1)/2)) and SW_2² → ‖v‖²/d', async (d, c) => {
    const n = 16;
    const x = rows(seededNormal(n * d, 11), n, d);
    const v = Array.from({ length: d }, (_, j) => (j === 0 ? 0.8 : -0.6 / j));
    const y = x.map((r) => r.map((val, j) => val + v[j]!));
    const norm = Math.hypot(...v);
    const sw1 = await slicedWasserstein(x, y, { projections: 4000, seed: 3 });
    expect(Math.abs(sw1 / (norm * c) - 1)).toBeLessThan(0.04);
    const sw2 = await slicedWasserstein(x, y, { projections: 4000, seed: 4, p: 2 });
    expect(Math.abs((sw2 * sw2) / ((norm * norm) / d) - 1)).toBeLessThan(0.06);
  });

  it('is reproducible by seed, reads tensors, leaks nothing', async () => {
    const x = tf.tensor2d(seededNormal(40, 12), [20, 2]);
    const y = tf.tensor2d(seededNormal(30, 13, 1.5), [15, 2]);
    const before = tf.memory().numTensors;
    const a = await slicedWasserstein(x, y, { seed: 5 });
    const b = await slicedWasserstein(x, y, { seed: 5 });
    const c = await slicedWasserstein(x, y, { seed: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('rejects mismatched feature sizes and bad options', async () => {
    await expect(slicedWasserstein([[1, 2]], [[1, 2, 3]])).rejects.toThrow('Error in slicedWasserstein: y must have 2 columns like x, but got 3.');
    await expect(slicedWasserstein([[1, 2]], [[1]])).rejects.toThrow(/Error in slicedWasserstein: y must have 2 columns like x, but got 1\./);
    await expect(slicedWasserstein([[1, 2], [3]], [[1, 2]])).rejects.toThrow('Error in slicedWasserstein: x[1] must be an array of 2 numbers, but got [3].');
    await expect(slicedWasserstein([[1]], [[1]], { projections: 0 })).rejects.toThrow(
      'Error in slicedWasserstein: options.projections must be an integer >= 1, but got 0.',
    );
  });
});
