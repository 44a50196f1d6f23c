import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from 'smoothgan/autodiff';
import { projectSpectralNorm, spectralNormProjection } from 'smoothgan/layers';
import { fromFlat, spectralNorm } from '../helpers/float64';
import { expectNoLeak, randn, values } from '../helpers/tensors';
import { conv2dMatrix, lastAxisMatrix } from './_reference64';

beforeAll(() => {
  registerTrainingKernels();
});

const parts = (r: { weight: tf.Tensor; u: tf.Tensor; v: tf.Tensor; sigma: tf.Tensor }) => [r.weight, r.u, r.v, r.sigma];
const sigma64 = async (w: tf.Tensor): Promise<number> => spectralNorm(lastAxisMatrix(await w.data(), w.shape));

describe('projectSpectralNorm', () => {
  it('scales a weight with σ > c onto σ = c and leaves σ ≤ c alone (float64 SVD)', async () => {
    const big = randn([5, 4], 1, 2);
    const r = projectSpectralNorm(big, { bound: 1, iterations: 100 });
    expect(Math.abs((await sigma64(r.weight)) - 1)).toBeLessThan(1e-4);
    expect(Math.abs((await values(r.sigma))[0]! - (await sigma64(big)))).toBeLessThan(1e-4 * (await sigma64(big)));
    const small = tf.mul(big, 0.5 / (await sigma64(big)));
    const r2 = projectSpectralNorm(small, { bound: 1, iterations: 100 });
    expect(await values(r2.weight)).toEqual(await values(small));
    tf.dispose([big, small, ...parts(r), ...parts(r2)]);
  });

  it('warm-starts from u: repeated single steps converge', async () => {
    const w = randn([3, 3, 2, 4], 2, 3);
    let u: tf.Tensor | undefined;
    let out: tf.Tensor | undefined;
    for (let i = 0; i < 40; i++) {
      const r = projectSpectralNorm(w, { u, bound: 0.5 });
      tf.dispose([u, out, r.v, r.sigma]);
      u = r.u;
      out = r.weight;
    }
    expect(Math.abs((await sigma64(out!)) - 0.5)).toBeLessThan(1e-3);
    tf.dispose([w, u!, out!]);
  });

  it('with operator geometry, projects by the conv operator norm (float64 explicit matrix)', async () => {
    const w = randn([3, 3, 1, 2], 3);
    const r = projectSpectralNorm(w, { bound: 1, iterations: 200, operator: { inputShape: [6, 6, 1], padding: 'same' } });
    const m = conv2dMatrix(await r.weight.data(), [3, 3, 1, 2], [6, 6], { strides: [1, 1], padding: 'same', dilations: [1, 1] });
    // σ̂ ≤ σ from below, so σ(projected) = σ/σ̂ ≥ 1, and close to 1 after 200 steps.
    expect(spectralNorm(m)).toBeGreaterThan(1 - 1e-6);
    expect(spectralNorm(m)).toBeLessThan(1 + 2e-3);
    tf.dispose([w, ...parts(r)]);
  });

  it('property: σ(projected) ≤ c + tol', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        async (seed, rows, cols, bound) => {
          const w = randn([rows, cols], seed, 2);
          const r = projectSpectralNorm(w, { bound, iterations: 80, seed });
          expect(spectralNorm(fromFlat(await r.weight.data(), rows, cols))).toBeLessThanOrEqual(bound * (1 + 1e-3));
          tf.dispose([w, ...parts(r)]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('does not leak, and rejects bad arguments', async () => {
    const w = randn([3, 2], 1);
    const r = await expectNoLeak(() => projectSpectralNorm(w));
    tf.dispose(parts(r));
    expect(() => projectSpectralNorm(tf.ones([2, 2, 2, 2, 2]))).toThrow(
      'Error in projectSpectralNorm: weight must be a tensor of rank 2, 3 or 4 (or give options.layout), but got a float32 tensor of shape [2,2,2,2,2].',
    );
    expect(() => projectSpectralNorm(w, { layout: 'conv2d' })).toThrow(
      'Error in projectSpectralNorm: weight must be a tensor of rank 4, but got a float32 tensor of shape [3,2].',
    );
    expect(() => projectSpectralNorm(w, { bound: 0 })).toThrow(
      'Error in projectSpectralNorm: options.bound must be a positive number, but got 0.',
    );
    expect(() => projectSpectralNorm(w, { operator: { inputShape: [4, 3] } })).toThrow(
      "Error in projectSpectralNorm: options.operator applies to convolution layouts, but got layout 'dense' (for a matrix both norms agree).",
    );
    w.dispose();
  });
});

describe('spectralNormProjection', () => {
  it('projects each variable in place after the optimizer step, keeping its own u', async () => {
    const a = tf.variable(randn([4, 3], 5, 3));
    const b = tf.variable(tf.mul(randn([2, 2, 1, 3], 6), 0.01));
    const bBefore = await values(b);
    const projection = spectralNormProjection([a, { variable: b, layout: 'conv2d' }], { bound: 1, warmStartIterations: 60 });
    expect(projection.variables).toEqual([a, b]);
    expect(projection.state.map((s) => s.shape)).toEqual([
      [1, 3],
      [1, 3],
    ]);
    projection.apply();
    expect(Math.abs((await sigma64(a)) - 1)).toBeLessThan(1e-3);
    expect(await values(b)).toEqual(bBefore);
    const sigmas = await projection.readSigmas();
    expect(sigmas[0]).toBeCloseTo(1, 3);
    await expectNoLeak(() => projection.apply());
    await expectNoLeak(() => projection.readSigmas());
    const n = tf.memory().numTensors;
    projection.dispose();
    expect(tf.memory().numTensors).toBe(n - 4);
    expect(() => projection.apply()).toThrow('Error in SpectralNormProjection.apply: the projection was disposed.');
    tf.dispose([a, b]);
  });

  it('leaves a variable with a non-finite projection unchanged', async () => {
    const a = tf.variable(tf.tensor2d([[NaN, 1], [0, 1]]));
    const projection = spectralNormProjection([a]);
    const before = await values(projection.state[0]!);
    projection.apply();
    const after = await values(a);
    expect(Number.isNaN(after[0])).toBe(true);
    expect(after.slice(1)).toEqual([1, 0, 1]);
    expect(await values(projection.state[0]!)).toEqual(before);
    projection.dispose();
    a.dispose();
  });

  it('rejects bad targets', () => {
    expect(() => spectralNormProjection([])).toThrow('Error in spectralNormProjection: targets must be a non-empty array of variables, but got [].');
    expect(() => spectralNormProjection([tf.ones([2, 2]) as tf.Variable])).toThrow(
      'Error in spectralNormProjection: targets[0] must be a tf.Variable or { variable, layout?, operator? }, but got a float32 tensor of shape [2,2].',
    );
  });
});
