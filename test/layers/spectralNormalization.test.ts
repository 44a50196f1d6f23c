import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableSecondOrderGradients, registerTrainingKernels } from 'smoothgan/autodiff';
import {
  SpectralNormalization,
  readSpectralNormSigmas,
  spectralNormalization,
  updateSpectralNorms,
  type SpectralNormMode,
} from 'smoothgan/layers';
import { fromFlat, matmul, spectralNorm, transpose, type Mat } from '../helpers/float64';
import { expectNoLeak, randn, seededNormal, values } from '../helpers/tensors';
import { BACKEND } from '../setup';
import { conv2dMatrix, depthwiseAsDense, lastAxisMatrix, norm, swapLastAxes } from './_reference64';

/**
 * tfjs-backend-wasm 4.22 has no UnsortedSegmentSum kernel, which the gradient of gather (and so
 * of every Embedding layer) needs: embeddings cannot be trained on wasm at all, wrapped or not.
 */
const noGatherGrad = (name: string) => name === 'Embedding' && BACKEND === 'wasm';

beforeAll(() => {
  registerTrainingKernels();
  enableSecondOrderGradients();
});

type K4 = [number, number, number, number];

interface WrapCase {
  name: string;
  make: () => tfl.layers.Layer;
  inputShape: number[];
  input: (seed: number) => tf.Tensor;
  modes: SpectralNormMode[];
  /**
   * Float64 blocks of the normalised map, in the orientation A = [u-dim, v-dim] and in the
   * order of the stored u/v: σ = max over blocks, one power step per block.
   */
  blocks: (k: number[], shape: number[], mode: SpectralNormMode) => Mat[];
}

const floatInput = (shape: number[]) => (seed: number) => randn([2, ...shape], seed);
/** Seeded kernels, so that every run tests the same weights. */
const init = () => tfl.initializers.glorotNormal({ seed: 11 });

const CASES: WrapCase[] = [
  {
    name: 'Dense',
    make: () => tfl.layers.dense({ units: 3, activation: 'tanh', kernelInitializer: init() }),
    inputShape: [5],
    input: floatInput([5]),
    modes: ['reshape', 'operator'],
    blocks: (k, s) => [transpose(lastAxisMatrix(k, s))],
  },
  {
    name: 'Conv1D',
    make: () => tfl.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: init() }),
    inputShape: [7, 2],
    input: floatInput([7, 2]),
    modes: ['reshape', 'operator'],
    blocks: (k, s, mode) =>
      mode === 'reshape'
        ? [transpose(lastAxisMatrix(k, s))]
        : [conv2dMatrix(k, [1, 3, 2, 3], [1, 7], { strides: [1, 1], padding: 'same', dilations: [1, 1] })],
  },
  {
    name: 'Conv2D',
    make: () => tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'softplus', kernelInitializer: init() }),
    inputShape: [6, 6, 2],
    input: floatInput([6, 6, 2]),
    modes: ['reshape', 'operator'],
    blocks: (k, s, mode) =>
      mode === 'reshape'
        ? [transpose(lastAxisMatrix(k, s))]
        : [conv2dMatrix(k, s as K4, [6, 6], { strides: [2, 2], padding: 'same', dilations: [1, 1] })],
  },
  {
    name: 'DepthwiseConv2D',
    make: () => tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: init() }),
    inputShape: [5, 5, 2],
    input: floatInput([5, 5, 2]),
    modes: ['reshape', 'operator'],
    blocks: (k, s, mode) => {
      const [kh, kw, c, m] = s as K4;
      if (mode === 'operator') {
        return [conv2dMatrix(depthwiseAsDense(k, [kh, kw, c, m]), [kh, kw, c, c * m], [5, 5], { strides: [1, 1], padding: 'same', dilations: [1, 1] })];
      }
      return Array.from({ length: c }, (_, j) =>
        Array.from({ length: m }, (_, i) => Array.from({ length: kh * kw }, (_, p) => k[(p * c + j) * m + i]!)),
      );
    },
  },
  {
    name: 'Conv2DTranspose',
    make: () => tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init() }),
    inputShape: [3, 3, 3],
    input: floatInput([3, 3, 3]),
    modes: ['reshape', 'operator'],
    blocks: (k, s, mode) => {
      const [kh, kw, o, i] = s as K4;
      if (mode === 'operator') {
        return [transpose(conv2dMatrix(k, [kh, kw, o, i], [6, 6], { strides: [2, 2], padding: 'same', dilations: [1, 1] }))];
      }
      return [transpose(lastAxisMatrix(swapLastAxes(k, [kh, kw, o, i]), [kh, kw, i, o]))];
    },
  },
  {
    name: 'Embedding',
    make: () => tfl.layers.embedding({ inputDim: 6, outputDim: 3, embeddingsInitializer: init() }),
    inputShape: [4],
    input: () =>
      tf.tensor2d([
        [0, 1, 2, 5],
        [3, 3, 4, 0],
      ]),
    modes: ['reshape'],
    blocks: (k, s) => [transpose(lastAxisMatrix(k, s))],
  },
];

