#!/usr/bin/env node
/**
 * The main example: a smooth GAN (theory §3.5) on the ring of 8 Gaussians, then on the 5×5
 * grid, trained with the `smoothGan` preset on the wasm backend.
 *
 *   npm run example                      # builds, then: node examples/ring.mjs
 *   node examples/ring.mjs --steps 50 --backend cpu --out out/ring-quick
 *
 * Critic: 2 → 64 → 64 → 1 with every Dense layer spectrally normalised to bound α^(1/3) (so the
 * critic is α-Lipschitz, condition I) and softplus activations (β1-smooth, condition II); its
 * objective adds the RKHS-norm penalty of weight 1/(2β2) (condition III). Generator: 8 → 64 → 64 → 2
 * with tanh. Writes to --out: samples-<dataset>.png (samples at several steps beside the data),
 * curves-<dataset>.png (critic loss, generator loss, penalty), metrics.json (modes covered,
 * high-quality share, MMD² to the data, step time, the preset's bounds and certificate).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { parseFlags, useBackend, outputDir, writeJson, sig, join, tf } from './lib/cli.mjs';
import { scatterPanels, lineChart, PALETTE } from './lib/plot.mjs';
import { spectralNormalization } from 'smoothgan/layers';
import { nonSaturatingLoss } from 'smoothgan/losses';
import { gaussianKernel, mmd2 } from 'smoothgan/divergences';
import { modeCoverage, ringMixture, gridMixture } from 'smoothgan/metrics';
import { createGanTrainer, datasetSampler, normalNoise, smoothGan } from 'smoothgan/train';
import { progressBar } from 'smoothgan/node';

const flags = parseFlags(
  process.argv.slice(2),
  { steps: 1500, out: 'out/ring', backend: 'wasm', seed: 1, alpha: 32, beta2: 1, batch: 64, datasets: 'ring,grid' },
  'usage: node examples/ring.mjs [--steps 1500] [--out out/ring] [--backend wasm|cpu] [--seed 1] [--alpha 32] [--beta2 1] [--batch 64] [--datasets ring,grid]',
);
const backend = await useBackend(flags.backend);
const out = outputDir(flags.out);
const WIDTH = 64;
const LATENT = 8;
const SOFTPLUS_S = 0.25; // sup |softplus''|

/** Critic with three SN Dense layers of bound c = α^(1/3) and softplus: Lip ≤ α, β1 ≤ s·(c⁵ + c⁴) (theory §3.2). */
function makeCritic(seed) {
  const c = Math.cbrt(flags.alpha);
  const layers = [];
  [WIDTH, WIDTH, 1].forEach((units, i) => {
    const dense = tfl.layers.dense({ units, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 100 + i }) });
    layers.push(spectralNormalization({ layer: dense, bound: c, seed: seed + i, ...(i === 0 ? { inputShape: [2] } : {}) }));
    if (i < 2) layers.push(tfl.layers.activation({ activation: 'softplus' }));
  });
  return { model: tfl.sequential({ layers }), beta1: SOFTPLUS_S * (c ** 5 + c ** 4) };
}

function makeGenerator(seed) {
  const init = (i) => tfl.initializers.glorotUniform({ seed: seed * 1000 + i });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: WIDTH, inputShape: [LATENT], activation: 'tanh', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: WIDTH, activation: 'tanh', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 2, kernelInitializer: init(3) }),
    ],
  });
}

const toRows = (flat) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);

