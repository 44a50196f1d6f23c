/**
 * Upper bounds on the Lipschitz constant and the smoothness constant of a whole tfjs-layers
 * network, composed layer by layer over the model graph (theory §3.2, §5.12).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { fail, failWith } from '../_internal/errors.js';
import { checkInteger, checkOptions, checkPositive } from '../_internal/validate.js';
import { layerConstants, mul, type LayerConstants } from './_layerConstants.js';
import type { NormSettings } from './_norms.js';

export type { LayerBoundMethod, LayerConstants } from './_layerConstants.js';

/** Options of {@link lipschitzUpperBound} and {@link smoothnessUpperBound}. */
export interface NetworkBoundOptions {
  /** Most power-iteration steps per layer norm. @defaultValue 500 */
  readonly maxIterations?: number;
  /** A norm estimate stops when ‖Av‖ changes by less than this, relatively, over 10 steps. @defaultValue 1e-6 */
  readonly tolerance?: number;
  /** Seed of the power-iteration start vectors. @defaultValue 0 */
  readonly seed?: number;
}

/** The constants of one layer of the network (one call of it, for shared layers). */
export interface LayerBoundEntry extends LayerConstants {
  /** Layer name; nested models prefix it with theirs (`inner/dense_1`); `#k` marks the (k+1)-th call of a shared layer. */
  readonly name: string;
  readonly className: string;
}

/** Result of {@link lipschitzUpperBound} / {@link smoothnessUpperBound}. */
export interface NetworkBound {
  readonly kind: 'networkBound';
  /** Which constant `value` is. */
  readonly quantity: 'lipschitz' | 'smoothness';
  /** The bound, or `'unbounded'` (see `reasons`). */
  readonly value: number | 'unbounded';
  /** Lipschitz bound of the whole network. */
  readonly lipschitz: number | 'unbounded';
  /** Smoothness bound (Lipschitz constant of the network's Jacobian). */
  readonly smoothness: number | 'unbounded';
  /** Why `value` is unbounded: one line per responsible layer. Empty when bounded. */
  readonly reasons: readonly string[];
  /** Per-layer constants, in evaluation order (inputs first). */
  readonly layers: readonly LayerBoundEntry[];
  /** Caveats that always apply. */
  readonly notes: readonly string[];
}

interface Val {
  M: number;
  S: number;
}

interface Sym {
  id: number;
  shape: (number | null)[];
  sourceLayer: tfl.layers.Layer;
  nodeIndex: number;
}

interface NodeLike {
  inputTensors: Sym[];
}

const NOTES: readonly string[] = Object.freeze([
  'Bounds are for inference (training: false): dropout is the identity, batch norm uses its moving statistics.',
  'Layer norms are power-iteration estimates, which approach the exact operator norm from below (to the ' +
    'tolerance); the composed bound is otherwise rigorous, and usually loose by a large factor.',
  'Norms are Euclidean over all non-batch axes, per example.',
]);

const isModel = (l: unknown): l is tfl.LayersModel => l instanceof tfl.LayersModel;

function checkNetworkOptions(fn: string, options: NetworkBoundOptions | undefined): NormSettings {
  const o = checkOptions(fn, 'options', options);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail(fn, 'options.seed', 'an integer', seed);
  return {
    maxIterations: checkInteger(fn, 'options.maxIterations', o.maxIterations ?? 500, 1),
    tolerance: checkPositive(fn, 'options.tolerance', o.tolerance ?? 1e-6),
    seed,
  };
}

/** (M, S) of g∘h from g's constants and h's. */
const compose = (g: Val, h: Val): Val => ({ M: mul(g.M, h.M), S: mul(g.S, mul(h.M, h.M)) + mul(g.M, h.S) });

class Analysis {
  readonly entries: LayerBoundEntry[] = [];
  /** Calls of each layer met so far (shared layers get `#k` from the second call on). */
  private readonly calls = new Map<tfl.layers.Layer, number>();
  constructor(
    private readonly fn: string,
    private readonly settings: NormSettings,
  ) {}

  /** (M, S) of a model from its (joint) inputs to its (concatenated) outputs. */
  async model(model: tfl.LayersModel, prefix: string): Promise<Val> {
    const outputs = (model as unknown as { outputs?: Sym[] }).outputs;
    if (!Array.isArray(outputs) || outputs.length === 0) {
      failWith(
        this.fn,
        `model must be a built tfjs-layers model (give its first layer an inputShape, or call it once), but got the unbuilt model '${model.name}'`,
      );
    }
    const memo = new Map<number, Promise<Val>>();
    const valueOf = (t: Sym): Promise<Val> => {
      let v = memo.get(t.id);
      if (v === undefined) {
        v = this.tensor(t, prefix, valueOf);
        memo.set(t.id, v);
      }
      return v;
    };
    const vals: Val[] = [];
    for (const o of outputs) vals.push(await valueOf(o));
    return vals.length === 1 ? vals[0]! : concat(vals);
  }

