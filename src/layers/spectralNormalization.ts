/**
 * Spectral normalisation as a tfjs-layers wrapper with PyTorch's semantics: the gradient flows
 * through σ, and the persistent vector u is a non-trainable weight that moves only when asked.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fail, failWith } from '../_internal/errors.js';
import { checkInteger, checkOneOf, checkPositive } from '../_internal/validate.js';
import { layerConvGeometry } from './_layerGeometry.js';
import { keepIfFinite, seededStandardNormal } from './_math.js';
import { operatorMap, reshapeMap, type SpectralMap, type SpectralNormMode } from './_spectralMaps.js';
import type { KernelLayout } from './reshapedKernel.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];
type Shape = tfl.Shape;

/** How the bound c is applied: W·c/σ (σ_new = c) or W/max(1, σ/c) (σ_new ≤ c). */
export type SpectralBoundMode = 'exact' | 'atMost';

/**
 * The layer classes {@link spectralNormalization} wraps, keyed by tfjs class name, with the
 * property holding the normalised weight and its {@link KernelLayout}.
 * @example
 * ```ts
 * SPECTRAL_NORM_LAYERS.Conv2DTranspose; // { weight: 'kernel', layout: 'conv2dTranspose' }
 * Object.keys(SPECTRAL_NORM_LAYERS);    // ['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'Conv2DTranspose', 'Embedding']
 * ```
 */
export const SPECTRAL_NORM_LAYERS: Readonly<Record<string, { readonly weight: string; readonly layout: KernelLayout }>> =
  Object.freeze({
    Dense: Object.freeze({ weight: 'kernel', layout: 'dense' as const }),
    Conv1D: Object.freeze({ weight: 'kernel', layout: 'conv1d' as const }),
    Conv2D: Object.freeze({ weight: 'kernel', layout: 'conv2d' as const }),
    DepthwiseConv2D: Object.freeze({ weight: 'depthwiseKernel', layout: 'depthwiseConv2d' as const }),
    Conv2DTranspose: Object.freeze({ weight: 'kernel', layout: 'conv2dTranspose' as const }),
    Embedding: Object.freeze({ weight: 'embeddings', layout: 'embedding' as const }),
  });

const SUPPORTED = 'Dense, Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose or Embedding';

/** Options of {@link spectralNormalization} (plus the usual tfjs-layers `LayerArgs`). */
export interface SpectralNormalizationArgs extends LayerArgs {
  /**
   * The layer to normalise: a Dense, Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose or
   * Embedding layer that has not been built yet (its weights are created inside the wrapper, so
   * that save/load finds them under the wrapper's name).
   */
  readonly layer: tfl.layers.Layer;
  /** Power-iteration steps per {@link SpectralNormalization.advance} (torch's `n_power_iterations`). @defaultValue 1 */
  readonly powerIterations?: number;
  /** Normalisation floor x/max(‖x‖, eps) of the power iteration; the forward divides by σ + eps. @defaultValue 1e-12 */
  readonly eps?: number;
  /** The target bound c on σ (the Lipschitz constant α of the paper, per layer). @defaultValue 1 */
  readonly bound?: number;
  /**
   * `'exact'`: W_SN = W·c/σ (Miyato; σ(W_SN) = c). `'atMost'`: W_SN = W/max(1, σ/c)
   * (σ(W_SN) ≤ c; weights already inside the ball are left alone; TF-GAN's
   * `equality_constrained=False`). @defaultValue 'exact'
   */
  readonly boundMode?: SpectralBoundMode;
  /**
   * `'reshape'`: σ of the reshaped kernel (SN-GAN, torch, Keras). `'operator'`: σ of the
   * layer's true linear operator with its stride, padding and dilation (needs a fixed input
   * size; the vectors u, v then have the output and input shapes of one example).
   * For Dense and Embedding both are the same. @defaultValue 'reshape'
   */
  readonly mode?: SpectralNormMode;
  /** Power-iteration steps run once when the layer is built (torch's parametrisation runs 15). @defaultValue 15 */
  readonly warmStartIterations?: number;
  /**
   * Opt-in for `model.fit` users: also advance u once in every `call` with `training: true`.
   * Off by default, because a critic applied several times per update (real, fake, and the
   * gradient-penalty points) would advance u several times. @defaultValue false
   */
  readonly advanceOnTrainingCall?: boolean;
  /** Seed of the starting vector u. @defaultValue a random seed */
  readonly seed?: number | null;
}