async function run(name, mixture, range) {
  const seed = flags.seed;
  const data = mixture.sample(4096, seed);
  const { model: critic, beta1 } = makeCritic(seed);
  const generator = makeGenerator(seed);
  const preset = await smoothGan({
    loss: nonSaturatingLoss(),
    alpha: flags.alpha,
    beta1,
    beta2: flags.beta2,
    critic,
    // The generator's constants are not measured here: A = B = 1 are illustrative assumptions.
    generatorConstants: { A: 1, B: 1 },
    tolerance: 0.05,
    strict: false,
  });
  if (preset.violations.length > 0) console.log(`  preset warnings:\n    ${preset.violations.join('\n    ')}`);
  const optimizers = { critic: tf.train.adam(5e-3, 0.5, 0.9), generator: tf.train.adam(1e-3, 0.5, 0.9) };
  const gan = createGanTrainer({
    generator,
    critic,
    loss: preset.loss,
    criticTerms: preset.criticTerms,
    realData: datasetSampler(data, { seed }),
    noise: normalNoise([LATENT]),
    batchSize: flags.batch,
    criticSteps: 2,
    optimizers,
    seed,
    reportEvery: 25,
  });

  const snapshots = [];
  const snapshotAt = new Set([0, Math.round(flags.steps / 4), Math.round(flags.steps / 2), flags.steps]);
  const evalCount = 1000;
  const measure = async (step) => {
    const x = await gan.sample(evalCount, { seed: 12345 });
    const points = toRows(await x.data());
    const realEval = tf.tidy(() => tf.slice(data, [0, 0], [evalCount, 2]));
    const mmdT = tf.tidy(() => mmd2(x, realEval, { kernel: gaussianKernel({ bandwidth: 1 }) }));
    const mmd = (await mmdT.data())[0];
    tf.dispose([x, realEval, mmdT]);
    const coverage = await modeCoverage(points, mixture, { k: 3, minSamples: 10 });
    snapshots.push({ step, points, coverage, mmd });
    return { coverage, mmd };
  };
  await measure(0);

  const curves = { critic: [], generator: [], penalty: [] };
  const stepMs = [];
  const bar = progressBar({
    describe: (e) => `${name}: critic ${e.players.critic.loss.toFixed(3)} generator ${e.players.generator.loss.toFixed(3)}`,
  });
  const recorder = {
    async onStepEnd(event) {
      stepMs.push(event.elapsedMs);
      const { critic: c, generator: g } = event.players;
      curves.critic.push(c.loss);
      curves.generator.push(g.loss);
      curves.penalty.push(c.parts[preset.penalty.name] ?? NaN);
      if (snapshotAt.has(event.step)) await measure(event.step);
      return undefined;
    },
  };
  const t0 = performance.now();
  await gan.trainer.fit({ steps: flags.steps, callbacks: [bar, recorder] });
  const seconds = (performance.now() - t0) / 1000;
  if (!snapshots.some((s) => s.step === flags.steps)) await measure(flags.steps);

  const realPoints = toRows(await tf.slice(data, [0, 0], [1000, 2]).data());
  scatterPanels(
    join(out, `samples-${name}.png`),
    [
      ...snapshots.map((s) => ({
        title: `step ${s.step}: ${s.coverage.modesHit}/${s.coverage.modes} modes`,
        layers: [
          { points: realPoints, color: [200, 200, 200], radius: 1, alpha: 0.5 },
          { points: s.points, color: PALETTE[0], radius: 1, alpha: 0.6 },
        ],
      })),
      { title: 'data', layers: [{ points: realPoints, color: PALETTE[1], radius: 1, alpha: 0.6 }] },
    ],
    { range, title: `${name}: smooth GAN samples (blue) over the data (grey)` },
  );
  lineChart(
    join(out, `curves-${name}.png`),
    [
      { name: 'critic loss', values: curves.critic },
      { name: 'generator loss', values: curves.generator },
      { name: 'rkhs penalty', values: curves.penalty },
    ],
    { title: `${name}: losses`, xLabel: 'step' },
  );
  const final = snapshots[snapshots.length - 1];
  const sorted = stepMs.slice(2).sort((a, b) => a - b);
  const result = {
    dataset: mixture.name,
    steps: flags.steps,
    seconds: sig(seconds),
    stepMsMedian: sig(sorted[Math.floor(sorted.length / 2)] ?? NaN),
    modesCovered: final.coverage.modesHit,
    modes: final.coverage.modes,
    highQualityShare: sig(final.coverage.highQualityShare),
    highQualityDefinition: `within 3σ (σ = ${mixture.sigma}) of the nearest centre; a mode is covered with ≥ 10 of ${evalCount} samples`,
    mmd2ToData: sig(final.mmd, 4),
    mmd2Kernel: 'Gaussian, bandwidth 1, unbiased estimator, 1000 vs 1000 samples',
    snapshots: snapshots.map((s) => ({ step: s.step, modesCovered: s.coverage.modesHit, highQualityShare: sig(s.coverage.highQualityShare), mmd2: sig(s.mmd) })),
    preset: {
      alpha: flags.alpha,
      beta1: sig(beta1),
      beta2: flags.beta2,
      criticLipschitzBound: sig(Number(preset.criticBound.lipschitz)),
      criticSmoothnessBound: sig(Number(preset.criticBound.smoothness)),
      violations: preset.violations,
      certificate: preset.certificate && { L: sig(preset.certificate.L), stepSize: sig(preset.certificate.stepSize), assumedGenerator: { A: 1, B: 1 } },
    },
  };
  console.log(
    `${name}: ${result.modesCovered}/${result.modes} modes, high-quality ${(100 * result.highQualityShare).toFixed(1)} %, MMD² ${result.mmd2ToData}, ${result.seconds} s (${result.stepMsMedian} ms/step)`,
  );
  gan.trainer.dispose();
  optimizers.critic.dispose();
  optimizers.generator.dispose();
  critic.dispose();
  generator.dispose();
  data.dispose();
  return result;
}

const datasets = {
  ring: () => run('ring', ringMixture({ modes: 8, radius: 2, sigma: 0.1 }), [-3, 3]),
  grid: () => run('grid', gridMixture({ size: 5, spacing: 2, sigma: 0.1 }), [-5.5, 5.5]),
};
const results = {};
const start = performance.now();
for (const name of flags.datasets.split(',')) {
  if (!datasets[name]) throw new Error(`--datasets: unknown dataset '${name}' (have ring, grid)`);
  results[name] = await datasets[name]();
}
writeJson(join(out, 'metrics.json'), {
  backend,
  seed: flags.seed,
  totalSeconds: sig((performance.now() - start) / 1000),
  ...results,
});
console.log(`wrote ${out}/metrics.json and the PNGs (${((performance.now() - start) / 1000).toFixed(1)} s)`);
