/**
 * The GAN convenience: two players (critic and generator) from networks, a loss, penalty
 * terms and samplers. Everything GAN-specific lives here, outside the generic trainer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { createRng } from '../_internal/rng.js';
import { checkInteger, checkOptions } from '../_internal/validate.js';
import { findSpectralNorms, readSpectralNormSigmas, updateSpectralNorms } from '../layers/spectralNormUpdates.js';
import type { AdversarialLoss } from '../losses/types.js';
import { combine } from '../objectives/combine.js';
import { createObjectiveContext } from '../objectives/context.js';
import { lossTerm } from '../objectives/lossTerm.js';
import type { CriticFn, GeneratorFn, Term } from '../objectives/types.js';
import { withEmaWeights } from './ema.js';
import { failRaw } from './failRaw.js';
import { createPlayer } from './player.js';
import type { Projection } from './projection.js';
import type { Sampler } from './samplers.js';
import { createTrainer, type TrainerOptions } from './trainer.js';
import type { GradientTransform } from './transform.js';
import type { Player, Trainer, UpdateInfo } from './types.js';

/** A network given as a function and its variables. */
export interface GanFunctionNetwork {
  /** Maps a batch `[batch, ...]` to outputs; `training` says whether this is a training update. */
  readonly apply: (x: tf.Tensor, training: boolean) => tf.Tensor;
  /** The trained variables. */
  readonly variables: readonly tf.Variable[];
  /** Non-trained state (checkpointed, restored on rejected updates). @defaultValue [] */
  readonly stateVariables?: readonly tf.Variable[];
}

/** The parts of a tfjs-layers model the convenience uses (a `tf.LayersModel` fits). */
export interface LayersModelLike {
  /** Applies the model (tfjs-layers `apply`). */
  apply(inputs: tf.Tensor, kwargs?: { training?: boolean }): unknown;
  /** The trained weights. */
  readonly trainableWeights: readonly {
    /** The weight's current value. */
    read(): tf.Tensor;
  }[];
  /** The other weights (e.g. spectral-norm u, v; batch-norm statistics). */
  readonly nonTrainableWeights: readonly {
    /** The weight's current value. */
    read(): tf.Tensor;
  }[];
  readonly built?: boolean;
  readonly name?: string;
  /** Sequential and functional models list their layers; all must be built (weights created). */
  readonly layers?: readonly { readonly built?: boolean }[];
}

/** A generator or critic: a tfjs-layers model, or a function with its variables. */
export type GanNetwork = LayersModelLike | GanFunctionNetwork;

/** Options of {@link ganPlayers}. */
export interface GanPlayersOptions {
  readonly generator: GanNetwork;
  readonly critic: GanNetwork;
  /** The adversarial loss (from `smoothgan/losses`). */
  readonly loss: AdversarialLoss;
  /** Terms added to the critic's loss (penalties, e.g. `r1Penalty()`). @defaultValue [] */
  readonly criticTerms?: readonly Term[];
  /** Terms added to the generator's loss. @defaultValue [] */
  readonly generatorTerms?: readonly Term[];
  /** Real data batches. */
  readonly realData: Sampler;
  /** Latent noise batches (e.g. `normalNoise([64])`). */
  readonly noise: Sampler;
  readonly batchSize: number;
  /** One optimizer per player (different learning rates give TTUR). */
  readonly optimizers: { readonly critic: tf.Optimizer; readonly generator: tf.Optimizer };
  /** Critic updates per generator update (n_critic). @defaultValue 1 */
  readonly criticSteps?: number;
  readonly criticTransform?: GradientTransform;
  readonly generatorTransform?: GradientTransform;
  /** E.g. `[clipWeights(0.01)]` for the original WGAN. @defaultValue [] */
  readonly criticProjections?: readonly Projection[];
  readonly generatorProjections?: readonly Projection[];
  /**
   * Advance the critic's spectral-norm wrappers once per critic update (before its loss) and
   * report their σ in the step event as `critic/sigma/<layer>`. `'auto'`: when the critic is a
   * tfjs-layers model that contains wrappers. @defaultValue 'auto'
   */
  readonly spectralNorm?: 'auto' | boolean;
  /** Player names. @defaultValue { critic: 'critic', generator: 'generator' } */
  readonly names?: { readonly critic?: string; readonly generator?: string };
}

