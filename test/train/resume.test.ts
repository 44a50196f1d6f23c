import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FORMAT,
  chainTransforms,
  clipByGlobalNorm,
  createEma,
  createTrainer,
  memoryIOHandler,
  skipNonFinite,
  withEmaWeights,
  type StepEvent,
} from 'smoothgan/train';
import { optimizerState, snapshot, tinyGame } from './game';

const transform = () => chainTransforms(skipNonFinite({ maxConsecutive: 3 }), clipByGlobalNorm(5));

function setup(init: number, seed = 21) {
  // β2 = 0.98: Adam's running product of β2 differs from pow(β2, t + 1) in float32 from t = 2 on, so
  // resuming must restore it (setWeights alone recomputes it with pow).
  const game = tinyGame({ init, nCritic: 2, betas: [0.5, 0.98], critic: { transform: transform() } });
  const trainer = createTrainer({
    players: [game.critic, game.generator],
    seed,
    ema: { player: 'generator', decay: 0.8, start: 1 },
  });
  return { game, trainer };
}

async function everything(game: ReturnType<typeof tinyGame>, trainer: ReturnType<typeof createTrainer>) {
  return {
    d: await snapshot(game.d),
    g: await snapshot(game.g),
    u: await snapshot([game.u]),
    ema: await snapshot(trainer.ema!.variables),
    optD: await optimizerState(game.critic.optimizer),
    optG: await optimizerState(game.generator.optimizer),
    counters: [trainer.stepCount, trainer.updates('critic'), trainer.updates('generator'), trainer.ema!.count],
    transform: trainer.transformState('critic'),
  };
}

const losses = (events: StepEvent[]) => events.map((e) => [e.step, e.players.critic!.loss, e.players.generator!.loss, e.players.critic!.gradNorm]);

describe('reproducibility', () => {
  it('the same seed gives the same trajectory, bit for bit; another seed does not', async () => {
    const a = setup(1, 5);
    const b = setup(1, 5);
    const c = setup(1, 6);
    for (let i = 0; i < 4; i++) await Promise.all([a.trainer.step(), b.trainer.step(), c.trainer.step()]);
    const [ea, eb, ec] = [await everything(a.game, a.trainer), await everything(b.game, b.trainer), await everything(c.game, c.trainer)];
    expect(ea).toEqual(eb);
    expect(ea.d).not.toEqual(ec.d);
    for (const s of [a, b, c]) {
      s.trainer.dispose();
      s.game.dispose();
    }
  });
});

describe('checkpoints', () => {
  it('resuming from step k reproduces the uninterrupted run from step k+1 on, bit for bit', async () => {
    const total = 6;
    const k = 3;
    const full = setup(1);
    const fullEvents: StepEvent[] = [];
    for (let i = 0; i < total; i++) fullEvents.push(await full.trainer.step());

    const first = setup(1);
    for (let i = 0; i < k; i++) await first.trainer.step();
    const ckpt = memoryIOHandler();
    const result = await first.trainer.save(ckpt);
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
    expect(ckpt.artifacts!.format).toBe(CHECKPOINT_FORMAT);

    // A fresh process: other initial weights, fresh optimizers without slots.
    const resumed = setup(2);
    const before = tf.memory().numTensors;
    await resumed.trainer.load(ckpt);
    // Loading replaces values; it creates Adam's 2 slots per variable (3 + 2 variables) once.
    expect(tf.memory().numTensors - before).toBe(2 * 5);
    expect(await everything(resumed.game, resumed.trainer)).toEqual(await everything(first.game, first.trainer));
    const resumedEvents: StepEvent[] = [];
    for (let i = k; i < total; i++) resumedEvents.push(await resumed.trainer.step());
    expect(losses(resumedEvents)).toEqual(losses(fullEvents.slice(k)));
    expect(await everything(resumed.game, resumed.trainer)).toEqual(await everything(full.game, full.trainer));

    // Loading into a trainer that already has slots replaces them without leaking.
    const n = tf.memory().numTensors;
    await resumed.trainer.load(ckpt);
    expect(tf.memory().numTensors).toBe(n);
    expect(resumed.trainer.stepCount).toBe(k);
    for (const s of [full, first, resumed]) {
      s.trainer.dispose();
      s.game.dispose();
    }
  });

  it('load checks the checkpoint against the trainer before changing anything', async () => {
    const a = setup(1);
    await a.trainer.step();
    const ckpt = memoryIOHandler();
    await a.trainer.save(ckpt);

    const other = tinyGame({ nCritic: 2, hidden: 3 });
    const t2 = createTrainer({ players: [other.critic, other.generator], ema: { player: 'generator' } });
    const d = await snapshot(other.d);
    const n = tf.memory().numTensors;
    await expect(t2.load(ckpt)).rejects.toThrow(
      /Error in Trainer\.load: the checkpoint does not match this trainer: variables 0 of player 'critic' \('.*'\) has shape \[2,3\], the checkpoint \[2,4\]/,
    );
    expect(await snapshot(other.d)).toEqual(d);
    expect(tf.memory().numTensors).toBe(n);

    const swapped = createTrainer({ players: [a.game.generator, a.game.critic] });
    await expect(swapped.load(ckpt)).rejects.toThrow(
      "Error in Trainer.load: the checkpoint has players ['critic', 'generator'] but this trainer has ['generator', 'critic'] (same names, same order required).",
    );
    const noEma = createTrainer({ players: [a.game.critic, a.game.generator] });
    await expect(noEma.load(ckpt)).rejects.toThrow('the checkpoint has an EMA but this trainer has none');
    await expect(noEma.load(memoryIOHandler())).rejects.toThrow(
      "Error in memoryIOHandler.load: the handler must be saved to before loading, but got 'nothing saved'.",
    );
    await expect(noEma.load(tf.io.fromMemory({ modelTopology: {}, format: 'layers-model' }))).rejects.toThrow(
      "Error in Trainer.load: the handler did not return a smoothgan trainer checkpoint (format 'smoothgan-trainer-checkpoint', version 1); got format \"layers-model\".",
    );
    a.trainer.dispose();
    a.game.dispose();
    t2.dispose();
    other.dispose();
  });
});

