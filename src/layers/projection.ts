/**
 * The Keras/TF-Addons-style spectral *projection*: after the optimizer step, rescale the raw
 * weight in place so that its σ is at most c. No gradient flows through σ here (it is not a
 * reparametrisation); for that, wrap the layer with {@link spectralNormalization}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail, failWith } from '../_internal/errors.js';
import { checkFloatTensor, checkInteger, checkOneOf, checkOptions, checkPositive } from '../_internal/validate.js';
import { pair, seededStandardNormal } from './_math.js';
import { operatorMap, reshapeMap, type ConvGeometry, type SpectralMap } from './_spectralMaps.js';
import type { ConvPadding } from './linearOperators.js';
import { checkKernel, checkLayout, type KernelLayout } from './reshapedKernel.js';

/** Convolution geometry for operator-norm projection (Gouk et al. 2021). */
export interface ProjectionOperatorGeometry {
  /** Per-example input shape, channels last: `[h, w, c]`, or `[w, c]` for conv1d. */
  readonly inputShape: readonly number[];
  /** @defaultValue 1 */
  readonly strides?: number | readonly number[];
  /** @defaultValue 'valid' */
  readonly padding?: ConvPadding;
  /** @defaultValue 1 */
  readonly dilations?: number | readonly number[];
}

/** Options of {@link projectSpectralNorm}. */
export interface ProjectSpectralNormOptions {
  /** Layout of the weight. @defaultValue by rank: 2 → 'dense', 3 → 'conv1d', 4 → 'conv2d' */
  readonly layout?: KernelLayout;
  /** Persistent u from the previous call (warm start). @defaultValue a N(0, I) draw from `seed` */
  readonly u?: tf.Tensor;
  /** The bound c. @defaultValue 1 */
  readonly bound?: number;
  /** Power-iteration steps. @defaultValue 1 */
  readonly iterations?: number;
  /** Normalisation floor. @defaultValue 1e-12 */
  readonly eps?: number;
  /** Seed of u when none is given. @defaultValue 0 */
  readonly seed?: number;
  /** Project by the conv layer's true operator norm instead of the reshaped kernel's σ. */
  readonly operator?: ProjectionOperatorGeometry;
}

/** Result of {@link projectSpectralNorm}: new tensors the caller owns. */
export interface ProjectSpectralNormResult {
  /** W / max(1, σ/c), same shape as the input weight. */
  readonly weight: tf.Tensor;
  /** The advanced u (feed back next time). */
  readonly u: tf.Tensor;
  /** The matching v. */
  readonly v: tf.Tensor;
  /** σ of the weight before projection (estimate). */
  readonly sigma: tf.Scalar;
}

interface CheckedProjection {
  layout: KernelLayout;
  bound: number;
  iterations: number;
  eps: number;
  seed: number;
  geometry?: ConvGeometry;
}

function defaultLayout(rank: number): KernelLayout | undefined {
  return rank === 2 ? 'dense' : rank === 3 ? 'conv1d' : rank === 4 ? 'conv2d' : undefined;
}

function checkGeometry(fn: string, arg: string, g: unknown, layout: KernelLayout): ConvGeometry | undefined {
  if (g === undefined) return undefined;
  const o = checkOptions(fn, arg, g as ProjectionOperatorGeometry);
  if (!Array.isArray(o.inputShape)) fail(fn, `${arg}.inputShape`, 'an array of positive integers', o.inputShape);
  const rank = layout === 'conv1d' ? 1 : 2;
  return {
    inputShape: o.inputShape,
    strides: pair(o.strides as number | number[] | undefined, 1).slice(0, rank),
    padding: checkOneOf(fn, `${arg}.padding`, o.padding ?? 'valid', ['valid', 'same'] as const),
    dilations: pair(o.dilations as number | number[] | undefined, 1).slice(0, rank),
  };
}

function checkProjection(
  fn: string,
  weight: tf.Tensor,
  o: Omit<ProjectSpectralNormOptions, 'u'>,
  arg = 'options',
): CheckedProjection {
  const layout = o.layout === undefined ? defaultLayout(weight.rank) : checkLayout(fn, `${arg}.layout`, o.layout);
  if (layout === undefined) fail(fn, 'weight', 'a tensor of rank 2, 3 or 4 (or give options.layout)', weight);
  checkKernel(fn, 'weight', weight, layout);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail(fn, `${arg}.seed`, 'an integer', seed);
  return {
    layout,
    bound: checkPositive(fn, `${arg}.bound`, o.bound ?? 1),
    iterations: checkInteger(fn, `${arg}.iterations`, o.iterations ?? 1, 1),
    eps: checkPositive(fn, `${arg}.eps`, o.eps ?? 1e-12),
    seed,
    geometry: checkGeometry(fn, `${arg}.operator`, o.operator, layout),
  };
}