const MODE_CASES = CASES.flatMap((c) => c.modes.map((mode) => ({ ...c, mode, label: `${c.name} (${mode})` })));

function build(c: WrapCase, mode: SpectralNormMode, extra: Record<string, unknown> = {}) {
  const sn = spectralNormalization({ layer: c.make(), mode, seed: 7, inputShape: c.inputShape, ...extra });
  const model = tfl.sequential({ layers: [sn] });
  return { sn, model };
}

const kernelVar = (sn: SpectralNormalization): tfl.LayerVariable =>
  sn.layer.weights.find((w) => /kernel|embeddings/.test(w.originalName))!;

async function kernel64(sn: SpectralNormalization): Promise<{ k: number[]; shape: number[] }> {
  const v = kernelVar(sn).read();
  return { k: Array.from(await v.data()), shape: v.shape };
}

/** True σ of W_SN from the float64 blocks of the normalised kernel. */
async function trueSigmaOfNormalized(c: WrapCase, sn: SpectralNormalization, mode: SpectralNormMode): Promise<number> {
  const w = sn.normalizedKernel();
  const blocks = c.blocks(Array.from(await w.data()), w.shape, mode);
  w.dispose();
  return Math.max(...blocks.map((b) => spectralNorm(b)));
}

const unit = (x: number[]): number[] => {
  const n = Math.max(norm(x), 1e-12);
  return x.map((v) => v / n);
};
const mv = (a: Mat, x: number[]): number[] => matmul(a, x.map((v) => [v])).map((r) => r[0]!);

