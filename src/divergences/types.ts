/**
 * The kernel interface used by MMD, MMD-GAN losses and KID.
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A positive-definite kernel k(x, y) on feature vectors, evaluated on batches. Every kernel
 * factory returns one of these (a frozen object with its hyperparameters as readonly fields).
 * Implementations use 2-D matrix products only, so their gradients work on every backend
 * (batched matMul with a broadcast operand breaks tfjs's backward pass, tfjs issue 8721).
 */
export interface Kernel {
  readonly kind: 'kernel';
  /** Short name, e.g. `'gaussian'`, used in logs. */
  readonly name: string;
  /**
   * The Gram matrix K[i, j] = k(x_i, y_j) of x `[n, d]` and y `[m, d]`: a new `[n, m]` tensor
   * the caller owns. Passing the same tensor twice (`gram(x, x)`) sets the diagonal distances
   * to exactly 0. Differentiable in x and y.
   */
  gram(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D;
  /** Row-wise values k(x_i, y_i) of x and y, both `[n, d]`: a new `[n]` tensor the caller owns. */
  paired(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D;
}