function mapFor(fn: string, weight: tf.Tensor, c: CheckedProjection): SpectralMap {
  if (c.geometry === undefined) return reshapeMap(c.layout, weight.shape);
  if (c.layout === 'dense' || c.layout === 'embedding') {
    failWith(fn, `options.operator applies to convolution layouts, but got layout '${c.layout}' (for a matrix both norms agree)`);
  }
  return operatorMap(c.layout, weight, c.geometry);
}

/**
 * One step of the spectral projection, as a pure function: advance u by power iteration, then
 * W' = W / max(1, σ/c). Weights with σ ≤ c are returned unchanged; larger ones are scaled onto
 * σ = c. σ is a power-iteration estimate (from below), so σ(W') can exceed c slightly until u
 * has converged.
 *
 * This is the projection Keras' and TF-Addons' `SpectralNormalization` effectively perform in
 * place (they always divide by σ), and Gouk et al.'s (2021) projection with
 * `options.operator`. No gradient flows through σ: apply it **after** the optimizer step to
 * variables that are not wrapped in layers.
 *
 * @param weight - float32 weight in `options.layout`; not disposed.
 * @param options - see {@link ProjectSpectralNormOptions}.
 * @returns `{ weight, u, v, sigma }`, new tensors the caller owns.
 * @throws `Error in projectSpectralNorm: …` for a bad layout/rank, bound, iterations, eps, seed,
 *   a `u` of the wrong size, or an `operator` geometry that does not fit the kernel.
 * @example
 * ```ts
 * let u: tf.Tensor | undefined;
 * // after each optimizer step:
 * const r = projectSpectralNorm(w, { u, bound: 1 });
 * w.assign(r.weight); u?.dispose(); u = r.u; r.weight.dispose(); r.v.dispose(); r.sigma.dispose();
 * ```
 */
export function projectSpectralNorm(weight: tf.Tensor, options?: ProjectSpectralNormOptions): ProjectSpectralNormResult {
  const fn = 'projectSpectralNorm';
  const o = checkOptions(fn, 'options', options);
  const w = checkFloatTensor(fn, 'weight', weight);
  const c = checkProjection(fn, w, o);
  const map = mapFor(fn, w, c);
  const size = map.uShape.reduce((a, b) => a * b, 1);
  if (o.u !== undefined && (!(o.u instanceof tf.Tensor) || o.u.size !== size)) {
    fail(fn, 'options.u', `a tensor with ${size} entries (shape [${map.uShape.join(',')}])`, o.u);
  }
  return tf.tidy(() => {
    const start = o.u ?? seededStandardNormal(map.uShape, c.seed);
    const { u, v } = map.iterate(w, start, c.iterations, c.eps);
    const sigma = map.sigma(w, u, v);
    const projected = tf.div(w, tf.maximum(1, tf.div(sigma, c.bound)));
    return { weight: projected, u, v, sigma };
  });
}

/** One variable to project, with its layout and (optionally) its conv geometry. */
export interface SpectralNormProjectionTarget {
  readonly variable: tf.Variable;
  /** @defaultValue by rank: 2 → 'dense', 3 → 'conv1d', 4 → 'conv2d' */
  readonly layout?: KernelLayout;
  /** Conv geometry: project by the operator norm instead of the reshaped kernel's σ. */
  readonly operator?: ProjectionOperatorGeometry;
}

/** Options of {@link spectralNormProjection}. */
export interface SpectralNormProjectionOptions {
  /** The bound c. @defaultValue 1 */
  readonly bound?: number;
  /** Power-iteration steps per `apply()`. @defaultValue 1 */
  readonly powerIterations?: number;
  /** Steps run once at creation. @defaultValue 15 */
  readonly warmStartIterations?: number;
  /** Normalisation floor. @defaultValue 1e-12 */
  readonly eps?: number;
  /** Seed of the starting vectors (target i uses seed + i). @defaultValue 0 */
  readonly seed?: number;
}

/** The stateful projection returned by {@link spectralNormProjection}. */
export interface SpectralNormProjection {
  readonly kind: 'spectralNormProjection';
  readonly name: string;
  readonly bound: number;
  readonly powerIterations: number;
  /** The projected variables, in order. */
  readonly variables: readonly tf.Variable[];
  /** The persistent u of each variable (non-trainable variables; checkpoint them with the model). */
  readonly state: readonly tf.Variable[];
  /**
   * Advances each u and assigns W ← W / max(1, σ/c) to each variable. Call after the optimizer
   * step. A non-finite result leaves that variable and its u unchanged.
   */
  apply(): void;
  /** σ estimate of each variable from the current state (before any further projection). */
  readSigmas(): Promise<number[]>;
  /** Disposes the state variables. */
  dispose(): void;
}

