/**
 * One update of one player: evaluate the objective and its gradients, read their health once,
 * run the transform, guard against non-finite values, then apply. Internal to the trainer.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { failWith } from '../_internal/errors.js';
import { withTapeCleanup } from '../_internal/tape.js';
import type { Player, UpdateInfo } from './types.js';
import type { TermValue } from '../objectives/types.js';
import type { GradientInfo, GradientMap } from './transform.js';
import type { Ema } from './types.js';

/** What happens to an update whose objective or gradient is not finite. */
export type NonFiniteAction = 'throw' | 'skip';

/** The outcome of one update. */
export interface UpdateOutcome {
  readonly applied: boolean;
  /** Why the update was skipped, when it was. */
  readonly skipReason?: 'non-finite' | 'transform';
  readonly loss: number;
  readonly parts: Record<string, number>;
  readonly gradNorm: number;
  /** The transform state after this update (unchanged when the update threw). */
  readonly transformState: unknown;
}

/** Evaluates a player's objective and checks the shape of what it returns. */
export function evaluateObjective(player: Player, info: UpdateInfo): TermValue {
  const o = player.objective;
  const value = typeof o === 'function' ? o(info) : o.term.evaluate(o.context(info));
  const fn = 'Trainer.step';
  const v = value as Partial<TermValue> | undefined;
  if (v == null || !(v.total instanceof tf.Tensor) || v.total.rank !== 0) {
    failWith(fn, `the objective of player '${player.name}' must return { total: scalar, parts }, but total is ${describeTotal(v?.total)}`);
  }
  if (v.parts == null || typeof v.parts !== 'object') {
    failWith(fn, `the objective of player '${player.name}' must return { total, parts: Record<string, scalar> }, but parts is ${String(v.parts)}`);
  }
  return v as TermValue;
}

function describeTotal(t: unknown): string {
  if (t instanceof tf.Tensor) return `a rank-${t.rank} tensor of shape [${t.shape.join(',')}]`;
  return String(t);
}

interface Computed {
  grads: (tf.Tensor | null)[];
  health: tf.Tensor;
  partsVec: tf.Tensor | null;
  partNames: string[];
}

/** Objective, parts and gradients of one update, all inside tf.tidy; kept tensors returned. */
function compute(player: Player, info: UpdateInfo): Computed {
  let partsVec: tf.Tensor | null = null;
  let partNames: string[] = [];
  try {
    const out = tidy(() => {
      const { value, grads } = withTapeCleanup(() =>
        tf.engine().gradients(
          () => {
            const tv = evaluateObjective(player, info);
            partNames = Object.keys(tv.parts);
            for (const n of partNames) {
              const p = tv.parts[n];
              if (!(p instanceof tf.Tensor) || p.rank !== 0) {
                failWith('Trainer.step', `part '${n}' of the objective of player '${player.name}' must be a scalar tensor, but got ${describeTotal(p)}`);
              }
            }
            // The parts are read for logging; kept so that the gradient scope does not dispose them.
            if (partNames.length > 0) partsVec = tf.keep(tf.stack(partNames.map((n) => tv.parts[n]!)));
            return tv.total;
          },
          player.variables as unknown as tf.Tensor[],
          undefined,
          true,
        ),
      );
      // Health, read once: [total, ...parts, Σ g², Σ 0·g]. The last is 0 when every gradient
      // entry is finite and NaN otherwise (0·Inf = NaN), even when Σ g² overflows.
      const present = grads.filter((g): g is tf.Tensor => g != null);
      const pieces: tf.Tensor[] = [tf.reshape(value, [1])];
      if (partsVec) pieces.push(partsVec);
      if (present.length > 0) {
        const flat = present.length === 1 ? tf.reshape(present[0]!, [-1]) : tf.concat(present.map((g) => tf.reshape(g, [-1])));
        pieces.push(tf.reshape(tf.sum(tf.square(flat)), [1]), tf.reshape(tf.sum(tf.mul(flat, 0)), [1]));
      }
      return { grads: grads as (tf.Tensor | null)[], health: tf.concat(pieces) };
    });
    return { ...out, partsVec, partNames };
  } catch (e) {
    if (partsVec) (partsVec as tf.Tensor).dispose();
    throw e;
  }
}

/**
 * For a non-finite gradient, finds which parts of the objective produce it by differentiating
 * each part on its own (same inputs: same info, same seed). Failure path only.
 */
async function diagnoseGradient(player: Player, info: UpdateInfo, partNames: string[]): Promise<string[]> {
  if (partNames.length === 0) return [];
  const flags = tf.tidy(() => {
    const out: tf.Tensor[] = [];
    for (const name of partNames) {
      const { grads } = withTapeCleanup(() =>
        tf.engine().gradients(() => evaluateObjective(player, info).parts[name]!, player.variables as unknown as tf.Tensor[], undefined, true),
      );
      const finite = grads
        .filter((g): g is tf.Tensor => g != null)
        .map((g) => tf.cast(tf.all(tf.isFinite(g)), 'float32'));
      out.push(finite.length === 0 ? tf.ones([1]) : tf.reshape(tf.min(tf.stack(finite)), [1]));
    }
    return tf.concat(out);
  });
  try {
    const f = await flags.data();
    return partNames.filter((_, i) => f[i] !== 1);
  } finally {
    flags.dispose();
  }
}

/** `tf.tidy` for results that hold plain data next to tensors (nulls, transform state). */
function tidy<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T;
}

const fmt = (x: number) => (Number.isNaN(x) ? 'NaN' : String(x));

