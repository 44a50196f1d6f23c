/**
 * Lipschitz and smoothness constants of every tfjs-layers activation (theory §3.2).
 */

/** Constants of one activation σ (w.r.t. the Euclidean norm). */
export interface ActivationConstants {
  /** ℓ = sup |σ′| (for elementwise σ): σ is ℓ-Lipschitz. `Infinity` when unbounded. */
  readonly lipschitz: number;
  /**
   * s = Lipschitz constant of σ′ (sup |σ″| where σ″ exists): σ is s-smooth. `Infinity` when σ′
   * jumps (ReLU-type kinks).
   */
  readonly smoothness: number;
  /** Whether σ′ is Lipschitz (σ ∈ C^{1,1}), i.e. `smoothness` is finite. */
  readonly smooth: boolean;
  /** False for softmax and logSoftmax, which act on a whole axis. */
  readonly elementwise: boolean;
  /** Where the supremum is attained, or how the constant was derived. */
  readonly note: string;
}

/** The activation identifiers tfjs-layers 4.22 accepts (`activation: '...'`), plus `logSoftmax`. */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'softplus'
  | 'softsign'
  | 'tanh'
  | 'swish'
  | 'mish'
  | 'gelu'
  | 'gelu_new'
  | 'softmax'
  | 'logSoftmax';

const c = (lipschitz: number, smoothness: number, note: string, elementwise = true): ActivationConstants =>
  Object.freeze({ lipschitz, smoothness, smooth: Number.isFinite(smoothness), elementwise, note });

/** SELU's λ and α (Klambauer et al. 2017), as tfjs uses them. */
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/**
 * Lipschitz constant ℓ = sup|σ′| and smoothness s = Lip(σ′) of every tfjs-layers activation
 * (theory §3.2; Chu, Minami & Fukumizu, ICLR 2020 motivate smooth activations this way). An
 * L-layer network with spectrally normalised linear maps (‖W_i‖ ≤ 1) and an activation with
 * ℓ ≤ 1 is 1-Lipschitz and s·(L − 1)-smooth.
 *
 * Values were computed in 30-digit arithmetic (mpmath) and, where not closed forms, rounded
 * **up** in the 7th digit so that each entry is a valid upper bound. ReLU-type activations are
 * not smooth (s = ∞: the derivative jumps), however they are normalised. ELU with α = 1 is
 * C^{1,1} (σ″ jumps from 1 to 0 but σ′ is 1-Lipschitz); SELU's σ′ jumps at 0.
 *
 * softmax (along an axis) is ½-Lipschitz (its Jacobian diag(p) − ppᵀ has norm ≤ ½) and its
 * Jacobian is 3/2-Lipschitz (a derived bound, not the supremum). logSoftmax's constants grow
 * with the axis length n (ℓ ≤ 1 + √n, s ≤ √n/2): the table says `Infinity` and the network
 * bounds use n.
 *
 * @example
 * ```ts
 * ACTIVATION_CONSTANTS.tanh; // { lipschitz: 1, smoothness: 0.7698…, smooth: true, … }
 * ACTIVATION_CONSTANTS.relu.smooth; // false
 * ```
 */
export const ACTIVATION_CONSTANTS: Readonly<Record<ActivationName, ActivationConstants>> = Object.freeze({
  linear: c(1, 0, 'identity'),
  relu: c(1, Infinity, "σ′ jumps from 0 to 1 at 0"),
  relu6: c(1, Infinity, "σ′ jumps at 0 and at 6"),
  elu: c(1, 1, 'α = 1: σ′ = eˣ for x < 0 and 1 for x > 0 is continuous; σ″ ≤ 1 (jumps from 1 to 0 at 0)'),
  selu: c(
    SELU_SCALE * SELU_ALPHA,
    Infinity,
    'σ′ jumps at 0 from λα ≈ 1.7581 (the supremum, approached from below) to λ ≈ 1.0507',
  ),
  sigmoid: c(0.25, 1 / (6 * Math.sqrt(3)), 'ℓ at 0; s = 1/(6√3) at x = ±ln(2 + √3) ≈ ±1.317'),
  hardSigmoid: c(0.2, Infinity, 'tfjs: clip(0.2x + 0.5, 0, 1); σ′ jumps at ±2.5'),
  softplus: c(1, 0.25, 'ℓ = 1 is a supremum (x → ∞), s = 1/4 at 0'),
  softsign: c(1, 2, 'x/(1 + |x|): ℓ at 0; σ″ = ∓2/(1 + |x|)³ jumps from 2 to −2 at 0, σ′ is 2-Lipschitz'),
  tanh: c(1, 4 / (3 * Math.sqrt(3)), 'ℓ at 0; s = 4/(3√3) at x = ±atanh(1/√3) ≈ ±0.6585'),
  swish: c(1.0998394, 0.5, 'x·sigmoid(x): ℓ ≈ 1.0998393 at x ≈ 2.3994 (not 1-Lipschitz); s = 1/2 at 0'),
  mish: c(1.0884982, 0.6442047, 'x·tanh(softplus(x)): ℓ ≈ 1.0884982 at x ≈ 1.4906; s ≈ 0.6442046 at x ≈ −0.0879'),
  gelu: c(1.1289042, Math.sqrt(2 / Math.PI), 'x·Φ(x) (erf form): ℓ ≈ 1.1289041 at x = √2; s = √(2/π) at 0'),
  gelu_new: c(1.1289931, 0.7978846, 'tanh approximation: ℓ ≈ 1.1289931 at x ≈ 1.4185; s ≈ √(2/π) at 0'),
  softmax: c(0.5, 1.5, 'along an axis: ‖diag(p) − ppᵀ‖ ≤ ½; Jacobian 3/2-Lipschitz (derived bound)', false),
  logSoftmax: c(Infinity, Infinity, 'along an axis of length n: ℓ ≤ 1 + √n, s ≤ √n/2 (dimension-dependent)', false),
});

/**
 * Constants of logSoftmax or softmax along an axis of length n (both are smooth; logSoftmax's
 * constants depend on n). For other names, the table entry.
 * @internal
 */
export function axisActivationConstants(name: ActivationName, n: number): { lipschitz: number; smoothness: number } {
  if (name === 'logSoftmax') return { lipschitz: 1 + Math.sqrt(n), smoothness: Math.sqrt(n) / 2 };
  const e = ACTIVATION_CONSTANTS[name];
  return { lipschitz: e.lipschitz, smoothness: e.smoothness };
}