/** The two players, and how to apply the networks. */
export interface GanPlayers {
  readonly critic: Player;
  readonly generator: Player;
  /** The critic as a function (training flag bound). */
  readonly criticFn: (x: tf.Tensor, training?: boolean) => tf.Tensor;
  /** The generator as a function (training flag bound). */
  readonly generatorFn: (z: tf.Tensor, training?: boolean) => tf.Tensor;
  /** The objectives (Terms) the players minimise. */
  readonly criticObjective: Term;
  readonly generatorObjective: Term;
  /** The noise sampler. */
  readonly noise: Sampler;
}

interface Resolved {
  apply: (x: tf.Tensor, training: boolean) => tf.Tensor;
  variables: tf.Variable[];
  stateVariables: tf.Variable[];
  layersModel: LayersModelLike | undefined;
}

const isLayersModel = (n: unknown): n is LayersModelLike =>
  n !== null &&
  typeof n === 'object' &&
  typeof (n as LayersModelLike).apply === 'function' &&
  Array.isArray((n as LayersModelLike).trainableWeights) &&
  Array.isArray((n as LayersModelLike).nonTrainableWeights);

function resolveNetwork(fn: string, arg: string, n: unknown): Resolved {
  if (isLayersModel(n)) {
    const layers = n.layers;
    const unbuilt = Array.isArray(layers) ? layers.some((x) => x.built === false) : n.built === false;
    if (unbuilt || n.trainableWeights.length === 0) {
      failRaw(fn, arg, 'a built model', `an unbuilt model '${n.name ?? ''}'`, 'Give its first layer an inputShape, or call it once on a batch.');
    }
    const read = (ws: readonly { read(): tf.Tensor }[], what: string) =>
      ws.map((w, i) => {
        const v = w.read();
        if (!(v instanceof tf.Variable)) fail(fn, `${arg}.${what}[${i}]`, 'a weight backed by a tf.Variable', v);
        return v;
      });
    const model = n;
    return {
      apply: (x, training) => model.apply(x, { training }) as tf.Tensor,
      variables: read(n.trainableWeights, 'trainableWeights'),
      stateVariables: read(n.nonTrainableWeights, 'nonTrainableWeights'),
      layersModel: n,
    };
  }
  const f = n as Partial<GanFunctionNetwork> | null;
  if (f === null || typeof f !== 'object' || typeof f.apply !== 'function' || !Array.isArray(f.variables)) {
    fail(fn, arg, 'a tfjs-layers model or { apply, variables }', n);
  }
  const apply = f.apply;
  return { apply: (x, t) => apply(x, t), variables: [...f.variables], stateVariables: [...(f.stateVariables ?? [])], layersModel: undefined };
}

function checkTerms(fn: string, arg: string, terms: unknown): Term[] {
  if (terms === undefined) return [];
  if (!Array.isArray(terms)) fail(fn, arg, 'an array of terms', terms);
  terms.forEach((t, i) => {
    if (t === null || typeof t !== 'object' || (t as Term).kind !== 'term') fail(fn, `${arg}[${i}]`, 'an objective term', t);
  });
  return terms as Term[];
}

/** Three independent seeds for one update: real batch, noise batch, and the context. */
function seedsOf(info: UpdateInfo) {
  const rng = createRng(info.seed);
  return { real: rng.int(), noise: rng.int(), context: rng.int() };
}