/** Options of one update. */
export interface UpdateOptions {
  readonly player: Player;
  readonly info: UpdateInfo;
  readonly transformState: unknown;
  readonly onNonFinite: NonFiniteAction;
  readonly ema: Ema | undefined;
}

/**
 * Runs one update. Throws (leaving weights, optimizer slots and state variables untouched) on
 * a non-finite value when `onNonFinite` is 'throw', or on an error in the objective.
 */
export async function runUpdate(o: UpdateOptions): Promise<UpdateOutcome> {
  const { player, info } = o;
  const snapshot = player.stateVariables.length > 0 ? player.stateVariables.map((v) => tf.clone(v)) : [];
  const restore = () => {
    if (snapshot.length > 0) tf.tidy(() => player.stateVariables.forEach((v, i) => v.assign(snapshot[i]!)));
  };
  let computed: Computed | undefined;
  let transformed: GradientMap | null = null;
  try {
    try {
      player.beforeUpdate?.(info);
      computed = compute(player, info);
    } catch (e) {
      restore();
      throw e;
    }
    const { grads, partNames } = computed;
    const presentIdx = grads.flatMap((g, i) => (g == null ? [] : [i]));
    if (presentIdx.length === 0) {
      restore();
      failWith(
        'Trainer.step',
        `none of the ${player.variables.length} variables of player '${player.name}' reaches its objective, so there is nothing to update. Check that the objective uses the player's variables (inside the objective function, not precomputed).`,
      );
    }
    const h = await computed.health.data();
    const loss = h[0]!;
    const parts: Record<string, number> = {};
    partNames.forEach((n, i) => (parts[n] = h[1 + i]!));
    const k = 1 + partNames.length;
    const gradNorm = Math.sqrt(h[k]!);
    const lossFinite = Number.isFinite(loss) && partNames.every((n) => Number.isFinite(parts[n]));
    const finite = lossFinite && h[k + 1] === 0;
    const gInfo: GradientInfo = { player: player.name, step: info.step, lossFinite, finite, gradNorm };

    let transformState = o.transformState;
    const rawMap: Record<string, tf.Tensor> = {};
    for (const i of presentIdx) rawMap[player.variables[i]!.name] = grads[i]!;
    if (player.transform) {
      const t = player.transform;
      const r = tidy(() => {
        const res = t.update(rawMap, o.transformState, gInfo);
        return { grads: res.grads, state: res.state };
      });
      transformed = r.grads;
      transformState = r.state;
      if (transformed === null) {
        restore();
        return { applied: false, skipReason: 'transform', loss, parts, gradNorm, transformState };
      }
    } else {
      transformed = rawMap;
    }

    if (!finite) {
      if (o.onNonFinite === 'skip') {
        restore();
        return { applied: false, skipReason: 'non-finite', loss, parts, gradNorm, transformState };
      }
      const message = lossFinite
        ? await gradientMessage(player, info, partNames, presentIdx.map((i) => [i, grads[i]!] as const))
        : lossMessage(player, loss, parts);
      restore();
      failWith(
        'Trainer.step',
        `${message} Nothing was changed: the weights, optimizer slots and state variables (e.g. spectral-norm u vectors) of '${player.name}' are as before this update. Lower the learning rate, add clipByGlobalNorm, or pass onNonFinite: 'skip' to skip such updates.`,
      );
    }

    const map = transformed;
    const list = player.variables.map((v) => ({ name: v.name, tensor: map[v.name] ?? null }));
    tf.tidy(() => player.optimizer.applyGradients(list as unknown as tf.NamedTensorMap));
    if (player.projections.length > 0) {
      tf.tidy(() => {
        for (const p of player.projections) p.apply(player.variables);
      });
    }
    o.ema?.update();
    return { applied: true, loss, parts, gradNorm, transformState };
  } finally {
    if (computed) {
      computed.health.dispose();
      computed.partsVec?.dispose();
      for (const g of computed.grads) g?.dispose();
    }
    if (transformed) for (const g of Object.values(transformed)) g.dispose();
    tf.dispose(snapshot);
  }
}

function lossMessage(player: Player, loss: number, parts: Record<string, number>): string {
  const bad = Object.entries(parts).filter(([, v]) => !Number.isFinite(v));
  const where =
    bad.length > 0
      ? `term ${bad.map(([n, v]) => `'${n}' = ${fmt(v)}`).join(', ')}`
      : `the total (= ${fmt(loss)}; every part is finite, so their sum overflowed)`;
  return `the objective of player '${player.name}' is not finite (NaN or Inf): ${where}.`;
}

async function gradientMessage(
  player: Player,
  info: UpdateInfo,
  partNames: string[],
  present: (readonly [number, tf.Tensor])[],
): Promise<string> {
  const flags = tf.tidy(() => tf.stack(present.map(([, g]) => tf.all(tf.isFinite(g)))));
  const ok = await flags.data();
  flags.dispose();
  const badVars = present.filter((_, j) => ok[j] !== 1).map(([i]) => `'${player.variables[i]!.name}'`);
  const shown = badVars.slice(0, 3).join(', ') + (badVars.length > 3 ? ` and ${badVars.length - 3} more` : '');
  let from = '';
  try {
    const badParts = await diagnoseGradient(player, info, partNames);
    if (badParts.length > 0) from = ` It comes from term ${badParts.map((n) => `'${n}'`).join(', ')}.`;
  } catch {
    // The diagnosis is best effort; the message still names the player and the variables.
  }
  return `the gradient of the objective of player '${player.name}' is not finite (NaN or Inf) for variable ${shown}, although the objective itself is finite.${from}`;
}
