import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  findSpectralNorms,
  readSpectralNormSigmas,
  snapshotSpectralNorms,
  spectralNormalization,
  updateSpectralNorms,
  type SpectralNormalization,
} from 'smoothgan/layers';
import { expectNoLeak, values } from '../helpers/tensors';

const sn = (units: number, name: string, extra: Record<string, unknown> = {}) =>
  spectralNormalization({ layer: tfl.layers.dense({ units }), name, seed: 1, warmStartIterations: 0, ...extra });

/** A functional critic with a nested sequential model, a shared SN layer and a TimeDistributed wrapper. */
function nestedCritic() {
  const inner = tfl.sequential({ layers: [sn(4, 'inner_a', { inputShape: [3] }), sn(3, 'inner_b')] });
  const shared = sn(3, 'shared');
  const input = tfl.input({ shape: [3] });
  const h = inner.apply(input) as tfl.SymbolicTensor;
  const a = shared.apply(h) as tfl.SymbolicTensor;
  const b = shared.apply(a) as tfl.SymbolicTensor;
  const seqIn = tfl.layers.reshape({ targetShape: [1, 3] }).apply(b) as tfl.SymbolicTensor;
  const td = tfl.layers.timeDistributed({ layer: sn(2, 'in_time') }).apply(seqIn) as tfl.SymbolicTensor;
  const out = sn(1, 'head').apply(tfl.layers.flatten().apply(td) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('findSpectralNorms / updateSpectralNorms', () => {
  it('find every wrapper once, through nested models, shared layers and tfjs wrappers', () => {
    const model = nestedCritic();
    expect(findSpectralNorms(model).map((l) => l.name)).toEqual(['inner_a', 'inner_b', 'shared', 'in_time', 'head']);
    expect(findSpectralNorms([model, model.layers[1]!]).length).toBe(5);
    expect(findSpectralNorms(tfl.layers.dense({ units: 1 }))).toEqual([]);
  });

  it('advance each built wrapper exactly once per call (shared layers included) and return the count', async () => {
    const model = nestedCritic();
    const layers = findSpectralNorms(model);
    const before = await Promise.all(layers.map((l) => values(l.u!.read())));
    const snap = snapshotSpectralNorms(model);
    // The model twice and the shared layer again: still one advance per wrapper.
    expect(updateSpectralNorms([model, model, layers[2]!])).toBe(5);
    const viaUpdate = await Promise.all(layers.map((l) => values(l.u!.read())));
    viaUpdate.forEach((u, i) => {
      if (u.length > 1) expect(u).not.toEqual(before[i]);
    });
    snap.restore();
    layers.forEach((l) => l.advance());
    const viaAdvance = await Promise.all(layers.map((l) => values(l.u!.read())));
    expect(viaUpdate).toEqual(viaAdvance);
    snap.dispose();
  });

  it('skip unbuilt wrappers (not counted)', () => {
    const lazy = sn(2, 'lazy');
    expect(updateSpectralNorms(lazy)).toBe(0);
    expect(findSpectralNorms(lazy)).toEqual([lazy]);
  });

  it('readSpectralNormSigmas reports σ = uᵀWv per built wrapper, by name', async () => {
    const model = nestedCritic();
    const report = await readSpectralNormSigmas(model);
    expect(report.map((r) => r.name)).toEqual(['inner_a', 'inner_b', 'shared', 'in_time', 'head']);
    const layers = findSpectralNorms(model) as SpectralNormalization[];
    for (let i = 0; i < layers.length; i++) {
      expect(report[i]!.sigma).toBeCloseTo(await layers[i]!.readSigma(), 6);
      expect(report[i]!.sigma).toBeGreaterThan(0);
    }
  });

  it('snapshotSpectralNorms restores u and v exactly', async () => {
    const model = nestedCritic();
    const layers = findSpectralNorms(model);
    const u0 = await Promise.all(layers.map((l) => values(l.u!.read())));
    const v0 = await Promise.all(layers.map((l) => values(l.v!.read())));
    const snap = snapshotSpectralNorms(model);
    expect(snap.count).toBe(5);
    updateSpectralNorms(model);
    updateSpectralNorms(model);
    snap.restore();
    expect(await Promise.all(layers.map((l) => values(l.u!.read())))).toEqual(u0);
    expect(await Promise.all(layers.map((l) => values(l.v!.read())))).toEqual(v0);
    snap.dispose();
    expect(() => snap.restore()).toThrow('Error in SpectralNormSnapshot.restore: the snapshot must be not disposed');
  });

  it('do not leak', async () => {
    const model = nestedCritic();
    await expectNoLeak(() => updateSpectralNorms(model));
    await expectNoLeak(() => readSpectralNormSigmas(model));
    const snap = await expectNoLeak(() => snapshotSpectralNorms(model), () => 10);
    await expectNoLeak(() => snap.restore());
    await expectNoLeak(() => snap.dispose(), () => -10);
  });

  it('reject what is not a model or a layer', () => {
    expect(() => updateSpectralNorms({} as tfl.LayersModel)).toThrow(
      'Error in updateSpectralNorms: target must be a tfjs-layers model, a layer, or an array of them, but got an object.',
    );
    expect(() => findSpectralNorms([tf.ones([1]) as unknown as tfl.LayersModel])).toThrow(
      'Error in findSpectralNorms: target[0] must be a tfjs-layers model, a layer, or an array of them, but got a float32 tensor of shape [1].',
    );
  });
});
