/**
 * Types of the game-generic trainer: players, their objectives, update hooks and the
 * per-step event. Nothing here is GAN-specific.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ObjectiveContext, Term, TermValue } from '../objectives/types.js';
import type { GradientTransform } from './transform.js';
import type { Projection } from './projection.js';

/** What a player's objective sees for one update. */
export interface UpdateInfo {
  /** The number of updates this player has applied so far (0-based index of this update). */
  readonly step: number;
  /** The number of completed trainer rounds. */
  readonly round: number;
  /**
   * A fresh 32-bit seed for this update, drawn from the trainer's seeded generator. Derive every
   * random draw of the update (noise, data batch, interpolation weights) from it, so that a run can
   * be replayed and resumed exactly.
   */
  readonly seed: number;
}

/** A Term evaluated in a context built by `context` for each update. */
export interface TermObjective {
  readonly term: Term;
  /**
   * Builds the context of one update. It is called inside the differentiated function, so
   * memoised critic outputs are on the tape. Tensors it creates are disposed by the trainer.
   */
  readonly context: (info: UpdateInfo) => ObjectiveContext;
}

/**
 * A player's objective, minimised by its optimizer: either a function returning a
 * {@link TermValue} (total plus named parts), or a {@link TermObjective}. It is evaluated inside
 * `tf.tidy` and differentiated with respect to the player's variables; it must be synchronous.
 */
export type PlayerObjective = ((info: UpdateInfo) => TermValue) | TermObjective;

/** A hook run once per update, before the objective is evaluated (e.g. a power-iteration step). */
export type BeforeUpdateHook = (info: UpdateInfo) => void;

/** Extra per-player numbers for the step event (e.g. σ of each spectral-norm layer). */
export type ReportHook = () => Promise<Readonly<Record<string, number>>>;

/** A player of the alternating game. Build it with {@link createPlayer}. */
export interface Player {
  readonly kind: 'player';
  /** Unique name, used in events, errors and checkpoints. */
  readonly name: string;
  /** The variables this player updates, in a fixed order. */
  readonly variables: readonly tf.Variable[];
  /** The optimizer of this player (its own learning rate gives TTUR). */
  readonly optimizer: tf.Optimizer;
  readonly objective: PlayerObjective;
  /** Updates per round (n_critic for a critic). */
  readonly stepsPerRound: number;
  /** Applied to the raw gradients, in order (see {@link chainTransforms}). */
  readonly transform: GradientTransform | undefined;
  /** Applied to the variables after each optimizer step, in order. */
  readonly projections: readonly Projection[];
  readonly beforeUpdate: BeforeUpdateHook | undefined;
  /**
   * Variables that belong to the player but are not trained by its optimizer (e.g. spectral-norm
   * u vectors, batch-norm statistics). They are saved in checkpoints, and restored exactly when an
   * update is rejected after `beforeUpdate` changed them.
   */
  readonly stateVariables: readonly tf.Variable[];
  readonly report: ReportHook | undefined;
}

/** The outcome of one player's last update in a round. */
export interface PlayerStepReport {
  /** The objective's total. */
  readonly loss: number;
  /** The objective's named parts. */
  readonly parts: Readonly<Record<string, number>>;
  /** Global Euclidean norm of the raw gradient (before transforms). */
  readonly gradNorm: number;
  /** Updates applied in this round. */
  readonly updates: number;
  /** Updates skipped in this round (non-finite values or a transform's decision). */
  readonly skipped: number;
}

/** Emitted at the end of each round. */
export interface StepEvent {
  /** The number of completed rounds, including this one (1-based). */
  readonly step: number;
  /** Wall time of this round in milliseconds (not deterministic). */
  readonly elapsedMs: number;
  /** One entry per player, by name, describing its last update of the round. */
  readonly players: Readonly<Record<string, PlayerStepReport>>;
  /** Numbers from the players' `report` hooks, keyed `<player>/<key>`. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** What a callback may return from `onStepEnd`: `'stop'` ends `fit` after this step. */
export type CallbackSignal = void | 'stop';

/** Information at the start and end of {@link Trainer.fit}. */
export interface FitInfo {
  /** Completed rounds when `fit` started. */
  readonly initialStep: number;
  /** The step count at which `fit` ends unless stopped earlier. */
  readonly finalStep: number;
  /** Completed rounds now. */
  readonly step: number;
  /** Set on `onTrainEnd`: why training ended. */
  readonly stopReason?: 'completed' | 'callback' | 'error';
}

/** Callbacks of {@link Trainer.fit}. All methods are optional and may be async. */
export interface TrainerCallback {
  readonly name?: string;
  /** Called once when `fit` starts. */
  onTrainBegin?(info: FitInfo, trainer: Trainer): void | Promise<void>;
  /** Called after every round with its event; return `'stop'` to end `fit` after this step. */
  onStepEnd?(event: StepEvent, trainer: Trainer): CallbackSignal | Promise<CallbackSignal>;
  /** Called once when `fit` ends (also after an error or an early stop; see `info.stopReason`). */
  onTrainEnd?(info: FitInfo, trainer: Trainer): void | Promise<void>;
}

/** Options of {@link Trainer.fit}. */
export interface FitOptions {
  /** Rounds to run in this call. */
  readonly steps: number;
  /** @defaultValue [] */
  readonly callbacks?: readonly TrainerCallback[];
}

/** The result of {@link Trainer.fit}. */
export interface FitResult {
  /** Completed rounds after `fit`. */
  readonly step: number;
  readonly stopReason: 'completed' | 'callback';
  /** The last step event, if any round ran. */
  readonly lastEvent: StepEvent | undefined;
}

/** The EMA of a set of variables (see {@link createEma}). */
export interface Ema {
  readonly kind: 'ema';
  readonly decay: number;
  readonly start: number;
  /** The averaged copies, one per source variable, same order. Owned by the EMA. */
  readonly variables: readonly tf.Variable[];
  /** The source variables. */
  readonly sources: readonly tf.Variable[];
  /** The number of `update` calls so far. */
  readonly count: number;
  /** One averaging step (call after each optimizer step of the sources). */
  update(): void;
  /** Copies the sources into the averages and sets `count` (used when restoring). */
  reset(count?: number): void;
  /** Sets `count` without touching values (used when restoring a checkpoint). */
  setCount(count: number): void;
  /** Disposes the averaged variables. */
  dispose(): void;
}

/** The alternating min-max trainer returned by {@link createTrainer}. */
export interface Trainer {
  readonly kind: 'trainer';
  readonly players: readonly Player[];
  readonly seed: number;
  /** Completed rounds. */
  readonly stepCount: number;
  /** The EMA, if configured. */
  readonly ema: Ema | undefined;
  /** The name of the player whose variables the EMA averages, if configured. */
  readonly emaPlayer: string | undefined;
  /** Applied updates of a player so far. */
  updates(player: string): number;
  /** Skipped updates of a player so far. */
  skipped(player: string): number;
  /** The current state of a player's gradient transform (plain data). */
  transformState(player: string): unknown;
  /** Runs one round: each player in order, `stepsPerRound` updates each. */
  step(): Promise<StepEvent>;
  /** Runs `steps` rounds with callbacks. */
  fit(options: FitOptions): Promise<FitResult>;
  /** Saves everything needed to resume through a tfjs IO handler. */
  save(handler: tf.io.IOHandler): Promise<tf.io.SaveResult>;
  /** Restores a checkpoint written by `save` (validated before anything changes). */
  load(handler: tf.io.IOHandler): Promise<void>;
  /** Disposes what the trainer owns (the EMA variables). Players and optimizers stay the caller's. */
  dispose(): void;
}