/**
 * Builds the critic and generator players of a GAN. The critic minimises
 * `loss.discriminator + criticTerms` (combined with `combine`), the generator
 * `loss.generator + generatorTerms`; each update draws its own real and noise batches from
 * seeds derived from the update's seed. For a tfjs-layers critic with spectral-norm wrappers,
 * every critic update first advances the wrappers exactly once (`updateSpectralNorms`), and the
 * step event reports each wrapper's σ. The critic's non-trainable weights (u, v) are its state
 * variables, so a rejected update leaves them untouched and checkpoints include them.
 *
 * @returns the two players (give them to {@link createTrainer}, critic first) and helpers.
 * @throws If a network is neither a built tfjs-layers model nor `{ apply, variables }`, a term
 *   is not a Term, `batchSize`/`criticSteps` are not positive integers, or samplers/optimizers
 *   are missing.
 * @example
 * ```ts
 * const { critic, generator } = ganPlayers({
 *   generator: g, critic: d, loss: nonSaturatingLoss(), criticTerms: [r1Penalty({ weight: 1 })],
 *   realData: datasetSampler(points), noise: normalNoise([2]), batchSize: 64,
 *   optimizers: { critic: tf.train.adam(4e-4, 0, 0.9), generator: tf.train.adam(1e-4, 0, 0.9) },
 * });
 * const trainer = createTrainer({ players: [critic, generator], seed: 1 });
 * ```
 */
export function ganPlayers(options: GanPlayersOptions): GanPlayers {
  const fn = 'ganPlayers';
  const o = checkOptions(fn, 'options', options);
  const gen = resolveNetwork(fn, 'options.generator', o.generator);
  const crit = resolveNetwork(fn, 'options.critic', o.critic);
  const l = o.loss as Partial<AdversarialLoss> | undefined;
  if (l == null || l.kind !== 'adversarial-loss') fail(fn, 'options.loss', 'an AdversarialLoss (from smoothgan/losses)', o.loss);
  const criticTerms = checkTerms(fn, 'options.criticTerms', o.criticTerms);
  const generatorTerms = checkTerms(fn, 'options.generatorTerms', o.generatorTerms);
  if (typeof o.realData !== 'function') fail(fn, 'options.realData', 'a sampler (args) => tf.Tensor, e.g. datasetSampler(data)', o.realData);
  if (typeof o.noise !== 'function') fail(fn, 'options.noise', 'a sampler (args) => tf.Tensor, e.g. normalNoise([64])', o.noise);
  const batchSize = checkInteger(fn, 'options.batchSize', o.batchSize, 1);
  const opts = checkOptions(fn, 'options.optimizers', o.optimizers);
  const sn = o.spectralNorm ?? 'auto';
  if (sn !== 'auto' && typeof sn !== 'boolean') fail(fn, 'options.spectralNorm', "'auto', true or false", sn);
  const wrappers = crit.layersModel ? findSpectralNorms(crit.layersModel as never) : [];
  if (sn === true && wrappers.length === 0) {
    failRaw(fn, 'options.spectralNorm', 'false or \'auto\' for this critic', 'true', 'The critic has no SpectralNormalization wrappers (it must be a tfjs-layers model that contains them).');
  }
  const useSn = sn !== false && wrappers.length > 0;
  const names = checkOptions(fn, 'options.names', o.names);
  const criticName = names.critic ?? 'critic';
  const generatorName = names.generator ?? 'generator';

  const criticFn = (x: tf.Tensor, training = true) => crit.apply(x, training);
  const generatorFn = (z: tf.Tensor, training = true) => gen.apply(z, training);
  const criticObjective = criticTerms.length > 0 ? combine(lossTerm(o.loss, 'discriminator'), ...criticTerms) : lossTerm(o.loss, 'discriminator');
  const generatorObjective =
    generatorTerms.length > 0 ? combine(lossTerm(o.loss, 'generator'), ...generatorTerms) : lossTerm(o.loss, 'generator');
  const realData = o.realData;
  const noise = o.noise;

  const context = (info: UpdateInfo) => {
    const s = seedsOf(info);
    const real = realData({ batchSize, seed: s.real, step: info.step });
    const z = noise({ batchSize, seed: s.noise, step: info.step });
    const fake = generatorFn(z, true);
    return createObjectiveContext({
      critic: ((x: tf.Tensor) => criticFn(x, true)) as CriticFn,
      real,
      fake,
      generator: ((zz: tf.Tensor) => generatorFn(zz, true)) as GeneratorFn,
      noise: z,
      step: info.step,
      training: true,
      seed: s.context,
    });
  };
  const snTarget = crit.layersModel as never;
  const critic = createPlayer({
    name: criticName,
    variables: crit.variables,
    stateVariables: crit.stateVariables,
    optimizer: opts.critic,
    objective: { term: criticObjective, context },
    stepsPerRound: o.criticSteps === undefined ? 1 : checkInteger(fn, 'options.criticSteps', o.criticSteps, 1),
    transform: o.criticTransform,
    projections: o.criticProjections,
    beforeUpdate: useSn ? () => void updateSpectralNorms(snTarget) : undefined,
    report: useSn
      ? async () => Object.fromEntries((await readSpectralNormSigmas(snTarget)).map((s) => [`sigma/${s.name}`, s.sigma]))
      : undefined,
  });
  const generator = createPlayer({
    name: generatorName,
    variables: gen.variables,
    stateVariables: gen.stateVariables,
    optimizer: opts.generator,
    objective: { term: generatorObjective, context },
    transform: o.generatorTransform,
    projections: o.generatorProjections,
  });
  return Object.freeze({ critic, generator, criticFn, generatorFn, criticObjective, generatorObjective, noise });
}

