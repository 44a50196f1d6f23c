/**
 * A tiny two-player game for the trainer tests: a 2-D affine generator against a tanh MLP
 * critic with the non-saturating logistic loss. Objectives are written by hand here (no other
 * family needed); every random draw comes from `info.seed`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createPlayer, type Player, type PlayerOptions, type UpdateInfo } from 'smoothgan/train';
import type { TermValue } from 'smoothgan/objectives';
import { seededNormal } from '../helpers/tensors';

export interface GameOptions {
  readonly init?: number;
  readonly batch?: number;
  readonly hidden?: number;
  readonly lrD?: number;
  readonly lrG?: number;
  readonly nCritic?: number;
  readonly optimizer?: 'adam' | 'sgd';
  /** Adam's β1, β2. @defaultValue [0.5, 0.9] */
  readonly betas?: readonly [number, number];
  readonly critic?: Partial<PlayerOptions>;
  readonly generator?: Partial<PlayerOptions>;
  /** Multiplies the critic loss by this tensor value at update `badStep` (inject NaN/Inf). */
  readonly poison?: { readonly player: 'critic' | 'generator'; readonly atUpdate: number; readonly value: number; readonly part?: 'loss' | 'penalty' | 'gradient' };
}

export interface Game {
  readonly critic: Player;
  readonly generator: Player;
  readonly d: tf.Variable[];
  readonly g: tf.Variable[];
  readonly u: tf.Variable;
  readonly calls: { player: string; info: UpdateInfo }[];
  criticFn(x: tf.Tensor): tf.Tensor;
  generatorFn(z: tf.Tensor): tf.Tensor;
  criticObjective(info: UpdateInfo): TermValue;
  generatorObjective(info: UpdateInfo): TermValue;
  dispose(): void;
}

const softplus = (x: tf.Tensor) => tf.softplus(x);

export function tinyGame(o: GameOptions = {}): Game {
  const init = o.init ?? 1;
  const batch = o.batch ?? 8;
  const h = o.hidden ?? 4;
  const v = (shape: number[], seed: number, scale: number) =>
    tf.variable(tf.tensor(seededNormal(shape.reduce((a, b) => a * b, 1), seed, scale), shape), true);
  const d = [v([2, h], init * 11, 0.5), v([h], init * 13, 0.1), v([h, 1], init * 17, 0.5)];
  const g = [v([2, 2], init * 19, 0.5), v([2], init * 23, 0.1)];
  // A state variable changed by the critic's beforeUpdate hook (stands in for an SN u vector).
  const u = tf.variable(tf.tensor([1, 0, 0, 0].slice(0, h).concat(Array(Math.max(0, h - 4)).fill(0)), [h]), false);
  const calls: { player: string; info: UpdateInfo }[] = [];
  const criticFn = (x: tf.Tensor) => tf.matMul(tf.tanh(tf.add(tf.matMul(x, d[0]!), d[1]!)), d[2]!);
  const generatorFn = (z: tf.Tensor) => tf.add(tf.matMul(z, g[0]!), g[1]!);
  const real = (seed: number) => tf.add(tf.randomNormal([batch, 2], 0, 0.5, 'float32', seed), tf.tensor1d([2, -1]));
  const noise = (seed: number) => tf.randomNormal([batch, 2], 0, 1, 'float32', seed + 1);
  const poisonAt = (player: string, info: UpdateInfo) =>
    o.poison && o.poison.player === player && o.poison.atUpdate === info.step ? o.poison : undefined;

  const criticObjective = (info: UpdateInfo): TermValue => {
    calls.push({ player: 'critic', info });
    const fake = generatorFn(noise(info.seed));
    let loss: tf.Scalar = tf.add(tf.mean(softplus(tf.neg(criticFn(real(info.seed))))), tf.mean(softplus(criticFn(fake))));
    // A small state-dependent penalty, so that the state variable matters.
    let penalty: tf.Scalar = tf.mul(1e-3, tf.sum(tf.square(tf.mul(d[1]!, u))));
    const p = poisonAt('critic', info);
    if (p?.part === 'loss') loss = tf.mul(loss, p.value);
    if (p?.part === 'penalty') penalty = tf.mul(penalty, p.value);
    if (p?.part === 'gradient') {
      // Finite value, non-finite gradient: sqrt at 0 has an infinite derivative.
      penalty = tf.add(penalty, tf.sqrt(tf.mul(0, tf.sum(d[0]!)))) as tf.Scalar;
    }
    const total = tf.add(loss, penalty) as tf.Scalar;
    return { total, parts: { loss, penalty } };
  };
  const generatorObjective = (info: UpdateInfo): TermValue => {
    calls.push({ player: 'generator', info });
    let loss: tf.Scalar = tf.mean(softplus(tf.neg(criticFn(generatorFn(noise(info.seed))))));
    const p = poisonAt('generator', info);
    if (p) loss = tf.mul(loss, p.value);
    return { total: loss, parts: { loss } };
  };
  const opt = (lr: number) => (o.optimizer === 'sgd' ? tf.train.sgd(lr) : tf.train.adam(lr, o.betas?.[0] ?? 0.5, o.betas?.[1] ?? 0.9));
  const critic = createPlayer({
    name: 'critic',
    variables: d,
    optimizer: opt(o.lrD ?? 0.04),
    objective: criticObjective,
    stepsPerRound: o.nCritic ?? 2,
    stateVariables: [u],
    // Rotates u by one position (a stand-in for one power-iteration step).
    beforeUpdate: () => tf.tidy(() => u.assign(tf.concat([tf.slice(u, [h - 1], [1]), tf.slice(u, [0], [h - 1])]))),
    ...o.critic,
  });
  const generator = createPlayer({
    name: 'generator',
    variables: g,
    optimizer: opt(o.lrG ?? 0.01),
    objective: generatorObjective,
    ...o.generator,
  });
  return {
    critic,
    generator,
    d,
    g,
    u,
    calls,
    criticFn,
    generatorFn,
    criticObjective,
    generatorObjective,
    dispose() {
      tf.dispose([...d, ...g, u]);
      critic.optimizer.dispose();
      generator.optimizer.dispose();
    },
  };
}

/** All values of a list of tensors, concatenated (async read). */
export async function snapshot(ts: readonly tf.Tensor[]): Promise<number[]> {
  const out: number[] = [];
  for (const t of ts) out.push(...(await t.data()));
  return out;
}

/** Optimizer state values (slots, iterations), disposing what getWeights created. */
export async function optimizerState(opt: tf.Optimizer): Promise<number[]> {
  const ws = await opt.getWeights();
  const out: number[] = [];
  for (const w of ws) out.push(...(await w.tensor.data()));
  tf.dispose(ws.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  return out;
}
