/**
 * The smoothness constant of the generator's objective and the step size it licenses
 * (theory §1.5–1.7).
 */
import { fail } from '../_internal/errors.js';

/** Options of {@link smoothnessCertificate}: the five constants of the paper's main theorem. */
export interface SmoothnessCertificateOptions {
  /** Condition (I): the optimal discriminator is α-Lipschitz. */
  readonly alpha: number;
  /** Condition (II): the optimal discriminator is β1-smooth (may be `Infinity`, e.g. a ReLU critic). */
  readonly beta1: number;
  /**
   * Condition (III): ∇Φ_μ is β2-Lipschitz in μ w.r.t. W1. With the MMD regulariser of theory
   * §3.3 this is β2·κ1 (κ1 = 1/σ² for a Gaussian kernel of bandwidth σ): pass the product.
   */
  readonly beta2: number;
  /** The generator is A-Lipschitz in its parameters: ‖∂_θ X_θ(z)‖_op ≤ A. */
  readonly A: number;
  /** The generator's parameter Jacobian is B-Lipschitz: ‖∂_θX_θ(z) − ∂_θX_θ′(z)‖_op ≤ B‖θ − θ′‖. */
  readonly B: number;
}

/** Result of {@link smoothnessCertificate}. */
export interface SmoothnessCertificate {
  readonly kind: 'smoothnessCertificate';
  readonly alpha: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly A: number;
  readonly B: number;
  /** L = α·B + A²·(β1 + β2): J(θ) = J(μ_θ) is L-smooth. */
  readonly L: number;
  /** The three terms of L: α·B (critic slope × generator curvature), A²·β1, A²·β2. */
  readonly terms: { readonly curvature: number; readonly criticSmoothness: number; readonly distributional: number };
  /** γ = 1/L, the step size of the descent-lemma guarantee (`Infinity` if L = 0, 0 if L = ∞). */
  readonly stepSize: number;
  /** 2/L: plain gradient descent with γ ≥ 2/L can diverge or oscillate. */
  readonly divergenceThreshold: number;
  /** What the certificate does and does not say (theory §1.6). */
  readonly caveats: readonly string[];
}

const CAVEATS: readonly string[] = Object.freeze([
  'Generator-only analysis under an optimal discriminator: it is not a convergence proof for alternating min-max training.',
  'Stationarity is not optimality: ‖∇J(θ_t)‖ → 0 can also happen as θ runs off to infinity.',
  'The guarantee is for plain gradient descent with step γ ≤ 1/L (min_t ‖∇J‖² ≤ 2L(J(θ_0) − J*)/T); Adam and other adaptive optimizers take different effective steps.',
  'α, β1, β2 must hold for the optimal discriminator of the regularised loss; bounds measured on a trained critic are estimates of them.',
]);

function checkConstant(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) fail(fn, arg, 'a number >= 0 (Infinity allowed)', v);
  return v;
}

/** a·b with 0·∞ = 0. */
const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : a * b);

/**
 * The smoothness constant of the generator's loss J(θ) = J(μ_θ) (Chu, Minami & Fukumizu,
 * "Smoothness and Stability in GANs", ICLR 2020; theory §1.5), and the step size it licenses:
 *
 *   L = α·B + A²·(β1 + β2),   stepSize = 1/L,   divergenceThreshold = 2/L.
 *
 * With γ ≤ 1/L, gradient descent decreases J monotonically and reaches eventual stationarity
 * (descent lemma, theory §1.6). A Lipschitz critic (α) pairs with the generator's curvature B;
 * the two smoothness conditions pair with A². A linear generator (B = 0) needs only (II) and (III).
 *
 * @param options - α, β1, β2, A, B (numbers ≥ 0; `Infinity` allowed and propagated).
 * @returns a frozen {@link SmoothnessCertificate}, with the caveats of theory §1.6.
 * @throws `Error in smoothnessCertificate: options.alpha must be a number >= 0 (Infinity allowed), but got -1.`
 * @example
 * ```ts
 * const cert = smoothnessCertificate({ alpha: 1, beta1: 0.5, beta2: 1, A: 2, B: 0 });
 * cert.L;        // 1·0 + 4·(0.5 + 1) = 6
 * cert.stepSize; // 1/6
 * ```
 */
export function smoothnessCertificate(options: SmoothnessCertificateOptions): SmoothnessCertificate {
  const fn = 'smoothnessCertificate';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an options object { alpha, beta1, beta2, A, B }', options);
  const alpha = checkConstant(fn, 'options.alpha', options.alpha);
  const beta1 = checkConstant(fn, 'options.beta1', options.beta1);
  const beta2 = checkConstant(fn, 'options.beta2', options.beta2);
  const A = checkConstant(fn, 'options.A', options.A);
  const B = checkConstant(fn, 'options.B', options.B);
  const curvature = mul(alpha, B);
  const criticSmoothness = mul(A * A, beta1);
  const distributional = mul(A * A, beta2);
  const L = curvature + criticSmoothness + distributional;
  return Object.freeze({
    kind: 'smoothnessCertificate' as const,
    alpha,
    beta1,
    beta2,
    A,
    B,
    L,
    terms: Object.freeze({ curvature, criticSmoothness, distributional }),
    stepSize: 1 / L,
    divergenceThreshold: 2 / L,
    caveats: CAVEATS,
  });
}