/** Options of {@link createGanTrainer}: the players' options plus the trainer's. */
export interface GanTrainerOptions extends GanPlayersOptions, Omit<TrainerOptions, 'players' | 'ema'> {
  /** EMA of the generator's weights. @defaultValue none */
  readonly ema?: { readonly decay?: number; readonly start?: number };
}

/** Options of {@link GanTrainer.sample}. */
export interface GanSampleOptions {
  /** Seed of the noise. @defaultValue 0 */
  readonly seed?: number;
  /** Sample with the EMA weights (when the trainer has an EMA). @defaultValue true */
  readonly ema?: boolean;
}

/** A trainer for a GAN, with its players and a sampler of generated data. */
export interface GanTrainer extends GanPlayers {
  readonly trainer: Trainer;
  /**
   * `count` generated samples (generator applied with `training: false`), from the EMA weights
   * when available. The caller owns the returned tensor.
   */
  sample(count: number, options?: GanSampleOptions): Promise<tf.Tensor>;
}

/**
 * {@link ganPlayers} plus {@link createTrainer} (critic first, then generator; EMA on the
 * generator when `ema` is given) and a `sample` helper.
 *
 * @throws As {@link ganPlayers} and {@link createTrainer}.
 * @example
 * ```ts
 * const gan = createGanTrainer({ ...playersOptions, seed: 1, ema: { decay: 0.999 } });
 * await gan.trainer.fit({ steps: 2000 });
 * const samples = await gan.sample(512);
 * ```
 */
export function createGanTrainer(options: GanTrainerOptions): GanTrainer {
  const o = checkOptions('createGanTrainer', 'options', options);
  const players = ganPlayers(o);
  const trainer = createTrainer({
    players: [players.critic, players.generator],
    seed: o.seed,
    onNonFinite: o.onNonFinite,
    reportEvery: o.reportEvery,
    ema: o.ema ? { player: players.generator.name, decay: o.ema.decay, start: o.ema.start } : undefined,
  });
  const sample = async (count: number, sampleOptions: GanSampleOptions = {}): Promise<tf.Tensor> => {
    const n = checkInteger('GanTrainer.sample', 'count', count, 1);
    const so = checkOptions('GanTrainer.sample', 'options', sampleOptions);
    const seed = so.seed === undefined ? 0 : checkInteger('GanTrainer.sample', 'options.seed', so.seed, 0);
    const run = () => tf.tidy(() => players.generatorFn(players.noise({ batchSize: n, seed, step: 0 }), false));
    return (so.ema ?? true) && trainer.ema ? withEmaWeights(trainer.ema, run) : run();
  };
  return Object.freeze({ ...players, trainer, sample });
}
