/**
 * The demo's model, without any DOM: a 2-D MLP GAN on a ring of 8 Gaussians, built from the
 * paper's three knobs (α: spectral normalisation, β1: smooth or ReLU critic, β2: RKHS-norm
 * penalty) and a base loss, trained with smoothgan's GAN trainer. The page (main.ts) drives it.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { smoothnessCertificate, smoothnessUpperBound, type SmoothnessCertificate } from 'smoothgan/bounds';
import { spectralNormalization } from 'smoothgan/layers';
import { hingeLoss, leastSquaresLoss, minimaxLoss, nonSaturatingLoss, wassersteinLoss, type AdversarialLoss } from 'smoothgan/losses';
import { modeCoverage, ringMixture, type ModeCoverageReport } from 'smoothgan/metrics';
import { rkhsNormPenalty } from 'smoothgan/regularizers';
import { createGanTrainer, datasetSampler, normalNoise, type GanTrainer, type StepEvent } from 'smoothgan/train';

export const LOSSES = {
  nonSaturating: () => nonSaturatingLoss(),
  minimax: () => minimaxLoss(),
  hinge: () => hingeLoss(),
  leastSquares: () => leastSquaresLoss(),
  wasserstein: () => wassersteinLoss(),
} satisfies Record<string, () => AdversarialLoss>;
export type LossName = keyof typeof LOSSES;

/** The knobs. */
export interface DemoSettings {
  /** Condition (I): spectral normalisation of every critic layer, so that the critic is α-Lipschitz. */
  readonly spectralNorm: boolean;
  /** α, the critic's Lipschitz bound; each of the critic's 3 layers gets σ = α^(1/3). */
  readonly alpha: number;
  /** Condition (II): a smooth critic activation (softplus, β1 finite) or ReLU (β1 = ∞). */
  readonly activation: 'softplus' | 'relu';
  /** Condition (III): β2 of the RKHS-norm penalty (1/(2β2))·E‖∇f‖²; 0 turns it off. */
  readonly beta2: number;
  readonly loss: LossName;
  /** The generator's constants A and B of the certificate (estimates: not measured here). */
  readonly A: number;
  readonly B: number;
  readonly seed: number;
  /** Adam learning rates (the critic's is larger: two time-scale updates). */
  readonly learningRate: { readonly critic: number; readonly generator: number };
  /** Hidden units of both networks (2 hidden layers each). */
  readonly width: number;
  readonly batchSize: number;
  /** Latent dimension of the generator's Gaussian noise. */
  readonly latent: number;
  readonly generatorActivation: 'tanh' | 'relu' | 'elu';
  /** Critic updates per generator update. */
  readonly criticSteps: number;
}

export const DEFAULT_SETTINGS: DemoSettings = {
  spectralNorm: true,
  alpha: 32,
  activation: 'softplus',
  beta2: 1,
  loss: 'nonSaturating',
  A: 1,
  B: 1,
  seed: 1,
  learningRate: { critic: 5e-3, generator: 1e-3 },
  width: 64,
  batchSize: 64,
  latent: 8,
  generatorActivation: 'tanh',
  criticSteps: 2,
};

export const RING = ringMixture({ modes: 8, radius: 2, sigma: 0.1 });

export interface CertificateView {
  /** α̂: Lipschitz upper bound of the critic. */
  readonly alphaHat: number;
  /** β̂1: smoothness upper bound of the critic (Infinity for ReLU). */
  readonly beta1Hat: number;
  /** β2·κ1 of the penalty (Infinity without it: condition III is not enforced). */
  readonly beta2: number;
  /** Per critic layer: name, ‖W‖ (or the wrapped, normalised σ) and the bound's method. */
  readonly layers: ReadonlyArray<{ readonly name: string; readonly norm: number }>;
  readonly certificate: SmoothnessCertificate;
}

