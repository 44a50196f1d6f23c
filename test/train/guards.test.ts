import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  chainTransforms,
  clipByGlobalNorm,
  clipWeights,
  createPlayer,
  createTrainer,
  skipNonFinite,
  type GradientTransform,
} from 'smoothgan/train';
import { optimizerState, snapshot, tinyGame, type GameOptions } from './game';

/** Weights, state variable and optimizer slots of both players. */
async function fullState(game: ReturnType<typeof tinyGame>) {
  return {
    d: await snapshot(game.d),
    g: await snapshot(game.g),
    u: await snapshot([game.u]),
    optD: await optimizerState(game.critic.optimizer),
    optG: await optimizerState(game.generator.optimizer),
  };
}

/** Runs round 0 cleanly, then round 1 whose critic update is poisoned; returns the error. */
async function poisonedRound(poison: GameOptions['poison'], onNonFinite: 'throw' | 'skip' = 'throw') {
  const game = tinyGame({ nCritic: 1, poison });
  const trainer = createTrainer({ players: [game.critic, game.generator], seed: 11, onNonFinite });
  await trainer.step();
  const before = await fullState(game);
  const tensors = tf.memory().numTensors;
  let error: Error | undefined;
  let event;
  try {
    event = await trainer.step();
  } catch (e) {
    error = e as Error;
  }
  return { game, trainer, before, tensors, error, event };
}

describe('stability guards: non-finite values are caught before any weight changes', () => {
  it.each([
    ['NaN in a loss part', { player: 'critic', atUpdate: 1, value: NaN, part: 'loss' }, "term 'loss' = NaN"],
    ['Inf in another part', { player: 'critic', atUpdate: 1, value: Infinity, part: 'penalty' }, "term 'penalty' = Infinity"],
  ] as const)('%s: throws naming the player and the term; state untouched', async (_, poison, what) => {
    const { game, trainer, before, tensors, error } = await poisonedRound(poison);
    expect(error?.message).toContain(`Error in Trainer.step: the objective of player 'critic' is not finite (NaN or Inf): ${what}.`);
    expect(error?.message).toContain('Nothing was changed');
    expect(await fullState(game)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.updates('critic')).toBe(1);
    expect(trainer.stepCount).toBe(1);
    game.dispose();
  });

  it('a finite objective with a non-finite gradient names the variable and the term it comes from', async () => {
    const { game, before, tensors, error } = await poisonedRound({ player: 'critic', atUpdate: 1, value: 0, part: 'gradient' });
    expect(error?.message).toContain(
      `Error in Trainer.step: the gradient of the objective of player 'critic' is not finite (NaN or Inf) for variable '${game.d[0]!.name}', although the objective itself is finite. It comes from term 'penalty'.`,
    );
    expect(await fullState(game)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    game.dispose();
  });

  it("onNonFinite: 'skip' skips the update, leaves the state untouched and counts it", async () => {
    const { game, trainer, before, tensors, error, event } = await poisonedRound(
      { player: 'generator', atUpdate: 1, value: NaN, part: 'loss' },
      'skip',
    );
    expect(error).toBeUndefined();
    expect(event!.players.generator).toMatchObject({ updates: 0, skipped: 1 });
    expect(Number.isNaN(event!.players.generator!.loss)).toBe(true);
    expect(event!.players.critic).toMatchObject({ updates: 1, skipped: 0 });
    const after = await fullState(game);
    expect(after.g).toEqual(before.g);
    expect(after.optG).toEqual(before.optG);
    expect(after.d).not.toEqual(before.d);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.skipped('generator')).toBe(1);
    expect(trainer.updates('generator')).toBe(1);
    // The next generator update is at index 1 again (schedules see applied updates only): it is
    // poisoned again and skipped again.
    const ev = await trainer.step();
    expect(ev.players.generator!.skipped).toBe(1);
    game.dispose();
  });

  it('an error thrown by the objective restores the state variables changed by beforeUpdate', async () => {
    const game = tinyGame({ nCritic: 1 });
    let calls = 0;
    const critic = createPlayer({
      name: 'critic',
      variables: game.d,
      optimizer: tf.train.sgd(0.1),
      stateVariables: [game.u],
      beforeUpdate: () => tf.tidy(() => game.u.assign(tf.mul(game.u, 7))),
      objective: (info) => {
        if (++calls === 2) throw new Error('boom');
        return game.criticObjective(info);
      },
    });
    const trainer = createTrainer({ players: [critic] });
    await trainer.step();
    const u = await snapshot([game.u]);
    const d = await snapshot(game.d);
    const tensors = tf.memory().numTensors;
    await expect(trainer.step()).rejects.toThrow('boom');
    expect(await snapshot([game.u])).toEqual(u);
    expect(await snapshot(game.d)).toEqual(d);
    expect(tf.memory().numTensors).toBe(tensors);
    critic.optimizer.dispose();
    game.dispose();
  });
});

/** A single-variable quadratic player: objective ½‖x‖², gradient x. */
function quadratic(values: number[], transform?: GradientTransform, lr = 1) {
  const x = tf.variable(tf.tensor(values), true);
  let scale = 1;
  const player = createPlayer({
    name: 'quad',
    variables: [x],
    optimizer: tf.train.sgd(lr),
    transform,
    objective: () => {
      const total = tf.mul(scale, tf.mul(0.5, tf.sum(tf.square(x)))) as tf.Scalar;
      return { total, parts: { quad: total } };
    },
  });
  return { x, player, setScale: (s: number) => (scale = s) };
}

