/**
 * The game-generic alternating min-max trainer.
 */
import { fail, failWith } from '../_internal/errors.js';
import { failRaw } from './failRaw.js';
import { checkInteger, checkOneOf, checkOptions } from '../_internal/validate.js';
import { createRng, rngFromState, type Rng } from '../_internal/rng.js';
import type * as tf from '@tensorflow/tfjs-core';
import { createEma, type EmaOptions } from './ema.js';
import { runUpdate, type NonFiniteAction, type UpdateOutcome } from './update.js';
import { readCheckpoint, writeCheckpoint, type TrainerSnapshot } from './checkpoint.js';
import type {
  Ema,
  FitInfo,
  FitOptions,
  FitResult,
  Player,
  PlayerStepReport,
  StepEvent,
  Trainer,
  TrainerCallback,
} from './types.js';

/** EMA settings of {@link createTrainer}. */
export interface TrainerEmaOptions extends EmaOptions {
  /** The player whose variables are averaged (e.g. `'generator'`). */
  readonly player: string;
}

/** Options of {@link createTrainer}. */
export interface TrainerOptions {
  /**
   * The players, in the order they update within a round (e.g. `[critic, generator]`: n_critic
   * critic updates, then one generator update). Names must be unique and variables disjoint.
   */
  readonly players: readonly Player[];
  /** The seed of every random draw of the run (each update gets a seed derived from it). @defaultValue 0 */
  readonly seed?: number;
  /** What a non-finite objective or gradient does: throw an error, or skip the update. @defaultValue 'throw' */
  readonly onNonFinite?: NonFiniteAction;
  /** EMA of one player's variables (usually the generator's). @defaultValue none */
  readonly ema?: TrainerEmaOptions;
  /** Run the players' `report` hooks every this many rounds (they may read values). @defaultValue 1 */
  readonly reportEvery?: number;
}

interface PlayerRuntime {
  updates: number;
  skipped: number;
  transformState: unknown;
}

/**
 * Creates an alternating trainer for a game of several players (two for a GAN). One round
 * (`step()`) updates each player in order, `stepsPerRound` times. An update evaluates the
 * player's objective and its gradient with respect to the player's variables only (a player
 * never moves another's weights), reads the objective, its parts and the gradient norms once
 * (one `await data()`), and only then changes anything: transform, guard, optimizer step,
 * projections, EMA. Each player's own optimizer gives TTUR (Heusel et al. 2017).
 *
 * Non-finite values: with `onNonFinite: 'throw'` (default) the step throws an error naming the
 * player and the part of the objective, and the player's weights, optimizer slots and state
 * variables are exactly as before the update; with `'skip'` the update is skipped the same way.
 *
 * If an update throws, the round stops there: updates of earlier players in that round stay
 * applied, the step count does not advance, and the seed stream is rewound to that update, so
 * a retry (e.g. after `load`) replays it.
 *
 * Reproducibility: each update receives `info.seed`, drawn from one generator seeded by `seed`;
 * with the same seed, initial weights and backend, the run is the same, and a checkpoint
 * resumes it exactly.
 *
 * @returns a {@link Trainer}; it owns only the EMA variables (`dispose()`).
 * @throws If the players are not unique, share variables, or an option is invalid.
 * @example
 * ```ts
 * const trainer = createTrainer({ players: [critic, generator], seed: 1, ema: { player: 'generator', decay: 0.999 } });
 * await trainer.fit({ steps: 1000, callbacks: [jsonLinesLogger(console.log)] });
 * ```
 */