interface CheckedArgs {
  layer: tfl.layers.Layer;
  weight: string;
  layout: KernelLayout;
  powerIterations: number;
  eps: number;
  bound: number;
  boundMode: SpectralBoundMode;
  mode: SpectralNormMode;
  warmStartIterations: number;
  advanceOnTrainingCall: boolean;
  seed: number | undefined;
  rest: LayerArgs;
}

/** Validates the wrapper's arguments; shared by the factory and the class (named after the caller). */
function checkArgs(fn: string, args: SpectralNormalizationArgs | undefined): CheckedArgs {
  if (args === null || typeof args !== 'object') fail(fn, 'args', 'an options object with a layer', args);
  const {
    layer,
    powerIterations,
    eps,
    bound,
    boundMode,
    mode,
    warmStartIterations,
    advanceOnTrainingCall,
    seed,
    ...rest
  } = args;
  if (!(layer instanceof tfl.layers.Layer)) fail(fn, 'layer', `a tfjs-layers ${SUPPORTED} layer`, layer);
  const className = layer.getClassName();
  const spec = Object.prototype.hasOwnProperty.call(SPECTRAL_NORM_LAYERS, className)
    ? SPECTRAL_NORM_LAYERS[className]
    : undefined;
  if (spec === undefined) {
    failWith(fn, `layer must be a ${SUPPORTED} layer, but got a ${className} layer ('${layer.name}')`);
  }
  if (layer.built) {
    failWith(
      fn,
      `layer must not be built yet, but '${layer.name}' already has weights. ` +
        'Wrap a freshly created layer: its weights are created inside the wrapper so that save/load finds them',
    );
  }
  const s = seed ?? undefined;
  if (s !== undefined && !Number.isInteger(s)) fail(fn, 'seed', 'an integer', s);
  if (advanceOnTrainingCall !== undefined && typeof advanceOnTrainingCall !== 'boolean') {
    fail(fn, 'advanceOnTrainingCall', 'a boolean', advanceOnTrainingCall);
  }
  return {
    layer,
    weight: spec.weight,
    layout: spec.layout,
    powerIterations: checkInteger(fn, 'powerIterations', powerIterations ?? 1, 1),
    eps: checkPositive(fn, 'eps', eps ?? 1e-12),
    bound: checkPositive(fn, 'bound', bound ?? 1),
    boundMode: checkOneOf(fn, 'boundMode', boundMode ?? 'exact', ['exact', 'atMost'] as const),
    mode: checkOneOf(fn, 'mode', mode ?? 'reshape', ['reshape', 'operator'] as const),
    warmStartIterations: checkInteger(fn, 'warmStartIterations', warmStartIterations ?? 15, 0),
    advanceOnTrainingCall: advanceOnTrainingCall ?? false,
    seed: s,
    rest: rest as LayerArgs,
  };
}

/** The wrapper's own layer args: inherits the inner layer's input shape when it has one. */
function wrapperArgs(c: CheckedArgs): LayerArgs {
  const inner = c.layer as unknown as { batchInputShape?: Shape; dtype?: tf.DataType };
  if (c.rest.inputShape == null && c.rest.batchInputShape == null && inner.batchInputShape != null) {
    return { ...c.rest, batchInputShape: inner.batchInputShape, dtype: c.rest.dtype ?? inner.dtype };
  }
  return c.rest;
}

/** W_SN from W and σ for the two bound modes. */
function applyBound(w: tf.Tensor, sigma: tf.Scalar, bound: number, boundMode: SpectralBoundMode, eps: number): tf.Tensor {
  // σ + eps rather than max(σ, eps): the same number for any σ ≫ eps, one kernel less, and a
  // plain gradient (eps only matters for an all-zero kernel, where W·c/eps = 0).
  return boundMode === 'exact'
    ? tf.mul(w, tf.div(bound, tf.add(sigma, eps)))
    : tf.div(w, tf.maximum(1, tf.div(sigma, bound)));
}

const innerProps = (layer: tfl.layers.Layer): Record<string, unknown> => layer as unknown as Record<string, unknown>;