describe('EMA of the generator weights', () => {
  it('follows θ_EMA ← θ while count ≤ start, then θ_EMA ← β·θ_EMA + (1 − β)·θ', async () => {
    const { game, trainer } = setup(1);
    const decay = 0.8;
    const start = 1;
    let ema = (await snapshot(game.g)).map(Number);
    for (let k = 1; k <= 6; k++) {
      await trainer.step();
      const theta = await snapshot(game.g);
      ema = k <= start ? theta.slice() : ema.map((e, i) => decay * e + (1 - decay) * theta[i]!);
      const got = await snapshot(trainer.ema!.variables);
      got.forEach((x, i) => expect(Math.abs(x - ema[i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(ema[i]!))));
      expect(trainer.ema!.count).toBe(k);
    }
    trainer.dispose();
    game.dispose();
  });

  it('withEmaWeights samples with the averaged weights and restores the trained ones', async () => {
    const { game, trainer } = setup(1);
    for (let k = 0; k < 3; k++) await trainer.step();
    const trained = await snapshot(game.g);
    const avg = await snapshot(trainer.ema!.variables);
    expect(avg).not.toEqual(trained);
    const z = tf.tensor([[1, 2]]);
    const out = await withEmaWeights(trainer.ema!, async () => {
      expect(await snapshot(game.g)).toEqual(avg);
      return game.generatorFn(z);
    });
    // Oracle: the affine generator z·A + c with the averaged A, c.
    const [a00, a01, a10, a11, c0, c1] = avg;
    const want = [1 * a00! + 2 * a10! + c0!, 1 * a01! + 2 * a11! + c1!];
    const got = await out.data();
    expect(got[0]).toBeCloseTo(want[0]!, 5);
    expect(got[1]).toBeCloseTo(want[1]!, 5);
    expect(await snapshot(game.g)).toEqual(trained);
    await expect(withEmaWeights(trainer.ema!, () => Promise.reject(new Error('inner')))).rejects.toThrow('inner');
    expect(await snapshot(game.g)).toEqual(trained);
    tf.dispose([z, out]);
    trainer.dispose();
    game.dispose();
  });

  it('createEma checks its options and owns its variables', () => {
    const v = tf.variable(tf.tensor([1, 2]));
    expect(() => createEma([v], { decay: 1 })).toThrow('Error in createEma: options.decay must be a number in [0, 1), but got 1.');
    expect(() => createEma([], {})).toThrow('Error in createEma: variables must be a non-empty array of tf.Variable, but got [].');
    const n = tf.memory().numTensors;
    const e = createEma([v], { decay: 0.5 });
    expect(tf.memory().numTensors).toBe(n + 1);
    e.dispose();
    expect(tf.memory().numTensors).toBe(n);
    expect(() => e.update()).toThrow('Error in Ema.update: the EMA must be live, but got a disposed EMA.');
    v.dispose();
  });
});
