/**
 * Model-level handling of spectral-norm wrappers: find them, advance them once per
 * discriminator update, read their σ for logging, snapshot and restore their state.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fail } from '../_internal/errors.js';
import { SpectralNormalization } from './spectralNormalization.js';

/** What the model-level functions accept: a model, a layer, or a list of them. */
export type SpectralNormTarget = tfl.LayersModel | tfl.layers.Layer | readonly SpectralNormTarget[];

function collect(fn: string, target: unknown, out: Set<SpectralNormalization>, seen: Set<unknown>, path: string): void {
  if (seen.has(target)) return;
  if (Array.isArray(target)) {
    seen.add(target);
    target.forEach((t, i) => collect(fn, t, out, seen, `${path}[${i}]`));
    return;
  }
  if (target instanceof SpectralNormalization) {
    seen.add(target);
    out.add(target);
    return;
  }
  if (!(target instanceof tfl.layers.Layer)) {
    fail(fn, path, 'a tfjs-layers model, a layer, or an array of them', target);
  }
  seen.add(target);
  const t = target as unknown as Record<string, unknown>;
  // Models (and nested models) list their layers; tfjs wrappers (TimeDistributed,
  // Bidirectional) hold theirs in `layer` / `forwardLayer` / `backwardLayer`.
  if (Array.isArray(t.layers)) (t.layers as unknown[]).forEach((l, i) => collect(fn, l, out, seen, `${path}.layers[${i}]`));
  for (const key of ['layer', 'forwardLayer', 'backwardLayer']) {
    if (t[key] instanceof tfl.layers.Layer) collect(fn, t[key], out, seen, `${path}.${key}`);
  }
}

/**
 * Every {@link SpectralNormalization} wrapper in a model, a layer or a list of them, searched
 * recursively through nested models and tfjs wrapper layers; each wrapper once, in model order.
 *
 * @param target - a `tfl.LayersModel`/`Sequential`, a layer, or an array of these.
 * @returns the wrappers (possibly none).
 * @throws `Error in findSpectralNorms: target must be a tfjs-layers model, a layer, or an array of them, …`
 * @example
 * ```ts
 * findSpectralNorms(critic).map((l) => l.name); // ['spectral_normalization_1', ...]
 * ```
 */
export function findSpectralNorms(target: SpectralNormTarget): SpectralNormalization[] {
  const out = new Set<SpectralNormalization>();
  collect('findSpectralNorms', target, out, new Set(), 'target');
  return [...out];
}

/**
 * Advances every built spectral-norm wrapper in `target` by exactly one update (its
 * `powerIterations` steps, see {@link SpectralNormalization.advance}).
 *
 * This is the only thing that moves u (unless a wrapper opted into `advanceOnTrainingCall`).
 * Call it once per discriminator update, **before** computing that update's loss, however many
 * times the loss applies the critic (a gradient penalty applies it 3+ times). Not inside a
 * gradient: it writes weights. Wrappers that are not built yet are skipped (they are warm-started
 * when they are built) and not counted. A wrapper reachable twice advances once.
 *
 * @param target - a model, a layer, or an array of them.
 * @returns how many wrappers were advanced.
 * @throws as {@link findSpectralNorms}.
 * @example
 * ```ts
 * for (let step = 0; step < steps; step++) {
 *   updateSpectralNorms(critic); // 1 per discriminator update
 *   optimizer.minimize(() => criticLoss(critic.apply(real, { training: true }), ...));
 * }
 * ```
 */
export function updateSpectralNorms(target: SpectralNormTarget): number {
  const out = new Set<SpectralNormalization>();
  collect('updateSpectralNorms', target, out, new Set(), 'target');
  let n = 0;
  for (const layer of out) {
    if (!layer.built) continue;
    layer.advance();
    n++;
  }
  return n;
}

/**
 * The σ estimate of every built spectral-norm wrapper (the number its forward pass divides by),
 * for logging.
 *
 * @param target - a model, a layer, or an array of them.
 * @returns `[{ name, sigma }]` in model order; unbuilt wrappers are left out.
 * @throws as {@link findSpectralNorms}.
 * @example
 * ```ts
 * await readSpectralNormSigmas(critic); // [{ name: 'sn_conv1', sigma: 3.1 }, ...]
 * ```
 */
export async function readSpectralNormSigmas(target: SpectralNormTarget): Promise<Array<{ name: string; sigma: number }>> {
  const out = new Set<SpectralNormalization>();
  collect('readSpectralNormSigmas', target, out, new Set(), 'target');
  const built = [...out].filter((l) => l.built);
  const sigmas = built.map((l) => l.sigma());
  try {
    const values = await Promise.all(sigmas.map((s) => s.data()));
    return built.map((l, i) => ({ name: l.name, sigma: values[i]![0]! }));
  } finally {
    sigmas.forEach((s) => s.dispose());
  }
}

/** A copy of the spectral-norm state (u, v) of some wrappers; see {@link snapshotSpectralNorms}. */
export interface SpectralNormSnapshot {
  readonly kind: 'spectralNormSnapshot';
  /** How many wrappers it covers. */
  readonly count: number;
  /** Writes the saved u, v back (the snapshot stays usable until disposed). */
  restore(): void;
  /** Frees the copies. */
  dispose(): void;
}

/**
 * Copies u and v of every built wrapper so that a failed step can be undone: a trainer that
 * advances the wrappers and then finds a non-finite loss calls `restore()`, leaving the
 * power-iteration state exactly as before the step.
 *
 * @param target - a model, a layer, or an array of them.
 * @returns a frozen snapshot holding 2 tensors per wrapper; call `dispose()` when done.
 * @throws as {@link findSpectralNorms}.
 * @example
 * ```ts
 * const snap = snapshotSpectralNorms(critic);
 * updateSpectralNorms(critic);
 * if (!Number.isFinite(loss)) snap.restore();
 * snap.dispose();
 * ```
 */
export function snapshotSpectralNorms(target: SpectralNormTarget): SpectralNormSnapshot {
  const out = new Set<SpectralNormalization>();
  collect('snapshotSpectralNorms', target, out, new Set(), 'target');
  const saved = [...out]
    .filter((l) => l.built)
    .map((l) => ({ layer: l, u: tf.clone(l.u!.read()), v: tf.clone(l.v!.read()) }));
  let disposed = false;
  return Object.freeze({
    kind: 'spectralNormSnapshot' as const,
    count: saved.length,
    restore() {
      if (disposed) fail('SpectralNormSnapshot.restore', 'the snapshot', 'not disposed', 'a disposed snapshot');
      tf.tidy(() => {
        for (const s of saved) {
          s.layer.u!.write(tf.clone(s.u));
          s.layer.v!.write(tf.clone(s.v));
        }
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const s of saved) {
        s.u.dispose();
        s.v.dispose();
      }
    },
  });
}