/**
 * Spectral normalisation of a tfjs-layers layer (Miyato, Kataoka, Koyama & Yoshida, "Spectral
 * Normalization for Generative Adversarial Networks", ICLR 2018), with PyTorch's
 * parametrisation semantics.
 *
 * Forward: y = layer(x) computed with W_SN = W·c/σ (`boundMode: 'exact'`) or W/max(1, σ/c)
 * (`'atMost'`), where σ = uᵀ W v uses the stored unit vectors u, v. Shapes are the wrapped
 * layer's (`[batch, ...]` in and out).
 *
 * Semantics (the contract other code relies on):
 * - **The gradient flows through σ.** u and v are non-trainable weights read as constants, so
 *   ∂W_SN/∂W includes the −(W/σ²)·u vᵀ term (Miyato's adaptive penalty on the top singular
 *   direction). Keras and TF-Addons assign W ← W/σ in place instead and lose this term.
 * - **Applying the layer never moves u** (with or without `training: true`), unless
 *   `advanceOnTrainingCall` is set. A gradient penalty applies the critic 3+ times per update
 *   (real, fake, interpolates inside a gradient): all see the same σ. Call
 *   {@link updateSpectralNorms} (or {@link SpectralNormalization.advance}) exactly once per
 *   discriminator update, before computing that update's loss.
 * - u is warm-started at build: a seeded N(0, I) draw, then `warmStartIterations` steps.
 * - σ is computed from the stored u, v also when `training` is false (torch's eval mode).
 * - Save/load (`model.save` / `tfl.loadLayersModel`, e.g. via `tf.io.withSaveHandler` and
 *   `tf.io.fromMemory`) round-trips exactly: the inner layer's weights and u, v are ordinary
 *   weights (`<name>/kernel`, `<name>/sn_u`, `<name>/sn_v`).
 * - A non-finite power-iteration result (e.g. a NaN kernel) leaves u, v unchanged.
 *
 * Implementation note: the wrapper swaps the normalised kernel into the inner layer's kernel
 * property for the duration of `call` (`kernel`, `depthwiseKernel` or `embeddings`, which the
 * tfjs-layers 4.22 layers read with `.read()`). This relies on tfjs-layers internals; the
 * package pins tfjs `~4.22.0` and the tests cover every wrapped class.
 */
