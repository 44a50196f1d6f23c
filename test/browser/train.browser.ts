/**
 * The GAN trainer on webgl and webgpu: a few rounds of a spectrally normalised MLP GAN with an
 * R1 penalty (double backprop), EMA and samples, against the same rounds on cpu in this page;
 * no tensor survives the run once models, optimizers and trainer are disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { spectralNormalization } from 'smoothgan/layers';
import { nonSaturatingLoss } from 'smoothgan/losses';
import { r1Penalty } from 'smoothgan/regularizers';
import { createGanTrainer, datasetSampler, normalNoise } from 'smoothgan/train';
import { seededNormal } from '../helpers/tensors';
import { expectLikeCpu, FULL, read, SUBSET, TOLERANCE, type Arrays } from './_backends';

/** `rounds` rounds of a small SN GAN on a ring of 8 Gaussians; losses, σ and samples. */
async function ganRun(rounds: number, hidden: number): Promise<Arrays> {
  const init = (s: number) => tfl.initializers.glorotNormal({ seed: 100 + s });
  const generator = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: hidden, inputShape: [4], activation: 'tanh', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 2, kernelInitializer: init(2) }),
    ],
  });
  const critic = tfl.sequential({
    layers: [
      spectralNormalization({ layer: tfl.layers.dense({ units: hidden, kernelInitializer: init(3) }), inputShape: [2], seed: 1 }),
      tfl.layers.activation({ activation: 'softplus' }),
      spectralNormalization({ layer: tfl.layers.dense({ units: 1, kernelInitializer: init(4) }), seed: 2 }),
    ],
  });
  // The ring is built in JS: tf.cos on a GPU backend is only accurate to ~2e-4.
  const noise = seededNormal(512, 8, 0.05);
  const ring = Array.from({ length: 256 }, (_, i) => [2 * Math.cos((i % 8) * (Math.PI / 4)) + noise[2 * i]!, 2 * Math.sin((i % 8) * (Math.PI / 4)) + noise[2 * i + 1]!]);
  const points = tf.tensor2d(ring);
  // Adam with ε = 1e-3: with the default 1e-7, its first steps turn gradient entries that are
  // ~1e-9 on one backend and exactly 0 on the other into ±lr updates, which says nothing about
  // the backend. (tf.train.momentum would do, but its dispose() leaks its learning-rate scalar.)
  const optimizers = { critic: tf.train.adam(2e-3, 0.5, 0.9, 1e-3), generator: tf.train.adam(1e-3, 0.5, 0.9, 1e-3) };
  const gan = createGanTrainer({
    generator,
    critic,
    loss: nonSaturatingLoss(),
    criticTerms: [r1Penalty({ gamma: 1 })],
    realData: datasetSampler(points, { seed: 3 }),
    noise: normalNoise([4]),
    batchSize: 32,
    optimizers,
    seed: 5,
    ema: { decay: 0.9 },
  });
  const criticLoss: number[] = [];
  const generatorLoss: number[] = [];
  const sigmas: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const ev = await gan.trainer.step();
    criticLoss.push(ev.players.critic!.loss);
    generatorLoss.push(ev.players.generator!.loss);
    sigmas.push(...Object.keys(ev.metrics).sort().map((k) => ev.metrics[k]!));
  }
  expect(sigmas.length).toBe(2 * rounds);
  const samples = await gan.sample(16, { seed: 9 });
  const out = await read({ samples });
  gan.trainer.dispose();
  optimizers.critic.dispose();
  optimizers.generator.dispose();
  generator.dispose();
  critic.dispose();
  points.dispose();
  return { criticLoss, generatorLoss, sigmas, ...out };
}

describe.each(SUBSET)('createGanTrainer on %s', (backend) => {
  // webgpu: 2 rounds of a narrower GAN (a round costs seconds there).
  const [rounds, hidden] = backend === 'webgl' ? [5, 32] : [2, 8];
  it(`${rounds} rounds (SN critic, R1, EMA): losses, σ and samples like cpu; no tensor left behind`, async () => {
    const got = await expectLikeCpu(backend, `GAN, ${rounds} rounds`, () => ganRun(rounds, hidden), TOLERANCE[backend].afterSteps);
    for (const v of Object.values(got)) expect(Array.from(v).every(Number.isFinite)).toBe(true);
  });
});

describe.each(FULL)('trainer memory on %s', (backend) => {
  it('tensor count is flat across rounds 3..12 of a running trainer', async () => {
    // Counted while the trainer runs (models, slots and EMA alive): nothing may accumulate per round.
    await expectLikeCpu(backend, 'tensor counts during training', async () => {
      const w = tf.tidy(() => tf.variable(tf.randomNormal([2, 1], 0, 1, 'float32', 1), true, `w_${Math.random()}`));
      const g = tf.tidy(() => tf.variable(tf.randomNormal([2, 2], 0, 1, 'float32', 2), true, `g_${Math.random()}`));
      const points = tf.randomNormal([64, 2], 0, 1, 'float32', 3);
      const optimizers = { critic: tf.train.adam(1e-2), generator: tf.train.adam(1e-2) };
      const gan = createGanTrainer({
        generator: { apply: (z: tf.Tensor) => tf.matMul(z, g), variables: [g] },
        critic: { apply: (x: tf.Tensor) => tf.tanh(tf.matMul(x, w)), variables: [w] },
        loss: nonSaturatingLoss(),
        criticTerms: [r1Penalty()],
        realData: datasetSampler(points),
        noise: normalNoise([2]),
        batchSize: 16,
        optimizers,
        seed: 1,
      });
      const counts: number[] = [];
      for (let i = 0; i < 12; i++) {
        await gan.trainer.step();
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts.slice(2)).size, `tensor counts per round: ${counts.join(', ')}`).toBe(1);
      gan.trainer.dispose();
      optimizers.critic.dispose();
      optimizers.generator.dispose();
      tf.dispose([w, g, points]);
      return { growth: [counts[11]! - counts[2]!] };
    });
  });
});
