import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTrainer, createPlayer, type UpdateInfo } from 'smoothgan/train';
import { optimizerState, snapshot, tinyGame } from './game';

describe('createTrainer: one step equals a hand-written loop', () => {
  it.each(['adam', 'sgd'] as const)('%s: n_critic critic updates then one generator update, bit-identical', async (optimizer) => {
    const a = tinyGame({ optimizer, nCritic: 3, lrD: 0.05, lrG: 0.02 });
    const b = tinyGame({ optimizer, nCritic: 3, lrD: 0.05, lrG: 0.02 });
    const trainer = createTrainer({ players: [a.critic, a.generator], seed: 7 });
    for (let r = 0; r < 2; r++) await trainer.step();
    // The trainer called the objectives in this order with these infos; replay them by hand.
    expect(a.calls.map((c) => c.player)).toEqual(['critic', 'critic', 'critic', 'generator', 'critic', 'critic', 'critic', 'generator']);
    expect(a.calls.map((c) => c.info.step)).toEqual([0, 1, 2, 0, 3, 4, 5, 1]);
    expect(a.calls.map((c) => c.info.round)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(new Set(a.calls.map((c) => c.info.seed)).size).toBe(8);
    const rotate = () => tf.tidy(() => b.u.assign(tf.concat([tf.slice(b.u, [3], [1]), tf.slice(b.u, [0], [3])])));
    for (const call of a.calls) {
      const isCritic = call.player === 'critic';
      const opt = isCritic ? b.critic.optimizer : b.generator.optimizer;
      if (isCritic) rotate();
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => (isCritic ? b.criticObjective(call.info) : b.generatorObjective(call.info)).total,
          isCritic ? b.d : b.g,
        );
        opt.applyGradients(grads);
      });
    }
    expect(await snapshot(a.d)).toEqual(await snapshot(b.d));
    expect(await snapshot(a.g)).toEqual(await snapshot(b.g));
    expect(await snapshot([a.u])).toEqual(await snapshot([b.u]));
    expect(await optimizerState(a.critic.optimizer)).toEqual(await optimizerState(b.critic.optimizer));
    expect(await optimizerState(a.generator.optimizer)).toEqual(await optimizerState(b.generator.optimizer));
    expect(trainer.updates('critic')).toBe(6);
    expect(trainer.updates('generator')).toBe(2);
    expect(trainer.stepCount).toBe(2);
    a.dispose();
    b.dispose();
  });

  it('TTUR: each player moves with its own learning rate (SGD: Δθ = −lr·∇)', async () => {
    const game = tinyGame({ optimizer: 'sgd', nCritic: 1, lrD: 0.3, lrG: 0.007 });
    const trainer = createTrainer({ players: [game.critic, game.generator], seed: 3 });
    const d0 = await snapshot(game.d);
    const g0 = await snapshot(game.g);
    // Gradients at the starting point, with the seeds the trainer will use (known after the step).
    await trainer.step();
    const [cInfo, gInfo] = [game.calls[0]!.info, game.calls[1]!.info];
    const d1 = await snapshot(game.d);
    const g1 = await snapshot(game.g);
    // Recompute the critic gradient at d0 with u as it was during the update.
    const ref = tinyGame({ optimizer: 'sgd' });
    tf.tidy(() => ref.u.assign(tf.tensor([0, 1, 0, 0])));
    const gd = tf.tidy(() => tf.concat(Object.values(tf.variableGrads(() => ref.criticObjective(cInfo).total, ref.d).grads).map((t) => tf.reshape(t, [-1]))));
    const gdv = await gd.data();
    d1.forEach((x, i) => expect(x).toBeCloseTo(d0[i]! - 0.3 * gdv[i]!, 5));
    // Generator gradient at g0 against the updated critic.
    tf.tidy(() => ref.d.forEach((v, i) => v.assign(game.d[i]!)));
    const gg = tf.tidy(() => tf.concat(Object.values(tf.variableGrads(() => ref.generatorObjective(gInfo).total, ref.g).grads).map((t) => tf.reshape(t, [-1]))));
    const ggv = await gg.data();
    g1.forEach((x, i) => expect(x).toBeCloseTo(g0[i]! - 0.007 * ggv[i]!, 6));
    tf.dispose([gd, gg]);
    game.dispose();
    ref.dispose();
  });

  it('a variable that does not reach the objective gets no update and no error (Adam slots stay aligned)', async () => {
    const unused = tf.variable(tf.tensor([1, 2, 3]), true);
    const game = tinyGame({ nCritic: 1 });
    const critic = createPlayer({
      name: 'critic',
      variables: [game.d[0]!, unused, game.d[1]!, game.d[2]!],
      optimizer: tf.train.adam(0.05),
      objective: game.criticObjective,
    });
    const trainer = createTrainer({ players: [critic, game.generator], seed: 1 });
    for (let i = 0; i < 3; i++) await trainer.step();
    expect(await snapshot([unused])).toEqual([1, 2, 3]);
    // Adam keeps slots by position: the slot at position 1 must be the unused variable's (zeros, shape [3]).
    const ws = await critic.optimizer.getWeights();
    const slots = ws.slice(1);
    expect(slots.map((w) => w.tensor.shape)).toEqual([[2, 4], [3], [4], [4, 1], [2, 4], [3], [4], [4, 1]]);
    expect(Array.from(await slots[1]!.tensor.data())).toEqual([0, 0, 0]);
    tf.dispose(ws[0]!.tensor);
    critic.optimizer.dispose();
    unused.dispose();
    game.dispose();
  });

  it('throws a clear error when no variable of a player reaches its objective, changing nothing', async () => {
    const game = tinyGame();
    const lonely = tf.variable(tf.scalar(1), true);
    const p = createPlayer({
      name: 'lonely',
      variables: [lonely],
      optimizer: tf.train.sgd(0.1),
      objective: () => {
        const total = tf.scalar(2);
        return { total, parts: { constant: total } };
      },
    });
    const trainer = createTrainer({ players: [p] });
    const before = tf.memory().numTensors;
    await expect(trainer.step()).rejects.toThrow(
      "Error in Trainer.step: none of the 1 variables of player 'lonely' reaches its objective",
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(trainer.updates('lonely')).toBe(0);
    lonely.dispose();
    game.dispose();
  });

  it('the objective may be a Term plus a context factory', async () => {
    const game = tinyGame({ optimizer: 'sgd' });
    const seen: number[] = [];
    const term = {
      kind: 'term' as const,
      name: 'ns',
      evaluate(ctx: import('smoothgan/objectives').ObjectiveContext) {
        seen.push(ctx.step);
        const total = tf.mean(tf.softplus(tf.neg(ctx.criticFake()))) as tf.Scalar;
        return { total, parts: { ns: total } };
      },
    };
    const { createObjectiveContext } = await import('smoothgan/objectives');
    const generator = createPlayer({
      name: 'generator',
      variables: game.g,
      optimizer: tf.train.sgd(0.01),
      objective: {
        term,
        context: (info: UpdateInfo) => {
          const z = tf.randomNormal([4, 2], 0, 1, 'float32', info.seed);
          return createObjectiveContext({ critic: game.criticFn, real: z, fake: game.generatorFn(z), step: info.step, seed: info.seed });
        },
      },
    });
    const trainer = createTrainer({ players: [game.critic, generator], seed: 2 });
    const g0 = await snapshot(game.g);
    const ev = await trainer.step();
    await trainer.step();
    expect(seen).toEqual([0, 1]);
    expect(await snapshot(game.g)).not.toEqual(g0);
    expect(Object.keys(ev.players.generator!.parts)).toEqual(['ns']);
    game.dispose();
    generator.optimizer.dispose();
  });
});

