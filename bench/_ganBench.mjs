/**
 * The workload of bench/backends.mjs, shared by Node and the browser page (both bundle it
 * with esbuild, `smoothgan/*` resolved to src/): a 2-D MLP GAN step timed on the current
 * backend, and the backend's capabilities (kernel count, checkSecondOrderSupport).
 *
 * GAN: G 8→128→128→128→2 and D 2→128→128→128→1 (tfjs-layers dense, leakyReLU 0.2), batch 64,
 * Adam(1e-4, 0.5, 0.9), non-saturating loss, ring of 8 Gaussians. One step = one
 * `trainer.step()` of createGanTrainer: a critic update and a generator update, with the
 * losses read back (`await data()`), as a training loop does.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkSecondOrderSupport } from 'smoothgan/autodiff';
import { spectralNormalization } from 'smoothgan/layers';
import { nonSaturatingLoss } from 'smoothgan/losses';
import { r1Penalty } from 'smoothgan/regularizers';
import { createGanTrainer, datasetSampler, normalNoise } from 'smoothgan/train';

/** The configurations timed: no penalty, R1 (γ = 10, double backprop), SN critic + R1. */
export const CONFIGS = [
  { name: 'plain', r1: false, sn: false },
  { name: 'R1', r1: true, sn: false },
  { name: 'SN + R1', r1: true, sn: true },
];

function ring(n, seed) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = (Math.floor(u() * 8) * Math.PI) / 4;
    const r = Math.sqrt(-2 * Math.log(u())) * 0.02;
    const t = 2 * Math.PI * u();
    out.push([2 * Math.cos(a) + r * Math.cos(t), 2 * Math.sin(a) + r * Math.sin(t)]);
  }
  return out;
}

function mlp(inputDim, outputDim, width, seed, wrap) {
  const init = (i) => tfl.initializers.glorotUniform({ seed: seed * 10 + i });
  const layers = [];
  for (let i = 0; i < 3; i++) {
    const first = i === 0 ? { inputShape: [inputDim] } : {};
    const dense = tfl.layers.dense({ units: width, kernelInitializer: init(i), ...(wrap ? {} : first) });
    layers.push(wrap ? spectralNormalization({ layer: dense, seed: seed + i, ...first }) : dense);
    layers.push(tfl.layers.leakyReLU({ alpha: 0.2 }));
  }
  const head = tfl.layers.dense({ units: outputDim, kernelInitializer: init(9) });
  layers.push(wrap ? spectralNormalization({ layer: head, seed: seed + 9 }) : head);
  return tfl.sequential({ layers });
}

/** Times `steps` GAN steps after `warmup` steps on the current backend. */
export async function timeGan({ r1, sn, steps = 20, warmup = 2, width = 128, batch = 64 }) {
  const before = tf.memory().numTensors;
  const generator = mlp(8, 2, width, 1, false);
  const critic = mlp(2, 1, width, 2, sn);
  const points = tf.tensor2d(ring(2048, 3));
  const optimizers = { critic: tf.train.adam(1e-4, 0.5, 0.9), generator: tf.train.adam(1e-4, 0.5, 0.9) };
  const gan = createGanTrainer({
    generator,
    critic,
    loss: nonSaturatingLoss(),
    criticTerms: r1 ? [r1Penalty({ gamma: 10 })] : [],
    realData: datasetSampler(points, { seed: 4 }),
    noise: normalNoise([8]),
    batchSize: batch,
    optimizers,
    seed: 5,
  });
  const warm = [];
  const times = [];
  let last;
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    last = await gan.trainer.step();
    (i < warmup ? warm : times).push(performance.now() - t0);
  }
  gan.trainer.dispose();
  optimizers.critic.dispose();
  optimizers.generator.dispose();
  generator.dispose();
  critic.dispose();
  points.dispose();
  const sorted = [...times].sort((a, b) => a - b);
  return {
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    warmupMs: warm.reduce((a, b) => a + b, 0),
    criticLoss: last.players.critic.loss,
    leakedTensors: tf.memory().numTensors - before,
  };
}

/** Kernel count and the second-order probe on the current backend. */
export async function capability() {
  const backend = tf.getBackend();
  const t0 = performance.now();
  const report = await checkSecondOrderSupport();
  return {
    backend,
    kernels: tf.getKernelsForBackend(backend).length,
    secondOrder: report.cases.map((c) => ({ name: c.name, status: c.status, relativeError: c.relativeError })),
    probeMs: performance.now() - t0,
  };
}

/** Selects a backend and fails loudly if it does not start. */
export async function useBackend(name) {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') returned ${ok}: the backend could not start.`);
  await tf.ready();
}
