import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createGanTrainer, datasetSampler, ganPlayers, memoryIOHandler, normalNoise } from 'smoothgan/train';
import { nonSaturatingLoss } from 'smoothgan/losses';
import { r1Penalty } from 'smoothgan/regularizers';
import { findSpectralNorms, spectralNormalization } from 'smoothgan/layers';
import type { ObjectiveContext, Term } from 'smoothgan/objectives';
import { optimizerState, snapshot } from './game';

/** A tiny MLP GAN on 2-D points: SN critic with tanh, dense generator; seeded initialisers. */
function models(seed: number) {
  const init = (s: number) => tfl.initializers.glorotNormal({ seed: seed * 100 + s });
  const generator = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 8, inputShape: [2], activation: 'tanh', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 2, kernelInitializer: init(2) }),
    ],
  });
  const critic = tfl.sequential({
    layers: [
      spectralNormalization({ layer: tfl.layers.dense({ units: 8, kernelInitializer: init(3) }), inputShape: [2], seed: seed + 1 }),
      tfl.layers.activation({ activation: 'tanh' }),
      spectralNormalization({ layer: tfl.layers.dense({ units: 1, kernelInitializer: init(4) }), seed: seed + 2 }),
    ],
  });
  return { generator, critic };
}

const data = () => tf.tidy(() => tf.add(tf.mul(tf.randomNormal([64, 2], 0, 1, 'float32', 5), 0.3), tf.tensor1d([1, -1])));

function makeGan(seed: number, points: tf.Tensor, extraCriticTerms: Term[] = []) {
  const nets = models(seed);
  const gan = createGanTrainer({
    ...nets,
    loss: nonSaturatingLoss(),
    criticTerms: [r1Penalty({ gamma: 1 }), ...extraCriticTerms],
    realData: datasetSampler(points, { seed: 3 }),
    noise: normalNoise([2]),
    batchSize: 16,
    criticSteps: 2,
    optimizers: { critic: tf.train.adam(4e-3, 0, 0.9), generator: tf.train.adam(1e-3, 0, 0.9) },
    seed: 12,
    ema: { decay: 0.9 },
  });
  const dispose = () => {
    gan.trainer.dispose();
    nets.generator.dispose();
    nets.critic.dispose();
    gan.critic.optimizer.dispose();
    gan.generator.optimizer.dispose();
  };
  return { gan, ...nets, dispose };
}

async function allState(g: ReturnType<typeof makeGan>) {
  return {
    critic: await snapshot([...g.gan.critic.variables, ...g.gan.critic.stateVariables]),
    generator: await snapshot(g.gan.generator.variables),
    ema: await snapshot(g.gan.trainer.ema!.variables),
    optC: await optimizerState(g.gan.critic.optimizer),
    optG: await optimizerState(g.gan.generator.optimizer),
  };
}