describe('gradient transforms', () => {
  it('clipByGlobalNorm scales g by min(1, maxNorm/‖g‖)', async () => {
    const q = quadratic([3, -4], clipByGlobalNorm(1));
    const trainer = createTrainer({ players: [q.player] });
    await trainer.step();
    const v = await snapshot([q.x]);
    expect(v[0]).toBeCloseTo(3 - 3 / 5, 6);
    expect(v[1]).toBeCloseTo(-4 + 4 / 5, 6);
    // Below the threshold nothing changes: x ← x − x = 0 with lr 1.
    const r = quadratic([0.3, 0.4], clipByGlobalNorm(1));
    await createTrainer({ players: [r.player] }).step();
    expect(await snapshot([r.x])).toEqual([0, 0]);
    tf.dispose([q.x, r.x]);
  });

  it('clipByGlobalNorm uses the norm over all variables together', () => {
    const t = clipByGlobalNorm(5);
    const out = tf.tidy(() => {
      const r = t.update({ a: tf.tensor([6, 0]), b: tf.tensor([[0, 8]]) }, null, {} as never);
      return tf.concat([tf.reshape(r.grads!.a!, [-1]), tf.reshape(r.grads!.b!, [-1])]);
    });
    expect(Array.from(out.dataSync())).toEqual([3, 0, 0, 4]);
    out.dispose();
  });

  it('skipNonFinite skips non-finite updates, counts them, and lets one through after maxConsecutive', async () => {
    const q = quadratic([1, 2], skipNonFinite({ maxConsecutive: 2 }), 0.5);
    const trainer = createTrainer({ players: [q.player] });
    q.setScale(NaN);
    for (let i = 0; i < 2; i++) {
      const ev = await trainer.step();
      expect(ev.players.quad!.skipped).toBe(1);
    }
    expect(trainer.transformState('quad')).toEqual({ consecutive: 2, total: 2 });
    expect(await snapshot([q.x])).toEqual([1, 2]);
    // The third consecutive one reaches the guard, which throws by default.
    await expect(trainer.step()).rejects.toThrow("the objective of player 'quad' is not finite");
    expect(trainer.transformState('quad')).toEqual({ consecutive: 2, total: 2 });
    q.setScale(1);
    await trainer.step();
    expect(trainer.transformState('quad')).toEqual({ consecutive: 0, total: 2 });
    expect(await snapshot([q.x])).toEqual([0.5, 1]);
    q.x.dispose();
  });

  it('chainTransforms applies members in order and keeps their states', async () => {
    const double: GradientTransform<number> = {
      kind: 'gradient-transform',
      name: 'double',
      init: () => 0,
      update: (grads, n) => ({ grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, 2)])), state: n + 1 }),
    };
    const chain = chainTransforms(double, clipByGlobalNorm(2), double);
    expect(chain.name).toBe('chain(double,clipByGlobalNorm,double)');
    const q = quadratic([3, 4], chain, 0.1);
    const trainer = createTrainer({ players: [q.player] });
    await trainer.step();
    // g = x = [3,4] → ×2 = [6,8] → clip to norm 2 = [1.2,1.6] → ×2 = [2.4,3.2]; x ← x − 0.1·g.
    const v = await snapshot([q.x]);
    expect(v[0]).toBeCloseTo(3 - 0.24, 6);
    expect(v[1]).toBeCloseTo(4 - 0.32, 6);
    expect(trainer.transformState('quad')).toEqual([1, null, 1]);
    expect(() => chainTransforms(double, 3 as never)).toThrow(
      'Error in chainTransforms: transforms[1] must be a gradient transform (e.g. clipByGlobalNorm(1)), but got 3.',
    );
    q.x.dispose();
  });

  it('transform factories check their hyperparameters', () => {
    expect(() => clipByGlobalNorm(0)).toThrow('Error in clipByGlobalNorm: maxNorm must be a positive number, but got 0.');
    expect(() => skipNonFinite({ maxConsecutive: 1.5 })).toThrow(
      'Error in skipNonFinite: options.maxConsecutive must be an integer >= 0, but got 1.5.',
    );
    expect(() => clipWeights(-1)).toThrow('Error in clipWeights: bound must be a positive number, but got -1.');
  });
});

describe('projections', () => {
  it('clipWeights runs after the optimizer step', async () => {
    const x = tf.variable(tf.tensor([0.5, -0.05, 0.001]), true);
    const p = createPlayer({
      name: 'lin',
      variables: [x],
      optimizer: tf.train.sgd(1),
      projections: [clipWeights(0.01)],
      objective: () => {
        // Gradient [−1, 1, 0]: x ← [1.5, −1.05, 0.001], then clipped.
        const total = tf.sum(tf.mul(tf.tensor([-1, 1, 0]), x)) as tf.Scalar;
        return { total, parts: {} };
      },
    });
    await createTrainer({ players: [p] }).step();
    const v = await snapshot([x]);
    expect(v[0]).toBeCloseTo(0.01, 7);
    expect(v[1]).toBeCloseTo(-0.01, 7);
    expect(v[2]).toBeCloseTo(0.001, 7);
    x.dispose();
  });
});