  private async tensor(t: Sym, prefix: string, valueOf: (t: Sym) => Promise<Val>): Promise<Val> {
    const layer = t.sourceLayer;
    const className = layer.getClassName();
    if (className === 'InputLayer') return { M: 1, S: 0 };
    const node = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[t.nodeIndex]!;
    const ins: Val[] = [];
    for (const x of node.inputTensors) ins.push(await valueOf(x));
    const calls = this.calls.get(layer) ?? 0;
    this.calls.set(layer, calls + 1);
    const name = `${prefix}${layer.name}${calls > 0 ? `#${calls}` : ''}`;
    if (ins.length > 1 || MERGES.has(className)) return this.merge(name, className, ins);
    const input = ins[0]!;
    const inputShape = node.inputTensors[0]!.shape;
    // TimeDistributed applies its layer to every time step independently: same constants.
    const own =
      className === 'TimeDistributed'
        ? await this.single(name, (layer as unknown as { layer: tfl.layers.Layer }).layer, [inputShape[0]!, ...inputShape.slice(2)])
        : await this.single(name, layer, inputShape);
    return compose(own, input);
  }

  private async single(name: string, layer: tfl.layers.Layer, inputShape: (number | null)[]): Promise<Val> {
    if (isModel(layer)) return this.model(layer, `${name}/`);
    const c = await layerConstants(layer, inputShape, this.settings);
    this.entries.push(Object.freeze({ name, className: layer.getClassName(), ...c }));
    return { M: c.lipschitz, S: c.smoothness };
  }

  private merge(name: string, className: string, ins: Val[]): Val {
    const entry = (M: number, S: number, reasons: string[] = []): Val => {
      this.entries.push(Object.freeze({ name, className, lipschitz: M, smoothness: S, method: 'closedForm' as const, reasons }));
      return { M, S };
    };
    const sum = (f: (v: Val) => number) => ins.reduce((a, v) => a + f(v), 0);
    switch (className) {
      case 'Add':
      case 'Subtract':
        entry(Math.sqrt(ins.length), 0);
        return { M: sum((v) => v.M), S: sum((v) => v.S) };
      case 'Average':
        entry(1 / Math.sqrt(ins.length), 0);
        return { M: sum((v) => v.M) / ins.length, S: sum((v) => v.S) / ins.length };
      case 'Concatenate':
        entry(1, 0);
        return concat(ins);
      case 'Maximum':
      case 'Minimum':
        entry(1, Infinity, [`${className} is not smooth (elementwise max/min of branches)`]);
        return { M: Math.sqrt(sum((v) => v.M * v.M)), S: Infinity };
      default:
        entry(Infinity, Infinity, [
          MERGES.has(className)
            ? `${className} of two branches is not globally Lipschitz (it is bilinear)`
            : `unsupported layer class ${className} with several inputs`,
        ]);
        return { M: Infinity, S: Infinity };
    }
  }
}

const MERGES = new Set(['Add', 'Subtract', 'Average', 'Concatenate', 'Maximum', 'Minimum', 'Multiply', 'Dot']);

const concat = (vals: Val[]): Val => ({
  M: Math.sqrt(vals.reduce((a, v) => a + v.M * v.M, 0)),
  S: Math.sqrt(vals.reduce((a, v) => a + v.S * v.S, 0)),
});

async function networkBound(fn: string, quantity: 'lipschitz' | 'smoothness', model: tfl.LayersModel, options?: NetworkBoundOptions): Promise<NetworkBound> {
  if (!isModel(model)) fail(fn, 'model', 'a tfjs-layers LayersModel or Sequential', model);
  const settings = checkNetworkOptions(fn, options);
  const analysis = new Analysis(fn, settings);
  const v = await analysis.model(model, '');
  const finite = (x: number): number | 'unbounded' => (Number.isFinite(x) ? x : 'unbounded');
  const lipschitz = finite(v.M);
  const smoothness = finite(v.S);
  const value = quantity === 'lipschitz' ? lipschitz : smoothness;
  const reasons =
    value !== 'unbounded'
      ? []
      : analysis.entries
          .filter((e) => !Number.isFinite(e.lipschitz) || (quantity === 'smoothness' && !Number.isFinite(e.smoothness)))
          .flatMap((e) => (e.reasons.length > 0 ? e.reasons : ['unbounded']).map((r) => `${e.name}: ${r}`));
  return Object.freeze({
    kind: 'networkBound' as const,
    quantity,
    value,
    lipschitz,
    smoothness,
    reasons: Object.freeze(reasons),
    layers: Object.freeze(analysis.entries),
    notes: NOTES,
  });
}