describe.each(MODE_CASES)('SpectralNormalization on $label', (c) => {
  it('σ of the normalised kernel → 1 (float64 SVD oracle), and → c with bound c', async () => {
    // σ̂ approaches σ from below, monotonically: σ(W_SN) = σ/σ̂ ≥ 1 decreases towards 1.
    const { sn } = build(c, c.mode);
    const errors: number[] = [];
    for (let i = 0; i <= 40; i++) {
      if (i % 20 === 0) errors.push((await trueSigmaOfNormalized(c, sn, c.mode)) - 1);
      updateSpectralNorms(sn);
    }
    const trace = `σ(W_SN) − 1 every 20 updates: ${errors.join(', ')}`;
    errors.forEach((e, i) => {
      expect(e, trace).toBeGreaterThan(-1e-5);
      if (i > 0) expect(e, trace).toBeLessThanOrEqual(errors[i - 1]! + 1e-5);
    });
    expect(errors[errors.length - 1], trace).toBeLessThan(1e-2);
    // Many steps (some conv operators have near-equal top singular values): σ(W_SN) → c.
    const half = build(c, c.mode, { bound: 0.5, warmStartIterations: 300 }).sn;
    const sigmaHalf = await trueSigmaOfNormalized(c, half, c.mode);
    expect(sigmaHalf).toBeGreaterThan(0.5 - 1e-5);
    expect(sigmaHalf).toBeLessThan(0.5 * (1 + 3e-3));
  });

  it('recovers after a perturbation of the kernel', async () => {
    const { sn } = build(c, c.mode, { warmStartIterations: 40, powerIterations: 20 });
    const kv = kernelVar(sn);
    const noise = randn(kv.shape as number[], 99, 3);
    kv.write(tf.add(kv.read(), noise));
    const before = await trueSigmaOfNormalized(c, sn, c.mode);
    expect(Math.abs(before - 1)).toBeGreaterThan(0.02);
    for (let i = 0; i < 20; i++) sn.advance();
    expect(Math.abs((await trueSigmaOfNormalized(c, sn, c.mode)) - 1)).toBeLessThan(1e-3);
    noise.dispose();
  });

  it('u never moves when the layer is applied (training or not, inside a gradient or not)', async () => {
    const { sn, model } = build(c, c.mode);
    const u0 = await values(sn.u!.read());
    const v0 = await values(sn.v!.read());
    const x = c.input(1);
    tf.dispose([model.apply(x, { training: true }), model.apply(x, { training: true }), model.apply(x), model.predict(x)] as tf.Tensor[]);
    if (c.name !== 'Embedding') {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(model.apply(xx, { training: true }) as tf.Tensor))(x);
      g.dispose();
    }
    if (!noGatherGrad(c.name)) {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      tf.dispose([value, grads]);
    }
    expect(await values(sn.u!.read())).toEqual(u0);
    expect(await values(sn.v!.read())).toEqual(v0);
    x.dispose();
  });

  it('one update advances u by exactly one power step (float64 reference), and the forward divides by uᵀWv', async () => {
    const { sn, model } = build(c, c.mode, { warmStartIterations: 2 });
    const { k, shape } = await kernel64(sn);
    const blocks = c.blocks(k, shape, c.mode);
    const u0 = await values(sn.u!.read());
    expect(updateSpectralNorms(model)).toBe(1);
    const u1 = await values(sn.u!.read());
    const v1 = await values(sn.v!.read());
    // Reference: per block, v = unit(Aᵀu), u = unit(A v).
    const refU: number[] = [];
    const refV: number[] = [];
    let offU = 0;
    let sigmaRef = 0;
    for (const a of blocks) {
      const ub = u0.slice(offU, offU + a.length);
      offU += a.length;
      const v = unit(mv(transpose(a), ub));
      const u = unit(mv(a, v));
      refU.push(...u);
      refV.push(...v);
      sigmaRef = Math.max(sigmaRef, mv(a, v).reduce((s, x, i) => s + x * u[i]!, 0));
    }
    u1.forEach((x, i) => expect(Math.abs(x - refU[i]!)).toBeLessThan(2e-5));
    v1.forEach((x, i) => expect(Math.abs(x - refV[i]!)).toBeLessThan(2e-5));
    expect(Math.abs((await sn.readSigma()) - sigmaRef)).toBeLessThan(1e-5 * sigmaRef);
    // W_SN = W / σ, and the model output is the inner layer's with W_SN.
    const wsn = await values(sn.normalizedKernel());
    wsn.forEach((x, i) => expect(Math.abs(x - k[i]! / sigmaRef)).toBeLessThan(1e-5 * (1 + Math.abs(x))));
    const x = c.input(2);
    const y = await values(model.predict(x) as tf.Tensor);
    const kv = kernelVar(sn);
    const raw = tf.clone(kv.read());
    kv.write(sn.normalizedKernel());
    const yRef = await values(sn.layer.apply(x) as tf.Tensor);
    kv.write(raw);
    y.forEach((v, i) => expect(Math.abs(v - yRef[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
    tf.dispose([x, raw]);
  });

  it.skipIf(noGatherGrad(c.name))('the gradient flows through σ (directional finite differences, u and v frozen)', async () => {
    const { sn, model } = build(c, c.mode, { bound: 2 });
    const x = c.input(3);
    const kv = kernelVar(sn);
    const outShape = (model.predict(x) as tf.Tensor).shape;
    const r = randn(outShape, 4);
    const loss = () => tf.sum(tf.mul(r, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
    const kvar = kv.read() as tf.Variable;
    const { grads, value } = tf.variableGrads(loss, [kvar]);
    const g = await values(grads[kvar.name]!);
    tf.dispose([grads, value]);
    const raw = tf.clone(kv.read());
    const wNorm = norm(await values(raw));
    const d0 = Array.from(seededNormal(g.length, 5));
    const d = d0.map((x) => x / norm(d0));
    const analytic = g.reduce((s, gi, i) => s + gi * d[i]!, 0);
    const dir = tf.tensor(d, raw.shape);
    const at = async (eps: number) => {
      kv.write(tf.add(raw, tf.mul(eps, dir)));
      const l = loss();
      const out = (await l.data())[0]!;
      l.dispose();
      return out;
    };
    // Central differences with Richardson extrapolation, step 1% of ‖W‖.
    const h = 1e-2 * wNorm;
    const fdAt = async (eps: number) => ((await at(eps)) - (await at(-eps))) / (2 * eps);
    const fd = (4 * (await fdAt(h / 2)) - (await fdAt(h))) / 3;
    kv.write(raw);
    const gNormForTol = Math.sqrt(g.reduce((s, gi) => s + gi * gi, 0));
    expect(Math.abs(analytic - fd)).toBeLessThan(1e-3 * gNormForTol);
    // Along d = W the normalised kernel does not change (W_SN(sW) = W_SN(W) with u, v fixed), so
    // the true derivative is 0; the gradient with σ held constant, (c/σ)·⟨∂L/∂W_SN, W⟩, is not.
    const wFlat = await values(raw);
    const alongW = g.reduce((s, gi, i) => s + gi * wFlat[i]!, 0);
    const gNorm = Math.sqrt(g.reduce((s, gi) => s + gi * gi, 0));
    expect(Math.abs(alongW)).toBeLessThan(1e-4 * gNorm * norm(wFlat));
    const sigma = await sn.readSigma();
    const wsnVar = tf.variable(sn.normalizedKernel());
    const props = sn.layer as unknown as Record<string, unknown>;
    const prop = c.name === 'DepthwiseConv2D' ? 'depthwiseKernel' : c.name === 'Embedding' ? 'embeddings' : 'kernel';
    const original = props[prop];
    props[prop] = { read: () => wsnVar };
    const detached = tf.variableGrads(() => tf.sum(tf.mul(r, sn.layer.call(x, {}) as tf.Tensor)) as tf.Scalar, [wsnVar]);
    props[prop] = original;
    const gd = await values(detached.grads[wsnVar.name]!);
    const detachedAlongW = (2 / sigma) * gd.reduce((s, gi, i) => s + gi * wFlat[i]!, 0);
    expect(Math.abs(detachedAlongW)).toBeGreaterThan(2e-3 * gNorm * norm(wFlat));
    tf.dispose([x, r, raw, dir, wsnVar, detached.grads, detached.value]);
  });

  it('save/load round-trips exactly, u and v included', async () => {
    const { sn, model } = build(c, c.mode, { powerIterations: 2, bound: 1.5, boundMode: 'atMost' });
    for (let i = 0; i < 3; i++) updateSpectralNorms(model);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const names = artifacts!.weightSpecs!.map((s) => s.name);
    expect(names).toContain(`${sn.name}/sn_u`);
    expect(names).toContain(`${sn.name}/sn_v`);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const sn2 = loaded.layers[0] as SpectralNormalization;
    expect(sn2).toBeInstanceOf(SpectralNormalization);
    expect([sn2.powerIterations, sn2.bound, sn2.boundMode, sn2.mode, sn2.layer.getClassName()]).toEqual([
      2,
      1.5,
      'atMost',
      c.mode,
      c.name,
    ]);
    expect(await values(sn2.u!.read())).toEqual(await values(sn.u!.read()));
    expect(await values(sn2.v!.read())).toEqual(await values(sn.v!.read()));
    const x = c.input(6);
    expect(await values(loaded.predict(x) as tf.Tensor)).toEqual(await values(model.predict(x) as tf.Tensor));
    updateSpectralNorms([model, loaded]);
    expect(await values(sn2.u!.read())).toEqual(await values(sn.u!.read()));
    x.dispose();
  });

  it('does not leak (call, advance, sigma, normalizedKernel, readSigma)', async () => {
    const { sn, model } = build(c, c.mode);
    const x = c.input(8);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    await expectNoLeak(() => model.apply(x, { training: true }));
    await expectNoLeak(() => sn.advance());
    await expectNoLeak(() => sn.sigma());
    await expectNoLeak(() => sn.normalizedKernel());
    await expectNoLeak(() => sn.readSigma());
    await expectNoLeak(() => updateSpectralNorms(model));
    await expectNoLeak(() => readSpectralNormSigmas(model));
    x.dispose();
  });
});

describe('SpectralNormalization semantics', () => {
  it("boundMode 'atMost' leaves kernels with σ ≤ c alone and scales the others onto c", async () => {
    const make = (bound: number) => {
      const sn = spectralNormalization({
        layer: tfl.layers.dense({ units: 2, kernelInitializer: 'zeros' }),
        inputShape: [3],
        boundMode: 'atMost',
        bound,
        warmStartIterations: 50,
      });
      tfl.sequential({ layers: [sn] });
      const kv = kernelVar(sn);
      kv.write(tf.tensor2d([[0.6, 0], [0, 0.3], [0, 0]]));
      for (let i = 0; i < 30; i++) sn.advance();
      return sn;
    };
    const loose = make(1);
    expect(await values(loose.normalizedKernel())).toEqual(await values(kernelVar(loose).read()));
    const tight = make(0.3);
    const w = await values(tight.normalizedKernel());
    expect(w[0]).toBeCloseTo(0.3, 5);
    expect(w[3]).toBeCloseTo(0.15, 5);
  });

  it('advanceOnTrainingCall (opt-in) advances once per training call and never otherwise', async () => {
    const sn = spectralNormalization({ layer: tfl.layers.dense({ units: 2 }), inputShape: [4], advanceOnTrainingCall: true, warmStartIterations: 0, seed: 3 });
    const model = tfl.sequential({ layers: [sn] });
    const twin = spectralNormalization({ layer: tfl.layers.dense({ units: 2 }), inputShape: [4], warmStartIterations: 0, seed: 3 });
    tfl.sequential({ layers: [twin] });
    kernelVar(twin).write(kernelVar(sn).read());
    const x = tf.ones([1, 4]);
    tf.dispose([model.apply(x), model.predict(x), model.apply(x, { training: false })] as tf.Tensor[]);
    expect(await values(sn.u!.read())).toEqual(await values(twin.u!.read()));
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    twin.advance();
    expect(await values(sn.u!.read())).toEqual(await values(twin.u!.read()));
    x.dispose();
  });

  it('trainable: false hides the inner weights from training but keeps them saved', () => {
    const sn = spectralNormalization({ layer: tfl.layers.dense({ units: 2 }), inputShape: [3] });
    const model = tfl.sequential({ layers: [sn] });
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual([`${sn.name}/kernel`, `${sn.name}/bias`]);
    sn.trainable = false;
    expect(model.trainableWeights).toEqual([]);
    expect(sn.nonTrainableWeights.map((w) => w.originalName)).toEqual([
      `${sn.name}/kernel`,
      `${sn.name}/bias`,
      `${sn.name}/sn_u`,
      `${sn.name}/sn_v`,
    ]);
  });

  it('a non-finite kernel leaves u and v unchanged', async () => {
    const sn = spectralNormalization({ layer: tfl.layers.dense({ units: 2 }), inputShape: [3] });
    tfl.sequential({ layers: [sn] });
    const u0 = await values(sn.u!.read());
    kernelVar(sn).write(tf.fill([3, 2], NaN));
    sn.advance();
    expect(await values(sn.u!.read())).toEqual(u0);
  });

  it('the gradient penalty through an SN critic matches finite differences (second order, u frozen)', async () => {
    const model = tfl.sequential({
      layers: [
        spectralNormalization({ layer: tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', inputShape: [6, 6, 1] }), mode: 'operator', seed: 1 }),
        tfl.layers.activation({ activation: 'softplus' }),
        tfl.layers.flatten(),
        spectralNormalization({ layer: tfl.layers.dense({ units: 1, activation: 'tanh' }), seed: 2 }),
      ],
    });
    const x = randn([2, 6, 6, 1], 3);
    const gp = () => {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(model.apply(xx, { training: true }) as tf.Tensor))(x);
      return tf.sum(tf.square(g)) as tf.Scalar;
    };
    const kv = model.trainableWeights[0]!;
    const kvar = kv.read() as tf.Variable;
    const { grads, value } = tf.variableGrads(gp, [kvar]);
    const g = await values(grads[kvar.name]!);
    tf.dispose([grads, value]);
    const d = seededNormal(g.length, 9);
    const analytic = g.reduce((s, gi, i) => s + gi * d[i]!, 0);
    const raw = tf.clone(kv.read());
    const dir = tf.tensor(d, raw.shape);
    const at = async (eps: number) => {
      kv.write(tf.add(raw, tf.mul(eps, dir)));
      const l = gp();
      const out = (await l.data())[0]!;
      l.dispose();
      return out;
    };
    const fd = ((await at(1e-2)) - (await at(-1e-2))) / 2e-2;
    kv.write(raw);
    expect(Math.abs(analytic - fd)).toBeLessThan(1e-2 * (1 + Math.abs(fd)));
    tf.dispose([x, raw, dir]);
  });

  it('property: scale invariance SN(cW) = SN(W)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.constantFrom<SpectralNormMode>('reshape', 'operator'),
        async (seed, scale, mode) => {
          const make = () => {
            const layer = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed }) });
            const sn = spectralNormalization({ layer, inputShape: [4, 4, 2], seed, mode });
            tfl.sequential({ layers: [sn] });
            return sn;
          };
          const a = make();
          const b = make();
          const w = randn([3, 3, 2, 2], seed);
          kernelVar(a).write(w);
          kernelVar(b).write(tf.mul(w, scale));
          a.advance();
          b.advance();
          const wa = await values(a.normalizedKernel());
          const wb = await values(b.normalizedKernel());
          const scaleA = Math.max(...wa.map(Math.abs));
          wa.forEach((x, i) => expect(Math.abs(x - wb[i]!)).toBeLessThan(1e-4 * scaleA));
          w.dispose();
        },
      ),
      { numRuns: 20 },
    );
  });

  it('property: σ(W_SN) ≤ c + tol for random kernels, bounds and both bound modes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.constantFrom<'exact' | 'atMost'>('exact', 'atMost'),
        async (seed, rows, cols, bound, scale, boundMode) => {
          const layer = tfl.layers.dense({ units: cols, kernelInitializer: tfl.initializers.randomNormal({ stddev: scale, seed }) });
          const sn = spectralNormalization({ layer, inputShape: [rows], seed, bound, boundMode, warmStartIterations: 60 });
          tfl.sequential({ layers: [sn] });
          const wsn = await values(sn.normalizedKernel());
          const sigma = spectralNorm(fromFlat(wsn, rows, cols));
          expect(sigma).toBeLessThanOrEqual(bound * (1 + 1e-3));
          if (boundMode === 'exact') expect(sigma).toBeGreaterThanOrEqual(bound * (1 - 1e-3));
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('spectralNormalization errors', () => {
  it('names the supported layers for an unsupported one', () => {
    const flat = tfl.layers.flatten({ name: 'flat1' });
    expect(() => spectralNormalization({ layer: flat })).toThrow(
      "Error in spectralNormalization: layer must be a Dense, Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose or Embedding layer, but got a Flatten layer ('flat1').",
    );
    expect(() => new SpectralNormalization({ layer: flat })).toThrow(
      "Error in SpectralNormalization: layer must be a Dense, Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose or Embedding layer, but got a Flatten layer ('flat1').",
    );
    expect(() => spectralNormalization({ layer: 3 as unknown as tfl.layers.Layer })).toThrow(
      'Error in spectralNormalization: layer must be a tfjs-layers Dense, Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose or Embedding layer, but got 3.',
    );
  });

  it('rejects a built layer and bad options', () => {
    const built = tfl.layers.dense({ units: 2, name: 'd_built' });
    built.build([null, 3]);
    expect(() => spectralNormalization({ layer: built })).toThrow(
      "Error in spectralNormalization: layer must not be built yet, but 'd_built' already has weights.",
    );
    const fresh = () => tfl.layers.dense({ units: 2 });
    expect(() => spectralNormalization({ layer: fresh(), powerIterations: 0 })).toThrow(
      'Error in spectralNormalization: powerIterations must be an integer >= 1, but got 0.',
    );
    expect(() => spectralNormalization({ layer: fresh(), bound: -1 })).toThrow(
      'Error in spectralNormalization: bound must be a positive number, but got -1.',
    );
    expect(() => spectralNormalization({ layer: fresh(), boundMode: 'max' as 'exact' })).toThrow(
      "Error in spectralNormalization: boundMode must be one of 'exact', 'atMost', but got 'max'.",
    );
    expect(() => spectralNormalization({ layer: fresh(), mode: 'svd' as 'reshape' })).toThrow(
      "Error in spectralNormalization: mode must be one of 'reshape', 'operator', but got 'svd'.",
    );
    expect(() => spectralNormalization({ layer: fresh(), seed: 1.5 })).toThrow(
      'Error in spectralNormalization: seed must be an integer, but got 1.5.',
    );
  });

  it("mode 'operator' needs a fixed input size; methods need a built layer", () => {
    const sn = spectralNormalization({ layer: tfl.layers.conv2d({ filters: 2, kernelSize: 3 }), mode: 'operator', name: 'sn_op' });
    expect(() => sn.advance()).toThrow("Error in SpectralNormalization.advance: layer 'sn_op' is not built yet.");
    expect(() => tfl.sequential({ layers: [tfl.layers.inputLayer({ batchInputShape: [null, null, null, 3] }), sn] })).toThrow(
      "Error in SpectralNormalization: mode 'operator' needs a fixed input size, but layer 'sn_op' got input shape [null,null,null,3].",
    );
  });
});
