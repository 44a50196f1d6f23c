/**
 * Spectral normalisation on webgl and webgpu: σ of the normalised kernel → 1 (float64 SVD of
 * the kernel matrix or of the convolution's true operator), and the forward output, σ and the
 * gradient through σ against the cpu backend in the same page.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { spectralNormalization, updateSpectralNorms, type SpectralNormMode } from 'smoothgan/layers';
import { spectralNorm, transpose, type Mat } from '../helpers/float64';
import { randn } from '../helpers/tensors';
import { conv2dMatrix, lastAxisMatrix } from '../layers/_reference64';
import { expectClose, expectLikeCpu, FULL, read, SUBSET, TOLERANCE, type Arrays } from './_backends';

interface SnCase {
  readonly name: string;
  readonly mode: SpectralNormMode;
  readonly make: () => tfl.layers.Layer;
  readonly inputShape: number[];
  /** Float64 matrix of the normalised map whose top singular value is σ(W_SN). */
  readonly matrix: (k: ArrayLike<number>, shape: number[]) => Mat;
}

const init = () => tfl.initializers.glorotNormal({ seed: 11 });
const conv = () => tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'softplus', kernelInitializer: init() });
const CASES: SnCase[] = [
  {
    name: 'Dense (reshape)',
    mode: 'reshape',
    make: () => tfl.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: init() }),
    inputShape: [5],
    matrix: (k, s) => transpose(lastAxisMatrix(k, s)),
  },
  { name: 'Conv2D (reshape)', mode: 'reshape', make: conv, inputShape: [6, 6, 2], matrix: (k, s) => transpose(lastAxisMatrix(k, s)) },
  {
    name: 'Conv2D (operator)',
    mode: 'operator',
    make: conv,
    inputShape: [6, 6, 2],
    matrix: (k, s) => conv2dMatrix(k, s as [number, number, number, number], [6, 6], { strides: [2, 2], padding: 'same', dilations: [1, 1] }),
  },
];

const UPDATES = 40;

/** Builds the wrapped layer, runs UPDATES power steps, and reads W_SN, σ, the output and the kernel gradient. */
async function snArrays(c: SnCase): Promise<Arrays> {
  const sn = spectralNormalization({ layer: c.make(), mode: c.mode, seed: 7, inputShape: c.inputShape });
  const model = tfl.sequential({ layers: [sn] });
  for (let i = 0; i < UPDATES; i++) expect(updateSpectralNorms(model)).toBe(1);
  const x = randn([2, ...c.inputShape], 5);
  const kernel = sn.layer.trainableWeights.find((w) => /kernel/.test(w.originalName))!;
  const kernelVar = (kernel as unknown as { val: tf.Variable }).val;
  const out = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, [kernelVar]);
    return { y: model.apply(x) as tf.Tensor, loss: value, dKernel: grads[kernelVar.name]!, wsn: sn.normalizedKernel(), sigma: sn.sigma() };
  });
  const arrays = await read(out);
  x.dispose();
  model.dispose();
  return arrays;
}

describe.each(SUBSET)('SpectralNormalization on %s', (backend) => {
  // webgpu: the dense case only.
  const mine = backend === 'webgl' ? CASES : CASES.slice(0, 1);
  it.each(mine.map((c) => [c.name, c] as const))('%s: σ(W_SN) → 1 (float64), output, σ and ∂/∂W through σ like cpu', async (_n, c) => {
    const got = await expectLikeCpu(backend, `spectral norm ${c.name}`, () => snArrays(c));
    // σ of the normalised map, in float64, from this backend's W_SN.
    const shape = c.name.startsWith('Dense') ? [5, 4] : [3, 3, 2, 3];
    const sigma = spectralNorm(c.matrix(got.wsn!, shape));
    expectClose(backend, `σ(W_SN) of ${c.name} after ${UPDATES} updates`, { sigma: [sigma] }, { sigma: [1] }, 1e-3, 'float64');
  });
});

describe.each(FULL)('SpectralNormalization memory on %s', (backend) => {
  it('a wrapped critic in a training loop with Adam leaves no tensors behind', async () => {
    await expectLikeCpu(backend, 'SN critic, 5 Adam steps', async () => {
      const model = tfl.sequential({
        layers: [
          spectralNormalization({ layer: tfl.layers.dense({ units: 8, activation: 'softplus', kernelInitializer: init() }), seed: 1, inputShape: [2] }),
          spectralNormalization({ layer: tfl.layers.dense({ units: 1, kernelInitializer: init() }), seed: 2 }),
        ],
      });
      const opt = tf.train.adam(1e-2, 0.9, 0.999, 1e-3); // ε 1e-3: see train.browser.ts
      const x = randn([16, 2], 3);
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) {
        updateSpectralNorms(model);
        const loss = opt.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, 0.5))) as tf.Scalar, true)!;
        losses.push((await loss.data())[0]!);
        loss.dispose();
      }
      x.dispose();
      opt.dispose();
      model.dispose();
      return { losses };
    }, TOLERANCE[backend].afterSteps);
  });
});
