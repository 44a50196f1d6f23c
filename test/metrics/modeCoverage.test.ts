/**
 * Mode coverage and the ring / grid mixtures, against geometric facts and the chi-square law of
 * ‖z‖² for 2-D Gaussian noise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gridMixture, modeCoverage, ringMixture } from 'smoothgan/metrics';
import { values } from '../helpers/tensors';

describe('mixtures', () => {
  it('ring: 8 centres at radius 2, σ = 0.02 by default', () => {
    const ring = ringMixture();
    expect(ring).toMatchObject({ kind: 'gaussian-mixture', name: 'ring-8', sigma: 0.02 });
    expect(ring.centres).toHaveLength(8);
    ring.centres.forEach((c, k) => {
      expect(Math.hypot(c[0]!, c[1]!)).toBeCloseTo(2, 12);
      expect(Math.atan2(c[1]!, c[0]!)).toBeCloseTo(Math.atan2(Math.sin((k * Math.PI) / 4), Math.cos((k * Math.PI) / 4)), 12);
    });
    expect(Object.isFrozen(ring) && Object.isFrozen(ring.centres)).toBe(true);
  });

  it('grid: 25 centres at {−4, −2, 0, 2, 4}², σ = 0.05 by default', () => {
    const grid = gridMixture();
    expect(grid).toMatchObject({ name: 'grid-5x5', sigma: 0.05 });
    const set = new Set(grid.centres.map((c) => c.join(',')));
    for (const a of [-4, -2, 0, 2, 4]) for (const b of [-4, -2, 0, 2, 4]) expect(set.has(`${a},${b}`)).toBe(true);
    expect(set.size).toBe(25);
  });

  it('samples are seeded, uniform over modes, with spread σ', async () => {
    const ring = ringMixture();
    const n = 4000;
    const { points, modes } = ring.sampleArray(n, 11);
    expect(ring.sampleArray(n, 11).points).toEqual(points);
    expect(ring.sampleArray(n, 12).points).not.toEqual(points);
    const t = ring.sample(n, 11);
    expect(t.shape).toEqual([n, 2]);
    const flat = await values(t);
    t.dispose();
    flat.forEach((v, i) => expect(Math.abs(v - points[Math.floor(i / 2)]![i % 2]!)).toBeLessThan(1e-6));
    const counts = new Array<number>(8).fill(0);
    const sq = new Array<number>(8).fill(0);
    modes.forEach((k, i) => {
      counts[k]!++;
      sq[k]! += (points[i]![0]! - ring.centres[k]![0]!) ** 2 + (points[i]![1]! - ring.centres[k]![1]!) ** 2;
    });
    counts.forEach((c) => expect(Math.abs(c - n / 8)).toBeLessThan(4 * Math.sqrt((n / 8) * (7 / 8))));
    sq.forEach((s, k) => expect(Math.sqrt(s / (2 * counts[k]!)) / 0.02).toBeGreaterThan(0.9));
    sq.forEach((s, k) => expect(Math.sqrt(s / (2 * counts[k]!)) / 0.02).toBeLessThan(1.1));
  });

  it('rejects bad options', () => {
    expect(() => ringMixture({ modes: 0 })).toThrow('Error in ringMixture: options.modes must be an integer >= 1, but got 0.');
    expect(() => gridMixture({ sigma: -1 })).toThrow('Error in gridMixture: options.sigma must be a positive number, but got -1.');
    expect(() => ringMixture().sample(2.5)).toThrow('Error in ringMixture.sample: count must be an integer >= 1, but got 2.5.');
  });
});

describe('modeCoverage', () => {
  it('on samples of the mixture itself: every mode hit, high-quality share = P(‖z‖ ≤ 3) = 1 − e^{−9/2}', async () => {
    for (const mixture of [ringMixture(), gridMixture()]) {
      const n = 6000;
      const r = await modeCoverage(mixture.sampleArray(n, 21).points, mixture);
      expect(r.modesHit).toBe(mixture.centres.length);
      expect(r.modes).toBe(mixture.centres.length);
      const p = 1 - Math.exp(-4.5);
      expect(Math.abs(r.highQualityShare - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      expect(r.counts.reduce((a, b) => a + b, 0)).toBe(Math.round(r.highQualityShare * n));
    }
  });

  it('a collapsed generator hits one mode', async () => {
    const ring = ringMixture();
    const samples = tf.tensor2d(Array.from({ length: 50 }, () => [2.01, -0.01]).flat(), [50, 2]);
    const before = tf.memory().numTensors;
    const r = await modeCoverage(samples, ring);
    expect(tf.memory().numTensors).toBe(before);
    samples.dispose();
    expect(r).toMatchObject({ modesHit: 1, modes: 8, highQualityShare: 1 });
    expect(r.hit).toEqual([true, false, false, false, false, false, false, false]);
  });

  it('counts only samples within k·σ, and modes with at least minSamples of them', async () => {
    const target = { centres: [[0, 0], [10, 0]], sigma: 1 };
    const samples = [
      [0.5, 0], // mode 0, within 3σ
      [2.9, 0], // mode 0, within 3σ
      [0, 3.5], // mode 0 nearest, outside 3σ
      [10, 1], // mode 1
      [5.1, 0], // mode 1 nearest, outside
    ];
    const r = await modeCoverage(samples, target);
    expect(r).toMatchObject({ modesHit: 2, highQualityShare: 3 / 5, counts: [2, 1] });
    const strict = await modeCoverage(samples, target, { minSamples: 2 });
    expect(strict.hit).toEqual([true, false]);
    const wide = await modeCoverage(samples, target, { k: 4 });
    expect(wide.counts).toEqual([3, 1]);
  });

  it('rejects bad input', async () => {
    await expect(modeCoverage([[1, 2, 3]], ringMixture())).rejects.toThrow('Error in modeCoverage: samples must have 2 columns like the centres, but got 3.');
    await expect(modeCoverage([[1, 2]], { centres: [], sigma: 1 })).rejects.toThrow(
      'Error in modeCoverage: target.centres must be a non-empty array of points, but got [].',
    );
    await expect(modeCoverage([[1, 2]], { centres: [[0, 0]], sigma: 0 })).rejects.toThrow(
      'Error in modeCoverage: target.sigma must be a positive number, but got 0.',
    );
    await expect(modeCoverage([[1, 2]], ringMixture(), { minSamples: 0 })).rejects.toThrow(
      'Error in modeCoverage: options.minSamples must be an integer >= 1, but got 0.',
    );
  });
});