/**
 * A stateful spectral projection for raw variables (e.g. a critic written with `tf.variable`s):
 * each `apply()` runs {@link projectSpectralNorm} on every variable with its persistent u and
 * writes the result in place (the Keras-style projection, not a reparametrisation: no gradient
 * through σ).
 *
 * @param targets - variables, or {@link SpectralNormProjectionTarget}s with a layout/geometry.
 * @param options - see {@link SpectralNormProjectionOptions}.
 * @returns a frozen {@link SpectralNormProjection} owning 2 state variables per target
 *   (call `dispose()` when done).
 * @throws `Error in spectralNormProjection: targets[i] must be a tf.Variable or { variable, layout? }, …`,
 *   and the option errors of {@link projectSpectralNorm}.
 * @example
 * ```ts
 * const projection = spectralNormProjection([w1, w2, { variable: k, layout: 'conv2d' }]);
 * optimizer.minimize(loss);
 * projection.apply(); // σ(w) ≤ 1 afterwards (up to the power-iteration estimate)
 * ```
 */
export function spectralNormProjection(
  targets: ReadonlyArray<tf.Variable | SpectralNormProjectionTarget>,
  options?: SpectralNormProjectionOptions,
): SpectralNormProjection {
  const fn = 'spectralNormProjection';
  if (!Array.isArray(targets) || targets.length === 0) fail(fn, 'targets', 'a non-empty array of variables', targets);
  const o = checkOptions(fn, 'options', options);
  const bound = checkPositive(fn, 'options.bound', o.bound ?? 1);
  const powerIterations = checkInteger(fn, 'options.powerIterations', o.powerIterations ?? 1, 1);
  const warm = checkInteger(fn, 'options.warmStartIterations', o.warmStartIterations ?? 15, 0);
  const eps = checkPositive(fn, 'options.eps', o.eps ?? 1e-12);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail(fn, 'options.seed', 'an integer', seed);
  const items = targets.map((t, i) => {
    const spec = (t instanceof tf.Variable ? { variable: t } : t) as SpectralNormProjectionTarget;
    if (spec === null || typeof spec !== 'object' || !(spec.variable instanceof tf.Variable)) {
      fail(fn, `targets[${i}]`, 'a tf.Variable or { variable, layout?, operator? }', t);
    }
    const c = checkProjection(fn, spec.variable, { layout: spec.layout, operator: spec.operator }, `targets[${i}]`);
    return { variable: spec.variable, c, map: mapFor(fn, spec.variable, c) };
  });
  const state = items.map((it, i) =>
    tf.tidy(() => {
      const start = seededStandardNormal(it.map.uShape, seed + i);
      const { u, v } = it.map.iterate(it.variable, start, Math.max(1, warm), eps);
      return { u: tf.variable(u, false), v: tf.variable(v, false) };
    }),
  );
  let disposed = false;
  const check = (method: string) => {
    if (disposed) failWith(`SpectralNormProjection.${method}`, 'the projection was disposed');
  };
  return Object.freeze({
    kind: 'spectralNormProjection' as const,
    name: 'spectralNormProjection',
    bound,
    powerIterations,
    variables: Object.freeze(items.map((it) => it.variable)),
    state: Object.freeze(state.map((s) => s.u)),
    apply() {
      check('apply');
      tf.tidy(() => {
        items.forEach((it, i) => {
          const s = state[i]!;
          const w = it.variable;
          const next = it.map.iterate(w, s.u, powerIterations, eps);
          const sigma = it.map.sigma(w, next.u, next.v);
          const projected = tf.div(w, tf.maximum(1, tf.div(sigma, bound)));
          const ok = tf.logicalAnd(tf.all(tf.isFinite(projected)), tf.isFinite(tf.add(tf.sum(next.u), tf.sum(next.v))));
          w.assign(tf.where(ok, projected, w));
          s.u.assign(tf.where(ok, next.u, s.u));
          s.v.assign(tf.where(ok, next.v, s.v));
        });
      });
    },
    async readSigmas() {
      check('readSigmas');
      const sigmas = items.map((it, i) => tf.tidy(() => it.map.sigma(it.variable, state[i]!.u, state[i]!.v)));
      try {
        return (await Promise.all(sigmas.map((s) => s.data()))).map((d) => d[0]!);
      } finally {
        sigmas.forEach((s) => s.dispose());
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      state.forEach((s) => {
        s.u.dispose();
        s.v.dispose();
      });
    },
  });
}
