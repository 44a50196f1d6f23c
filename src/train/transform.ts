/**
 * Post-gradient transforms (optax style): a tiny interface with explicit state, and a
 * combinator that chains them.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { fail } from '../_internal/errors.js';

/** Gradients keyed by variable name. Variables that do not reach the objective are absent. */
export type GradientMap = Readonly<Record<string, tf.Tensor>>;

/** Facts about the raw gradients of one update, read once by the trainer before the transforms run. */
export interface GradientInfo {
  /** The updating player's name. */
  readonly player: string;
  /** The player's update index (0-based). */
  readonly step: number;
  /** True when the objective (total and every part) is finite. */
  readonly lossFinite: boolean;
  /** True when the objective and every raw gradient entry are finite. */
  readonly finite: boolean;
  /** Global Euclidean norm of the raw gradients (NaN or Infinity when not finite). */
  readonly gradNorm: number;
}

/** A transform's output: new gradients (or `null` to skip this update) and its new state. */
export interface TransformResult<S> {
  readonly grads: GradientMap | null;
  readonly state: S;
}

/**
 * A post-gradient transform with explicit state. `init` gives the initial state, which must be
 * plain JSON data (it is stored in checkpoints). `update` is called by the trainer inside
 * `tf.tidy`, once per update, after the gradients and before the optimizer step; it must not
 * dispose its input and may return the input map unchanged. Returning `grads: null` skips the
 * update: nothing changes except the transform state.
 */
export interface GradientTransform<S = unknown> {
  readonly kind: 'gradient-transform';
  readonly name: string;
  /** The initial state (plain data, checkpointed with the trainer). */
  init(): S;
  /** Maps the gradients of one update to new gradients and the next state; must not dispose its inputs. */
  update(grads: GradientMap, state: S, info: GradientInfo): TransformResult<S>;
}

/**
 * Chains transforms: the gradients go through each in order; the state is the array of the
 * members' states. When one member skips, the later members do not run and keep their state.
 *
 * @param transforms - the members, applied left to right.
 * @returns a transform named `chain(a,b,...)`.
 * @throws If a member is not a gradient transform.
 * @example
 * ```ts
 * const t = chainTransforms(skipNonFinite({ maxConsecutive: 5 }), clipByGlobalNorm(10));
 * createPlayer({ ..., transform: t });
 * ```
 */
export function chainTransforms(...transforms: GradientTransform[]): GradientTransform<unknown[]> {
  transforms.forEach((t, i) => {
    if (t === null || typeof t !== 'object' || t.kind !== 'gradient-transform') {
      fail('chainTransforms', `transforms[${i}]`, 'a gradient transform (e.g. clipByGlobalNorm(1))', t);
    }
  });
  const members = Object.freeze([...transforms]);
  return Object.freeze({
    kind: 'gradient-transform' as const,
    name: `chain(${members.map((t) => t.name).join(',')})`,
    members,
    init: () => members.map((t) => t.init()),
    update(grads: GradientMap, state: unknown[], info: GradientInfo): TransformResult<unknown[]> {
      const next = [...state];
      let current: GradientMap | null = grads;
      for (let i = 0; i < members.length && current !== null; i++) {
        const r: TransformResult<unknown> = members[i]!.update(current, state[i], info);
        next[i] = r.state;
        current = r.grads;
      }
      return { grads: current, state: next };
    },
  });
}
