/**
 * Type tests (checked by `tsc --noEmit`, not run): critic outputs go by name, and the factories
 * return their hyperparameters as readonly fields.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { hingeLoss, leastSquaresLoss, relativisticLoss, type AdversarialLoss, type LossReduction } from 'smoothgan/losses';
import { gaussianKernel, mmd2, mmdLoss, type Kernel } from 'smoothgan/divergences';
import { frechetDistance, ringMixture, type GaussianMixture } from 'smoothgan/metrics';

declare const real: tf.Tensor;
declare const fake: tf.Tensor;
declare const x: tf.Tensor2D;

const hinge: AdversarialLoss = hingeLoss({ realMargin: 1, reduction: 'mean' });
hinge.discriminator({ real, fake, realWeights: 2, fakeWeights: real });
hinge.generator({ fake });
// @ts-expect-error: positional arguments are not accepted
hinge.discriminator(real, fake);
// @ts-expect-error: the discriminator needs both sides
hinge.discriminator({ real });
// @ts-expect-error: unknown reduction
hingeLoss({ reduction: 'avg' });
const r: LossReduction = hingeLoss().reduction;
void r;

const ls = leastSquaresLoss({ a: -1, b: 1, c: 0 });
// @ts-expect-error: hyperparameters are readonly
ls.a = 2;
// @ts-expect-error: unknown base
relativisticLoss({ base: 'wgan' });

const k: Kernel = gaussianKernel({ bandwidths: [1, 2] });
const value: tf.Scalar = mmd2(x, x, { kernel: k, estimator: 'linear' });
void value;
// @ts-expect-error: the kernel is required
mmd2(x, x, {});
const mmd: AdversarialLoss = mmdLoss({ kernel: k });
void mmd;

const ring: GaussianMixture = ringMixture();
const fid: Promise<number> = frechetDistance(ring.sample(10), [[0, 1]]);
void fid;