export function createTrainer(options: TrainerOptions): Trainer {
  const fn = 'createTrainer';
  const o = checkOptions(fn, 'options', options);
  if (!Array.isArray(o.players) || o.players.length === 0) fail(fn, 'options.players', 'a non-empty array of players', o.players);
  const names = new Set<string>();
  const optimizers = new Map<tf.Optimizer, string>();
  const owners = new Map<string, string>();
  o.players.forEach((p, i) => {
    if (p === null || typeof p !== 'object' || p.kind !== 'player') fail(fn, `options.players[${i}]`, 'a player from createPlayer', p);
    if (names.has(p.name)) failRaw(fn, `options.players[${i}].name`, 'unique', `'${p.name}' twice`);
    names.add(p.name);
    const shared = optimizers.get(p.optimizer);
    if (shared !== undefined) {
      failRaw(fn, `options.players[${i}].optimizer`, 'its own optimizer', `the optimizer of player '${shared}'`, 'tfjs optimizers keep their slots by position, so players cannot share one.');
    }
    optimizers.set(p.optimizer, p.name);
    for (const v of [...p.variables, ...p.stateVariables]) {
      const other = owners.get(v.name);
      if (other !== undefined) {
        failRaw(fn, `options.players[${i}]`, 'disjoint from the other players', `variable '${v.name}' also in player '${other}'`);
      }
      owners.set(v.name, p.name);
    }
  });
  const players = Object.freeze([...o.players]);
  const seed = o.seed === undefined ? 0 : checkInteger(fn, 'options.seed', o.seed, 0);
  const onNonFinite = o.onNonFinite === undefined ? 'throw' : checkOneOf(fn, 'options.onNonFinite', o.onNonFinite, ['throw', 'skip'] as const);
  const reportEvery = o.reportEvery === undefined ? 1 : checkInteger(fn, 'options.reportEvery', o.reportEvery, 1);
  let ema: Ema | undefined;
  let emaPlayer: string | undefined;
  if (o.ema !== undefined) {
    const e = checkOptions(fn, 'options.ema', o.ema);
    const target = players.find((p) => p.name === e.player);
    if (!target) fail(fn, 'options.ema.player', `the name of a player (${[...names].map((n) => `'${n}'`).join(', ')})`, e.player);
    ema = createEma(target.variables, { decay: e.decay, start: e.start });
    emaPlayer = target.name;
  }

  let rng: Rng = createRng(seed);
  let stepCount = 0;
  let busy = false;
  let disposed = false;
  const runtime = new Map<string, PlayerRuntime>(
    players.map((p) => [p.name, { updates: 0, skipped: 0, transformState: p.transform?.init() }]),
  );
  const rt = (name: string, method: string): PlayerRuntime => {
    const r = runtime.get(name);
    if (!r) fail(`Trainer.${method}`, 'player', `the name of a player (${[...names].map((n) => `'${n}'`).join(', ')})`, name);
    return r;
  };
  const enter = (method: string) => {
    if (disposed) failWith(`Trainer.${method}`, 'the trainer was disposed');
    if (busy) failWith(`Trainer.${method}`, 'another step, fit, save or load of this trainer is still running; await it first');
    busy = true;
  };

  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

  async function step(): Promise<StepEvent> {
    enter('step');
    try {
      const t0 = now();
      const reports: Record<string, PlayerStepReport> = {};
      for (const p of players) {
        const r = runtime.get(p.name)!;
        let last: UpdateOutcome | undefined;
        let applied = 0;
        let skipped = 0;
        for (let k = 0; k < p.stepsPerRound; k++) {
          const rngState = rng.state();
          const info = Object.freeze({ step: r.updates, round: stepCount, seed: rng.int() });
          try {
            last = await runUpdate({
              player: p,
              info,
              transformState: r.transformState,
              onNonFinite,
              ema: p.name === emaPlayer ? ema : undefined,
            });
          } catch (e) {
            rng = rngFromState(rngState);
            throw e;
          }
          r.transformState = last.transformState;
          if (last.applied) {
            r.updates += 1;
            applied += 1;
          } else {
            r.skipped += 1;
            skipped += 1;
          }
        }
        reports[p.name] = Object.freeze({
          loss: last!.loss,
          parts: Object.freeze({ ...last!.parts }),
          gradNorm: last!.gradNorm,
          updates: applied,
          skipped,
        });
      }
      stepCount += 1;
      const metrics: Record<string, number> = {};
      if (stepCount % reportEvery === 0) {
        for (const p of players) {
          if (!p.report) continue;
          const values = await p.report();
          for (const k of Object.keys(values)) metrics[`${p.name}/${k}`] = values[k]!;
        }
      }
      return Object.freeze({
        step: stepCount,
        elapsedMs: now() - t0,
        players: Object.freeze(reports),
        metrics: Object.freeze(metrics),
      });
    } finally {
      busy = false;
    }
  }

  const snapshot = (): TrainerSnapshot => ({
    step: stepCount,
    seed,
    rngState: rng.state(),
    players: players.map((p) => {
      const r = runtime.get(p.name)!;
      return { player: p, updates: r.updates, skipped: r.skipped, transformState: r.transformState };
    }),
    ema: ema && emaPlayer ? { ema, player: emaPlayer } : undefined,
  });

  const trainer: Trainer = {
    kind: 'trainer',
    players,
    seed,
    get stepCount() {
      return stepCount;
    },
    ema,
    emaPlayer,
    updates: (name) => rt(name, 'updates').updates,
    skipped: (name) => rt(name, 'skipped').skipped,
    transformState: (name) => rt(name, 'transformState').transformState,
    step,
    async fit(fitOptions: FitOptions): Promise<FitResult> {
      const f = checkOptions('Trainer.fit', 'options', fitOptions);
      const steps = checkInteger('Trainer.fit', 'options.steps', f.steps, 0);
      const callbacks: readonly TrainerCallback[] = f.callbacks ?? [];
      if (!Array.isArray(callbacks)) fail('Trainer.fit', 'options.callbacks', 'an array of callbacks', callbacks);
      const initialStep = stepCount;
      const finalStep = initialStep + steps;
      const info = (stopReason?: FitInfo['stopReason']): FitInfo => ({ initialStep, finalStep, step: stepCount, stopReason });
      for (const cb of callbacks) await cb.onTrainBegin?.(info(), trainer);
      let stopReason: 'completed' | 'callback' = 'completed';
      let lastEvent: StepEvent | undefined;
      try {
        while (stepCount < finalStep) {
          lastEvent = await step();
          let stop = false;
          for (const cb of callbacks) if ((await cb.onStepEnd?.(lastEvent, trainer)) === 'stop') stop = true;
          if (stop) {
            stopReason = 'callback';
            break;
          }
        }
      } catch (e) {
        for (const cb of callbacks) {
          try {
            await cb.onTrainEnd?.(info('error'), trainer);
          } catch {
            // The training error is the one to report.
          }
        }
        throw e;
      }
      for (const cb of callbacks) await cb.onTrainEnd?.(info(stopReason), trainer);
      return Object.freeze({ step: stepCount, stopReason, lastEvent });
    },
    async save(handler: tf.io.IOHandler) {
      enter('save');
      try {
        return await writeCheckpoint(snapshot(), handler);
      } finally {
        busy = false;
      }
    },
    async load(handler: tf.io.IOHandler) {
      enter('load');
      try {
        const restored = await readCheckpoint(snapshot(), handler);
        stepCount = restored.step;
        rng = rngFromState(restored.rngState);
        for (const p of restored.players) {
          const r = runtime.get(p.name)!;
          r.updates = p.updates;
          r.skipped = p.skipped;
          r.transformState = players.find((q) => q.name === p.name)!.transform ? p.transformState : undefined;
        }
      } finally {
        busy = false;
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      ema?.dispose();
    },
  };
  return Object.freeze(trainer);
}