describe('ganPlayers / createGanTrainer', () => {
  it('advances every SN wrapper exactly once per critic update (not per critic call), and reports σ', async () => {
    const points = data();
    const g = makeGan(1, points);
    const wrappers = findSpectralNorms(g.critic);
    expect(wrappers.length).toBe(2);
    expect(g.gan.critic.stateVariables.length).toBe(4); // u, v of each wrapper
    const counts = wrappers.map(() => 0);
    wrappers.forEach((w, i) => {
      const advance = w.advance.bind(w);
      w.advance = () => {
        counts[i]! += 1;
        advance();
      };
    });
    const ev = await g.gan.trainer.step();
    await g.gan.trainer.step();
    // 2 rounds × criticSteps 2; the R1 penalty applies the critic several times per update.
    expect(counts).toEqual([4, 4]);
    expect(Object.keys(ev.metrics).sort()).toEqual(wrappers.map((w) => `critic/sigma/${w.name}`).sort());
    for (const v of Object.values(ev.metrics)) expect(v).toBeGreaterThan(0);
    expect(Object.keys(ev.players.critic!.parts)).toEqual(['non-saturating', 'r1']);
    g.dispose();
    points.dispose();
  });

  it('a rejected critic update leaves the SN vectors, weights and slots exactly as they were', async () => {
    const points = data();
    const bomb: Term = {
      kind: 'term',
      name: 'bomb',
      evaluate: (ctx: ObjectiveContext) => {
        const total = tf.mul(tf.scalar(ctx.step === 2 ? NaN : 0), tf.mean(ctx.criticFake())) as tf.Scalar;
        return { total, parts: { bomb: total } };
      },
    };
    const g = makeGan(1, points, [bomb]);
    await g.gan.trainer.step(); // critic updates 0, 1 and generator update 0
    const before = await allState(g);
    const tensors = tf.memory().numTensors;
    // The first critic update of the next round (index 2) advances u, v, then finds NaN.
    await expect(g.gan.trainer.step()).rejects.toThrow("the objective of player 'critic' is not finite (NaN or Inf): term 'bomb' = NaN.");
    expect(await allState(g)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    g.dispose();
    points.dispose();
  });

  it('resumes bit for bit from a checkpoint (weights, SN vectors, slots, EMA, data order)', async () => {
    const points = data();
    const full = makeGan(1, points);
    for (let i = 0; i < 4; i++) await full.gan.trainer.step();
    const half = makeGan(1, points);
    for (let i = 0; i < 2; i++) await half.gan.trainer.step();
    const ckpt = memoryIOHandler();
    await half.gan.trainer.save(ckpt);
    // Fresh models with other initial weights and other SN seeds.
    const resumed = makeGan(7, points);
    await resumed.gan.trainer.load(ckpt);
    expect(await allState(resumed)).toEqual(await allState(half));
    for (let i = 0; i < 2; i++) await resumed.gan.trainer.step();
    expect(await allState(resumed)).toEqual(await allState(full));
    for (const x of [full, half, resumed]) x.dispose();
    points.dispose();
  });

  it('samples from the EMA generator by default, and from the trained weights on request', async () => {
    const points = data();
    const g = makeGan(2, points);
    await g.gan.trainer.fit({ steps: 3 });
    const z = normalNoise([2])({ batchSize: 5, seed: 4, step: 0 });
    const trained = g.generator.predict(z) as tf.Tensor;
    const raw = await g.gan.sample(5, { seed: 4, ema: false });
    expect(await snapshot([raw])).toEqual(await snapshot([trained]));
    const n = tf.memory().numTensors;
    const avg = await g.gan.sample(5, { seed: 4 });
    expect(tf.memory().numTensors).toBe(n + 1);
    expect(avg.shape).toEqual([5, 2]);
    expect(await snapshot([avg])).not.toEqual(await snapshot([trained]));
    // The generator's own weights are back.
    const again = g.generator.predict(z) as tf.Tensor;
    expect(await snapshot([again])).toEqual(await snapshot([trained]));
    tf.dispose([z, trained, raw, avg, again]);
    g.dispose();
    points.dispose();
  });

  it('accepts function networks and checks its options', () => {
    const w = tf.variable(tf.tensor([[1, 0], [0, 1]]));
    const v = tf.variable(tf.tensor([[1], [1]]));
    const points = data();
    const base = {
      generator: { apply: (z: tf.Tensor) => tf.matMul(z, w), variables: [w] },
      critic: { apply: (x: tf.Tensor) => tf.matMul(x, v), variables: [v] },
      loss: nonSaturatingLoss(),
      realData: datasetSampler(points),
      noise: normalNoise([2]),
      batchSize: 4,
      optimizers: { critic: tf.train.sgd(0.1), generator: tf.train.sgd(0.1) },
    };
    const p = ganPlayers(base);
    expect(p.critic.name).toBe('critic');
    expect(p.critic.beforeUpdate).toBeUndefined();
    expect(() => ganPlayers({ ...base, critic: 5 as never })).toThrow(
      'Error in ganPlayers: options.critic must be a tfjs-layers model or { apply, variables }, but got 5.',
    );
    expect(() => ganPlayers({ ...base, batchSize: 0 })).toThrow('Error in ganPlayers: options.batchSize must be an integer >= 1, but got 0.');
    expect(() => ganPlayers({ ...base, spectralNorm: true })).toThrow(
      "Error in ganPlayers: options.spectralNorm must be false or 'auto' for this critic, but got true. The critic has no SpectralNormalization wrappers",
    );
    const unbuilt = tfl.sequential(); // no layers, hence no weights yet
    expect(() => ganPlayers({ ...base, critic: unbuilt })).toThrow(/options\.critic must be a built model, but got an unbuilt model/);
    tf.dispose([w, v, points]);
  });
});