export class SpectralNormalization extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'SpectralNormalization';

  /** The wrapped layer. */
  readonly layer: tfl.layers.Layer;
  /** Power-iteration steps per advance. */
  readonly powerIterations: number;
  /** Normalisation floor. */
  readonly eps: number;
  /** Target bound c. */
  readonly bound: number;
  /** How c is applied. */
  readonly boundMode: SpectralBoundMode;
  /** Reshaped kernel or true operator. */
  readonly mode: SpectralNormMode;
  /** Steps run at build. */
  readonly warmStartIterations: number;
  /** Whether `call(…, { training: true })` advances u. */
  readonly advanceOnTrainingCall: boolean;
  /** Layout of the normalised weight. */
  readonly layout: KernelLayout;
  private readonly weightProperty: string;
  private readonly seed: number | undefined;
  private spectralMap: SpectralMap | undefined;
  private uVar: tfl.LayerVariable | undefined;
  private vVar: tfl.LayerVariable | undefined;

  /**
   * Prefer the {@link spectralNormalization} factory; the class is public for `instanceof`
   * and registered for serialization.
   * @throws as {@link spectralNormalization}, naming `SpectralNormalization`.
   */
  constructor(args: SpectralNormalizationArgs) {
    const c = checkArgs('SpectralNormalization', args);
    super(wrapperArgs(c));
    this.layer = c.layer;
    this.powerIterations = c.powerIterations;
    this.eps = c.eps;
    this.bound = c.bound;
    this.boundMode = c.boundMode;
    this.mode = c.mode;
    this.warmStartIterations = c.warmStartIterations;
    this.advanceOnTrainingCall = c.advanceOnTrainingCall;
    this.layout = c.layout;
    this.weightProperty = c.weight;
    this.seed = c.seed;
    this.spectralMap = undefined;
    this.uVar = undefined;
    this.vVar = undefined;
    this.supportsMasking = c.layer.supportsMasking;
  }

  /** The persistent left (output-side) vector u; undefined before build. */
  get u(): tfl.LayerVariable | undefined {
    return this.uVar;
  }

  /** The right (input-side) vector v from the last advance; undefined before build. */
  get v(): tfl.LayerVariable | undefined {
    return this.vVar;
  }

  private get kernelVariable(): tfl.LayerVariable {
    return innerProps(this.layer)[this.weightProperty] as tfl.LayerVariable;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (!this.layer.built) {
      this.layer.build(shape);
      this.layer.built = true;
    }
    const kernel = this.kernelVariable.read();
    const isConv = this.layout !== 'dense' && this.layout !== 'embedding';
    this.spectralMap =
      this.mode === 'operator' && isConv
        ? operatorMap(this.layout, kernel, layerConvGeometry('SpectralNormalization', this.name, this.layer, this.layout, shape))
        : { ...reshapeMap(this.layout, kernel.shape), mode: this.mode };
    const zeros = tfl.initializers.zeros();
    this.uVar = this.addWeight('sn_u', [...this.spectralMap.uShape], 'float32', zeros, undefined, false);
    this.vVar = this.addWeight('sn_v', [...this.spectralMap.vShape], 'float32', zeros, undefined, false);
    const fast = (this as unknown as { fastWeightInitDuringBuild?: boolean }).fastWeightInitDuringBuild === true;
    if (!fast) {
      const map = this.spectralMap;
      const seed = this.seed ?? Math.floor(Math.random() * 2 ** 31);
      tf.tidy(() => {
        const start = seededStandardNormal(map.uShape, seed);
        const { u, v } = map.iterate(kernel, start, this.warmStartIterations, this.eps);
        this.uVar!.write(u);
        this.vVar!.write(v);
      });
    }
    this.built = true;
  }

  override setFastWeightInitDuringBuild(value: boolean): void {
    super.setFastWeightInitDuringBuild(value);
    this.layer.setFastWeightInitDuringBuild(value);
  }

  private requireBuilt(method: string): { map: SpectralMap; u: tfl.LayerVariable; v: tfl.LayerVariable } {
    if (!this.built || this.spectralMap === undefined || this.uVar === undefined || this.vVar === undefined) {
      failWith(
        `SpectralNormalization.${method}`,
        `layer '${this.name}' is not built yet. Apply the model once (or give it an inputShape) first`,
      );
    }
    return { map: this.spectralMap, u: this.uVar, v: this.vVar };
  }

  /**
   * Advances u (and v) by `powerIterations` power-iteration steps on the current kernel:
   * v ← Aᵀu/‖Aᵀu‖, u ← Av/‖Av‖. Call once per discriminator update, before its loss
   * ({@link updateSpectralNorms} does this for a whole model). Not differentiable, no tensors
   * returned. A non-finite result leaves u and v unchanged.
   * @throws `Error in SpectralNormalization.advance: layer '…' is not built yet. …`
   */
  advance(): void {
    const { map, u, v } = this.requireBuilt('advance');
    tf.tidy(() => {
      const next = map.iterate(this.kernelVariable.read(), u.read(), this.powerIterations, this.eps);
      const kept = keepIfFinite(next, { u: u.read(), v: v.read() });
      u.write(kept.u);
      v.write(kept.v);
    });
  }

  /**
   * σ = uᵀ W v of the raw kernel with the stored u, v: the estimate the next forward divides by.
   * Differentiable with respect to the kernel.
   * @returns a new scalar the caller owns.
   * @throws if the layer is not built.
   */
  sigma(): tf.Scalar {
    const { map, u, v } = this.requireBuilt('sigma');
    return tf.tidy(() => map.sigma(this.kernelVariable.read(), u.read(), v.read()));
  }

  /**
   * The σ estimate as a number (for logging).
   * @throws if the layer is not built.
   */
  async readSigma(): Promise<number> {
    const s = this.sigma();
    try {
      return (await s.data())[0]!;
    } finally {
      s.dispose();
    }
  }

  /**
   * W_SN, the kernel the forward pass uses.
   * @returns a new tensor of the kernel's shape, owned by the caller.
   * @throws if the layer is not built.
   */
  normalizedKernel(): tf.Tensor {
    const { map, u, v } = this.requireBuilt('normalizedKernel');
    return tf.tidy(() => {
      const w = this.kernelVariable.read();
      return applyBound(w, map.sigma(w, u.read(), v.read()), this.bound, this.boundMode, this.eps);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      if (this.advanceOnTrainingCall && kwargs?.training === true) this.advance();
      const wsn = this.normalizedKernel();
      const props = innerProps(this.layer);
      const original = props[this.weightProperty];
      props[this.weightProperty] = { read: () => wsn };
      try {
        return this.layer.call(inputs, kwargs);
      } finally {
        props[this.weightProperty] = original;
      }
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return this.trainable && this.layer.trainable ? this.layer.trainableWeights : [];
  }

  override set trainableWeights(weights: tfl.LayerVariable[]) {
    Object.getOwnPropertyDescriptor(tfl.layers.Layer.prototype, 'trainableWeights')!.set!.call(this, weights);
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    const own = Object.getOwnPropertyDescriptor(tfl.layers.Layer.prototype, 'nonTrainableWeights')!.get!.call(
      this,
    ) as tfl.LayerVariable[];
    const inner = this.trainable && this.layer.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
    return [...inner, ...own];
  }

  override set nonTrainableWeights(weights: tfl.LayerVariable[]) {
    Object.getOwnPropertyDescriptor(tfl.layers.Layer.prototype, 'nonTrainableWeights')!.set!.call(this, weights);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      powerIterations: this.powerIterations,
      eps: this.eps,
      bound: this.bound,
      boundMode: this.boundMode,
      mode: this.mode,
      warmStartIterations: this.warmStartIterations,
      advanceOnTrainingCall: this.advanceOnTrainingCall,
      formatVersion: 1,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }

  /**
   * Rebuilds a wrapper from `getConfig()` output: the inner layer is revived through tfjs-layers'
   * class registry, so its class must be registered (all built-in layers are). Used by
   * `tfl.loadLayersModel`; u and v come back with the saved weights.
   * @nocollapse
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { layer, formatVersion: _formatVersion, customObjects: _customObjects, ...rest } = config as Record<string, unknown>;
    const spec = layer as { className?: string; config?: tf.serialization.ConfigDict } | null;
    const entry = spec?.className ? tf.serialization.SerializationMap.getMap().classNameMap[spec.className] : undefined;
    if (entry === undefined || spec?.config == null) {
      failWith(
        'SpectralNormalization.fromConfig',
        `config.layer must name a registered layer class, but got ${JSON.stringify(spec?.className ?? null)}`,
      );
    }
    const [innerCls, innerFromConfig] = entry;
    const inner = innerFromConfig(innerCls, { ...spec.config });
    return new cls({ ...rest, layer: inner } as unknown as tf.serialization.ConfigDict);
  }
}

tf.serialization.registerClass(SpectralNormalization);

/**
 * Wraps a Dense, Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose or Embedding layer with
 * spectral normalisation (Miyato et al., ICLR 2018; see {@link SpectralNormalization} for the
 * exact semantics): W_SN = W·c/σ(W), the gradient flowing through σ, u advanced only by
 * {@link updateSpectralNorms}.
 *
 * Shapes: those of the wrapped layer (`[batch, ...]`).
 *
 * @param args - the layer and the options of {@link SpectralNormalizationArgs}, plus
 *   `LayerArgs` (`name`, `inputShape`, `trainable`, ...). The wrapper inherits the inner
 *   layer's `inputShape` when it has one.
 * @returns a new (unbuilt) {@link SpectralNormalization} layer.
 * @throws `Error in spectralNormalization: layer must be a Dense, Conv1D, Conv2D, DepthwiseConv2D,
 *   Conv2DTranspose or Embedding layer, but got a Flatten layer ('flatten_1').`; an already built
 *   layer; `powerIterations` not an integer ≥ 1; `eps` or `bound` not > 0; unknown `boundMode`
 *   or `mode`; a non-integer `seed`.
 * @example
 * ```ts
 * const critic = tfl.sequential({ layers: [
 *   spectralNormalization({ layer: tfl.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }) }),
 *   tfl.layers.activation({ activation: 'softplus' }),
 *   tfl.layers.flatten(),
 *   spectralNormalization({ layer: tfl.layers.dense({ units: 1 }) }),
 * ] });
 * updateSpectralNorms(critic);            // once per discriminator update, before the loss
 * const scores = critic.apply(x, { training: true }); // u does not move here
 * ```
 */
export function spectralNormalization(args: SpectralNormalizationArgs): SpectralNormalization {
  checkArgs('spectralNormalization', args);
  return new SpectralNormalization(args);
}
