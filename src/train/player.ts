import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';
import { failRaw } from './failRaw.js';
import { checkInteger, checkOptions } from '../_internal/validate.js';
import type { BeforeUpdateHook, Player, PlayerObjective, ReportHook } from './types.js';
import type { GradientTransform } from './transform.js';
import type { Projection } from './projection.js';

/** Options of {@link createPlayer}. */
export interface PlayerOptions {
  /** Unique, non-empty name (e.g. `'critic'`), used in events, errors and checkpoints. */
  readonly name: string;
  /** The variables the optimizer updates, in a fixed order (at least one). */
  readonly variables: readonly tf.Variable[];
  /** The player's optimizer; a separate optimizer per player gives TTUR. */
  readonly optimizer: tf.Optimizer;
  /** The objective the player minimises (a function returning a TermValue, or `{ term, context }`). */
  readonly objective: PlayerObjective;
  /** Updates per round, e.g. n_critic = 5 for a WGAN critic. @defaultValue 1 */
  readonly stepsPerRound?: number;
  /** Post-gradient transform (chain several with `chainTransforms`). @defaultValue none */
  readonly transform?: GradientTransform;
  /** Post-update projections, in order. @defaultValue [] */
  readonly projections?: readonly Projection[];
  /** Runs once per update before the objective (e.g. `updateSpectralNorms`). @defaultValue none */
  readonly beforeUpdate?: BeforeUpdateHook;
  /** Non-trained variables owned by the player (checkpointed, restored on rejected updates). @defaultValue [] */
  readonly stateVariables?: readonly tf.Variable[];
  /** Extra numbers for the step event, read at the end of a round. @defaultValue none */
  readonly report?: ReportHook;
}

/**
 * Declares a player of an alternating game: its variables, optimizer, objective and update
 * mechanics. Nothing is trained until the player is given to {@link createTrainer}.
 *
 * @returns a frozen {@link Player}.
 * @throws If an option has the wrong type, a variable is disposed or listed twice, or
 *   `stepsPerRound` is not an integer ≥ 1.
 * @example
 * ```ts
 * const critic = createPlayer({
 *   name: 'critic', variables: criticVars, optimizer: tf.train.adam(4e-4, 0, 0.9),
 *   objective: (info) => myCriticTerm.evaluate(makeContext(info)), stepsPerRound: 5,
 * });
 * ```
 */
export function createPlayer(options: PlayerOptions): Player {
  const fn = 'createPlayer';
  const o = checkOptions(fn, 'options', options);
  if (typeof o.name !== 'string' || o.name.length === 0) fail(fn, 'options.name', 'a non-empty string', o.name);
  const variables = checkVariables(fn, 'options.variables', o.variables, 1);
  const stateVariables = checkVariables(fn, 'options.stateVariables', o.stateVariables ?? [], 0);
  for (const v of stateVariables) {
    if (variables.includes(v)) failRaw(fn, 'options.stateVariables', 'disjoint from options.variables', `'${v.name}' in both`);
  }
  const opt = o.optimizer as unknown as { applyGradients?: unknown; getWeights?: unknown } | undefined;
  if (opt == null || typeof opt.applyGradients !== 'function' || typeof opt.getWeights !== 'function') {
    fail(fn, 'options.optimizer', 'a tf.Optimizer (e.g. tf.train.adam(1e-4))', o.optimizer);
  }
  checkObjective(fn, 'options.objective', o.objective);
  const stepsPerRound = o.stepsPerRound === undefined ? 1 : checkInteger(fn, 'options.stepsPerRound', o.stepsPerRound, 1);
  if (o.transform !== undefined && (o.transform === null || o.transform.kind !== 'gradient-transform')) {
    fail(fn, 'options.transform', 'a gradient transform (e.g. clipByGlobalNorm(10))', o.transform);
  }
  const projections = o.projections ?? [];
  if (!Array.isArray(projections)) fail(fn, 'options.projections', 'an array of projections', projections);
  projections.forEach((p, i) => {
    if (p === null || typeof p !== 'object' || p.kind !== 'projection') {
      fail(fn, `options.projections[${i}]`, 'a projection (e.g. clipWeights(0.01))', p);
    }
  });
  if (o.beforeUpdate !== undefined && typeof o.beforeUpdate !== 'function') {
    fail(fn, 'options.beforeUpdate', 'a function', o.beforeUpdate);
  }
  if (o.report !== undefined && typeof o.report !== 'function') fail(fn, 'options.report', 'an async function', o.report);
  return Object.freeze({
    kind: 'player' as const,
    name: o.name,
    variables: Object.freeze([...variables]),
    optimizer: o.optimizer,
    objective: o.objective,
    stepsPerRound,
    transform: o.transform,
    projections: Object.freeze([...projections]),
    beforeUpdate: o.beforeUpdate,
    stateVariables: Object.freeze([...stateVariables]),
    report: o.report,
  });
}

function checkVariables(fn: string, arg: string, value: unknown, min: number): tf.Variable[] {
  if (!Array.isArray(value)) fail(fn, arg, 'an array of tf.Variable', value);
  if (value.length < min) fail(fn, arg, `an array of at least ${min} tf.Variable`, value);
  const seen = new Set<string>();
  value.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) fail(fn, `${arg}[${i}]`, 'a tf.Variable', v);
    if (v.isDisposed) failRaw(fn, `${arg}[${i}]`, 'a live tf.Variable', 'a disposed variable');
    if (seen.has(v.name)) failRaw(fn, `${arg}[${i}]`, 'listed once', `'${v.name}' twice`);
    seen.add(v.name);
  });
  return value as tf.Variable[];
}

function checkObjective(fn: string, arg: string, value: unknown): void {
  if (typeof value === 'function') return;
  const o = value as { term?: { kind?: unknown; evaluate?: unknown }; context?: unknown } | null;
  if (
    o !== null &&
    typeof o === 'object' &&
    o.term?.kind === 'term' &&
    typeof o.term.evaluate === 'function' &&
    typeof o.context === 'function'
  ) {
    return;
  }
  fail(fn, arg, 'a function (info) => TermValue, or { term, context }', value);
}