describe('step events', () => {
  it('report losses, parts, gradient norms, counts and report-hook metrics', async () => {
    const game = tinyGame({ optimizer: 'sgd', nCritic: 2, critic: { report: async () => ({ sigma: 1.5 }) } });
    const trainer = createTrainer({ players: [game.critic, game.generator], seed: 5 });
    const ev = await trainer.step();
    expect(ev.step).toBe(1);
    expect(ev.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(ev.metrics).toEqual({ 'critic/sigma': 1.5 });
    const c = ev.players.critic!;
    expect(c.updates).toBe(2);
    expect(c.skipped).toBe(0);
    expect(Object.keys(c.parts)).toEqual(['loss', 'penalty']);
    expect(c.loss).toBeCloseTo(c.parts.loss! + c.parts.penalty!, 5);
    // The last critic update: recompute its objective and gradient norm.
    const last = game.calls.filter((x) => x.player === 'critic')[1]!;
    expect(last.info.step).toBe(1);
    expect(ev.players.generator!.updates).toBe(1);
    expect(c.gradNorm).toBeGreaterThan(0);
    game.dispose();
  });

  it('gradNorm is the global norm of the raw gradient', async () => {
    const x = tf.variable(tf.tensor([3, -4]), true);
    const y = tf.variable(tf.tensor([[1, 2], [2, 0]]), true);
    const p = createPlayer({
      name: 'quad',
      variables: [x, y],
      optimizer: tf.train.sgd(0),
      objective: () => {
        const total = tf.add(tf.mul(0.5, tf.sum(tf.square(x))), tf.mul(0.5, tf.sum(tf.square(y)))) as tf.Scalar;
        return { total, parts: {} };
      },
    });
    const ev = await createTrainer({ players: [p] }).step();
    expect(ev.players.quad!.gradNorm).toBeCloseTo(Math.sqrt(9 + 16 + 1 + 4 + 4), 5);
    expect(ev.players.quad!.loss).toBeCloseTo(0.5 * (25 + 9), 5);
    tf.dispose([x, y]);
  });
});

describe('createTrainer / createPlayer argument errors', () => {
  it('rejects bad players and options with the standard wording', () => {
    const game = tinyGame();
    expect(() => createTrainer({ players: [] })).toThrow(
      'Error in createTrainer: options.players must be a non-empty array of players, but got [].',
    );
    expect(() => createTrainer({ players: [game.critic, game.critic] })).toThrow(
      "Error in createTrainer: options.players[1].name must be unique, but got 'critic' twice.",
    );
    expect(() => createTrainer({ players: [game.critic], onNonFinite: 'ignore' as 'skip' })).toThrow(
      "Error in createTrainer: options.onNonFinite must be one of 'throw', 'skip', but got 'ignore'.",
    );
    expect(() => createTrainer({ players: [game.critic], ema: { player: 'gen' } })).toThrow(
      "Error in createTrainer: options.ema.player must be the name of a player ('critic'), but got 'gen'.",
    );
    const shared = createPlayer({ name: 'other', variables: [game.g[0]!], optimizer: game.critic.optimizer, objective: game.generatorObjective });
    expect(() => createTrainer({ players: [game.critic, shared] })).toThrow(
      "Error in createTrainer: options.players[1].optimizer must be its own optimizer, but got the optimizer of player 'critic'. tfjs optimizers keep their slots by position, so players cannot share one.",
    );
    const overlap = createPlayer({ name: 'other', variables: [game.d[0]!], optimizer: tf.train.sgd(1), objective: game.generatorObjective });
    expect(() => createTrainer({ players: [game.critic, overlap] })).toThrow(/must be disjoint from the other players, but got variable '.*' also in player 'critic'/);
    expect(() => createPlayer({ name: '', variables: game.d, optimizer: tf.train.sgd(1), objective: game.criticObjective })).toThrow(
      "Error in createPlayer: options.name must be a non-empty string, but got ''.",
    );
    expect(() => createPlayer({ name: 'x', variables: [], optimizer: tf.train.sgd(1), objective: game.criticObjective })).toThrow(
      'Error in createPlayer: options.variables must be an array of at least 1 tf.Variable, but got [].',
    );
    expect(() => createPlayer({ name: 'x', variables: game.d, optimizer: tf.train.sgd(1), objective: game.criticObjective, stepsPerRound: 0 })).toThrow(
      'Error in createPlayer: options.stepsPerRound must be an integer >= 1, but got 0.',
    );
    expect(() => createPlayer({ name: 'x', variables: game.d, optimizer: null as unknown as tf.Optimizer, objective: game.criticObjective })).toThrow(
      'Error in createPlayer: options.optimizer must be a tf.Optimizer (e.g. tf.train.adam(1e-4)), but got null.',
    );
    expect(() => createPlayer({ name: 'x', variables: game.d, optimizer: tf.train.sgd(1), objective: 3 as never })).toThrow(
      'Error in createPlayer: options.objective must be a function (info) => TermValue, or { term, context }, but got 3.',
    );
    game.dispose();
  });

  it('rejects a step while another is running, and an objective that does not return a scalar', async () => {
    const game = tinyGame();
    const trainer = createTrainer({ players: [game.critic, game.generator] });
    const first = trainer.step();
    await expect(trainer.step()).rejects.toThrow('Error in Trainer.step: another step, fit, save or load of this trainer is still running; await it first.');
    await first;
    const x = tf.variable(tf.tensor([1, 2]), true);
    const p = createPlayer({ name: 'vec', variables: [x], optimizer: tf.train.sgd(1), objective: () => ({ total: tf.mul(x, 2) as unknown as tf.Scalar, parts: {} }) });
    const before = tf.memory().numTensors;
    await expect(createTrainer({ players: [p] }).step()).rejects.toThrow(
      "Error in Trainer.step: the objective of player 'vec' must return { total: scalar, parts }, but total is a rank-1 tensor of shape [2].",
    );
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    game.dispose();
  });
});