/**
 * An upper bound on the Lipschitz constant of a tfjs-layers model, sup ‖f(x) − f(y)‖/‖x − y‖
 * (Euclidean norms over all non-batch axes), by composing per-layer constants over the model
 * graph ("AutoLip", Virmaux & Scaman, NeurIPS 2018; theory §5.12):
 *
 *   Lip(g∘h) ≤ Lip(g)·Lip(h); Add: sum; Concatenate: √(Σ Lip²); a linear layer: ‖W‖_op.
 *
 * Linear layers use their true operator norm: for convolutions the norm of the convolution
 * with its stride, padding and dilation on the model's input size (power iteration through the
 * conv and its transpose), not the reshaped-kernel σ. Spectral-normalisation wrappers contribute
 * the norm of their current normalised kernel (≈ c for converged u). Activations use
 * {@link ACTIVATION_CONSTANTS}. Layers without a bound (an unsupported class, a discontinuous
 * activation, Multiply of two branches) make the result `'unbounded'`, with the reason.
 *
 * Shapes: the model maps `[batch, ...]` to `[batch, ...]`; the bound is per example.
 *
 * @param model - a built `tfl.LayersModel` or `tfl.Sequential` (nested models, shared layers and
 *   `TimeDistributed` are followed).
 * @param options - power-iteration settings; see {@link NetworkBoundOptions}.
 * @returns a frozen {@link NetworkBound} with `value`, both constants and the per-layer report.
 * @throws `Error in lipschitzUpperBound: model must be a tfjs-layers LayersModel or Sequential, …`,
 *   an unbuilt model, or bad options.
 * @example
 * ```ts
 * const bound = await lipschitzUpperBound(critic);
 * bound.value;           // e.g. 1.0003 for an SN critic with 1-Lipschitz activations
 * bound.layers[0].method; // 'operator'
 * ```
 */
export function lipschitzUpperBound(model: tfl.LayersModel, options?: NetworkBoundOptions): Promise<NetworkBound> {
  return networkBound('lipschitzUpperBound', 'lipschitz', model, options);
}

/**
 * An upper bound on the smoothness constant of a tfjs-layers model, i.e. the Lipschitz
 * constant of its Jacobian, sup ‖J(x) − J(y)‖_op/‖x − y‖ (for a scalar critic: sup ‖∇²f‖,
 * the β1 of the paper's condition (II); theory §3.2).
 *
 * Composition rule (M = Lipschitz, S = smoothness bound, g after h):
 *   M(g∘h) ≤ M_g·M_h,  S(g∘h) ≤ S_g·M_h² + M_g·S_h;
 * a linear layer has S = 0, an activation σ has S = s (its σ′ is s-Lipschitz), Add sums,
 * Concatenate takes √(Σ S²). For an MLP this is the recursion of theory §3.2, so with every
 * ‖W_i‖ ≤ 1 and a 1-Lipschitz, s-smooth activation it gives β ≤ s·(L − 1).
 *
 * ReLU-type activations (relu, relu6, LeakyReLU, hardSigmoid, SELU, ELU with α ≠ 1), max
 * pooling and Maximum are not smooth: the result is `'unbounded'` with one reason per layer.
 *
 * @param model - a built `tfl.LayersModel` or `tfl.Sequential`.
 * @param options - power-iteration settings; see {@link NetworkBoundOptions}.
 * @returns a frozen {@link NetworkBound} (`quantity: 'smoothness'`).
 * @throws as {@link lipschitzUpperBound}, naming `smoothnessUpperBound`.
 * @example
 * ```ts
 * const b = await smoothnessUpperBound(critic);
 * if (b.value === 'unbounded') console.log(b.reasons); // ['dense_1: relu is not smooth: …']
 * ```
 */
export function smoothnessUpperBound(model: tfl.LayersModel, options?: NetworkBoundOptions): Promise<NetworkBound> {
  return networkBound('smoothnessUpperBound', 'smoothness', model, options);
}
