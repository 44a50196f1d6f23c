import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createGanTrainer, datasetSampler, normalNoise, smoothGan } from 'smoothgan/train';
import { nonSaturatingLoss } from 'smoothgan/losses';
import { spectralNormalization } from 'smoothgan/layers';
import { createObjectiveContext } from 'smoothgan/objectives';

type Act = 'tanh' | 'relu' | 'softplus';

/** A 2-16-16-1 critic; `wrap` says which dense layers get spectral normalisation (bound c). */
function critic(activation: Act, wrap = [true, true, true], bound = 1) {
  const dense = (units: number, i: number, first: boolean) => {
    const inner = tfl.layers.dense({ units, kernelInitializer: tfl.initializers.glorotNormal({ seed: i }), ...(first && !wrap[i] ? { inputShape: [2] } : {}) });
    return wrap[i] ? spectralNormalization({ layer: inner, bound, seed: 10 + i, ...(first ? { inputShape: [2] } : {}) }) : inner;
  };
  return tfl.sequential({
    layers: [
      dense(16, 0, true),
      tfl.layers.activation({ activation }),
      dense(16, 1, false),
      tfl.layers.activation({ activation }),
      dense(1, 2, false),
    ],
  });
}

describe('smoothGan preset', () => {
  it('rejects a ReLU critic for beta1 with a clear message', async () => {
    const d = critic('relu');
    await expect(smoothGan({ loss: nonSaturatingLoss(), alpha: 1, beta1: 1, beta2: 0.5, critic: d })).rejects.toThrow(
      /^Error in smoothGan: the critic does not satisfy the smoothness conditions:\n {2}\(II\) beta1: the critic is not smooth \(.*relu is not smooth: σ′ jumps from 0 to 1 at 0.*\); use smooth activations \(softplus, tanh, sigmoid, elu with alpha 1\)\./,
    );
    d.dispose();
  });

  it('names a linear layer without spectral normalisation (condition I)', async () => {
    const d = critic('tanh', [true, false, true]);
    const p = smoothGan({ loss: nonSaturatingLoss(), alpha: 1, beta1: 10, beta2: 0.5, critic: d });
    await expect(p).rejects.toThrow(/\(I\) alpha: layer '.*dense.*' \(Dense\) is not spectrally normalised; wrap every linear map/);
    d.dispose();
  });

  it('reports bounds above alpha and beta1, and lists violations with strict: false', async () => {
    // Three wrappers with bound 2 and tanh (ℓ = 1): Lip ≤ 2·2·2 = 8, and β far above 1.
    const d = critic('tanh', [true, true, true], 2);
    const preset = await smoothGan({ loss: nonSaturatingLoss(), alpha: 1, beta1: 1, beta2: 0.5, critic: d, strict: false });
    expect(preset.violations.length).toBe(2);
    expect(preset.violations[0]).toMatch(/^\(I\) alpha: the critic's Lipschitz upper bound is 8(\.\d+)?, above alpha = 1/);
    expect(preset.violations[1]).toMatch(/^\(II\) beta1: the critic's smoothness upper bound is [\d.]+, above beta1 = 1;/);
    d.dispose();
  });

  it('accepts an SN critic with smooth activations; objective = loss + RKHS penalty; certificate L = αB + A²(β1 + β2κ1)', async () => {
    const d = critic('tanh');
    const s = 4 / (3 * Math.sqrt(3));
    const preset = await smoothGan({
      loss: nonSaturatingLoss(),
      alpha: 1,
      beta1: 2 * s,
      beta2: 0.5,
      critic: d,
      generatorConstants: { A: 2, B: 0.5 },
      penalty: { kernel: { kind: 'gaussian', bandwidth: 2 } },
    });
    expect(preset.violations).toEqual([]);
    // SN (σ = 1 per layer), 1-Lipschitz tanh: Lip ≤ 1, β ≤ s·(number of activation layers) = 2s.
    expect(preset.criticBound.lipschitz as number).toBeLessThanOrEqual(1 + 1e-3);
    expect(preset.criticBound.smoothness as number).toBeLessThanOrEqual(2 * s * (1 + 1e-3));
    // Gaussian bandwidth 2: κ1 = 1/4, penalty weight 1/(2·β2·κ1) = 4.
    expect(preset.penalty.weight).toBeCloseTo(4, 12);
    const L = 1 * 0.5 + 4 * (2 * s + 0.5 * 0.25);
    expect(preset.certificate!.L).toBeCloseTo(L, 12);
    expect(preset.stepSize).toBeCloseTo(1 / L, 12);
    expect(preset.criticTerms).toEqual([preset.penalty]);
    const value = tf.tidy(() => {
      const ctx = createObjectiveContext({
        critic: (x) => d.apply(x) as tf.Tensor,
        real: tf.tensor([[0.5, 1], [1, -1]]),
        fake: tf.tensor([[0, 0], [2, 1]]),
      });
      const v = preset.criticObjective.evaluate(ctx);
      return [v.total, ...Object.values(v.parts)];
    });
    const parts = await Promise.all(value.map((t) => t.data()));
    expect(parts[0]![0]).toBeCloseTo(parts[1]![0]! + parts[2]![0]!, 5);
    const names = tf.tidy(() =>
      Object.keys(preset.criticObjective.evaluate(createObjectiveContext({ critic: (x) => d.apply(x) as tf.Tensor, real: tf.ones([1, 2]), fake: tf.zeros([1, 2]) })).parts),
    );
    expect(names).toEqual(['non-saturating', 'rkhs-norm']);
    tf.dispose(value);
    d.dispose();
  });

  it('without generator constants there is no certificate; options are checked', async () => {
    const d = critic('softplus');
    const preset = await smoothGan({ loss: nonSaturatingLoss(), alpha: 1, beta1: 1, beta2: 1, critic: d });
    expect(preset.certificate).toBeUndefined();
    expect(preset.stepSize).toBeUndefined();
    await expect(smoothGan({ loss: nonSaturatingLoss(), alpha: 0, beta1: 1, beta2: 1, critic: d })).rejects.toThrow(
      'Error in smoothGan: options.alpha must be a positive number, but got 0.',
    );
    await expect(
      smoothGan({ loss: nonSaturatingLoss(), alpha: 1, beta1: 1, beta2: 1, critic: d, generatorConstants: { A: -1, B: 0 } }),
    ).rejects.toThrow('Error in smoothGan: options.generatorConstants.A must be a number >= 0, but got -1.');
    d.dispose();
  });

  it('trains with createGanTrainer and the certified generator step size', async () => {
    const d = critic('softplus');
    const g = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [2], kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }) })] });
    const preset = await smoothGan({ loss: nonSaturatingLoss(), alpha: 1, beta1: 1, beta2: 1, critic: d, generatorConstants: { A: 1.5, B: 0 } });
    const points = tf.tidy(() => tf.add(tf.randomNormal([32, 2], 0, 0.2, 'float32', 1), 2));
    const gan = createGanTrainer({
      generator: g,
      critic: d,
      loss: preset.loss,
      criticTerms: preset.criticTerms,
      realData: datasetSampler(points),
      noise: normalNoise([2]),
      batchSize: 8,
      optimizers: { critic: tf.train.adam(1e-2), generator: tf.train.sgd(preset.stepSize!) },
      seed: 1,
    });
    const r = await gan.trainer.fit({ steps: 5 });
    expect(Object.keys(r.lastEvent!.players.critic!.parts)).toEqual(['non-saturating', 'rkhs-norm']);
    expect(Object.keys(r.lastEvent!.metrics).length).toBe(3); // σ of the three wrappers
    gan.critic.optimizer.dispose();
    gan.generator.optimizer.dispose();
    tf.dispose(points);
    d.dispose();
    g.dispose();
  });
});