/** A running demo GAN. */
export interface DemoGan {
  readonly settings: DemoSettings;
  readonly gan: GanTrainer;
  step(): Promise<StepEvent>;
  /** Generated points from a fixed noise batch, as rows. */
  samples(count: number): Promise<number[][]>;
  /** `count` generated points and their mode coverage (a mode is hit by ≥ 1% of them within 3σ). */
  measure(count: number): Promise<{ points: number[][]; coverage: ModeCoverageReport }>;
  certificate(): Promise<CertificateView>;
  dispose(): void;
}

function critic(s: DemoSettings): tfl.LayersModel {
  const init = (i: number) => tfl.initializers.glorotUniform({ seed: s.seed * 100 + i });
  const perLayer = Math.cbrt(s.alpha);
  const layers: tfl.layers.Layer[] = [];
  const units = [s.width, s.width, 1];
  units.forEach((u, i) => {
    const first = i === 0 ? { inputShape: [2] } : {};
    const dense = tfl.layers.dense({ units: u, kernelInitializer: init(i), ...(s.spectralNorm ? {} : first) });
    layers.push(s.spectralNorm ? spectralNormalization({ layer: dense, bound: perLayer, seed: s.seed + i, ...first }) : dense);
    if (i < units.length - 1) layers.push(tfl.layers.activation({ activation: s.activation }));
  });
  return tfl.sequential({ layers });
}

function generator(s: DemoSettings): tfl.LayersModel {
  const init = (i: number) => tfl.initializers.glorotUniform({ seed: s.seed * 1000 + i });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: s.width, inputShape: [s.latent], activation: s.generatorActivation, kernelInitializer: init(1) }),
      tfl.layers.dense({ units: s.width, activation: s.generatorActivation, kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 2, kernelInitializer: init(3) }),
    ],
  });
}

/** Builds the GAN for `settings`. Call `dispose()` when done. */
export function createDemoGan(settings: DemoSettings): DemoGan {
  const s = { ...settings };
  const g = generator(s);
  const d = critic(s);
  const data = RING.sample(4096, s.seed);
  const optimizers = { critic: tf.train.adam(s.learningRate.critic, 0.5, 0.9), generator: tf.train.adam(s.learningRate.generator, 0.5, 0.9) };
  const gan = createGanTrainer({
    generator: g,
    critic: d,
    loss: LOSSES[s.loss](),
    criticTerms: s.beta2 > 0 ? [rkhsNormPenalty({ beta2: s.beta2 })] : [],
    realData: datasetSampler(data, { seed: s.seed }),
    noise: normalNoise([s.latent]),
    batchSize: s.batchSize,
    criticSteps: s.criticSteps,
    optimizers,
    seed: s.seed,
    reportEvery: 10, // σ of the SN layers is read (a GPU readback each) every 10 rounds only
  });
  const samples = async (count: number): Promise<number[][]> => {
    const x = await gan.sample(count, { seed: 12345 });
    const flat = await x.data();
    x.dispose();
    return Array.from({ length: count }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]);
  };
  return {
    settings: s,
    gan,
    step: () => gan.trainer.step(),
    samples,
    async measure(count) {
      const points = await samples(count);
      return { points, coverage: await modeCoverage(points, RING, { minSamples: Math.ceil(count / 100) }) };
    },
    async certificate() {
      const bound = await smoothnessUpperBound(d);
      const num = (v: number | 'unbounded') => (v === 'unbounded' ? Infinity : v);
      const alphaHat = num(bound.lipschitz);
      const beta1Hat = num(bound.smoothness);
      // Gaussian kernel of bandwidth 1 (the penalty's default): κ1 = 1.
      const beta2 = s.beta2 > 0 ? s.beta2 : Infinity;
      const layers = bound.layers.filter((l) => l.linearNorm !== undefined).map((l) => ({ name: l.name, norm: l.linearNorm! }));
      return { alphaHat, beta1Hat, beta2, layers, certificate: smoothnessCertificate({ alpha: alphaHat, beta1: beta1Hat, beta2, A: s.A, B: s.B }) };
    },
    dispose() {
      gan.trainer.dispose();
      optimizers.critic.dispose();
      optimizers.generator.dispose();
      g.dispose();
      d.dispose();
      data.dispose();
    },
  };
}
