#!/usr/bin/env node
/**
 * Spectral-normalisation overhead per discriminator step, on a DCGAN-like critic.
 *
 * Critic (tfjs-layers): conv 4×4 s2 1→64, leakyReLU 0.2, conv 4×4 s2 64→128, leakyReLU 0.2,
 * flatten, dense 6272→1, on 28×28×1 inputs, batch 64. A discriminator step is: (SN variants)
 * `updateSpectralNorms(critic)` once, then `optimizer.minimize` of the non-saturating loss on
 * D(real) and D(fake) (Adam), then a read of the loss (sync). The fake batch is precomputed.
 *
 * Variants, each a separate model with the same initial weights and its own Adam:
 * - plain: no SN;
 * - SN reshape: every conv/dense wrapped, σ of the reshaped kernel (SN-GAN, 1 power iteration);
 * - SN operator: σ of the true conv operators (power iteration through conv and its transpose);
 * - plain + GP and SN reshape + GP: the same with a WGAN-GP-style penalty, to see the ratio when
 *   the critic is applied 3 times per step (u still advanced once).
 *
 * All variants run in one process as pairs (plain step and variant step back to back,
 * alternating order, variants rotating between rounds); each is reported as the median (and
 * interquartile range) of its per-pair time ratio, so drifts of the machine's load cancel. A last
 * section profiles one step per variant (`tf.profile`): kernels launched and their summed time.
 *
 * Usage: npx tsup && node bench/spectral-norm.mjs [--backend wasm|cpu] [--batch 64] [--rounds 11]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { enableSecondOrderGradients, registerTrainingKernels } from '../dist/autodiff.js';
import { spectralNormalization, updateSpectralNorms, readSpectralNormSigmas } from '../dist/layers.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backend = arg('backend', 'wasm');
const batch = Number(arg('batch', 64));
const rounds = Number(arg('rounds', 11));

tf.env().set('PROD', true);
await tf.setBackend(backend);
await tf.ready();
registerTrainingKernels();
enableSecondOrderGradients();

/** The critic; `sn` is undefined (plain), 'reshape' or 'operator'. Same seeds for every variant. */
function critic(sn) {
  const wrap = (layer, seed) => (sn ? spectralNormalization({ layer, mode: sn, seed }) : layer);
  const init = (seed) => tfl.initializers.heNormal({ seed });
  return tfl.sequential({
    layers: [
      wrap(tfl.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1], kernelInitializer: init(1) }), 1),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      wrap(tfl.layers.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init(2) }), 2),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.flatten(),
      wrap(tfl.layers.dense({ units: 1, kernelInitializer: init(3) }), 3),
    ],
  });
}

const real = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 10);
const fake = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 11);
const eps = tf.randomUniform([batch, 1, 1, 1], 0, 1, 'float32', 12);
const interp = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));

/** Non-saturating D loss: softplus(−D(real)) + softplus(D(fake)), batch means. */
const nsLoss = (m) =>
  tf.add(tf.mean(tf.softplus(tf.neg(m.apply(real, { training: true })))), tf.mean(tf.softplus(m.apply(fake, { training: true }))));
const gp = (m) => {
  const g = tf.grad((x) => tf.sum(m.apply(x, { training: true })))(interp);
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(g), [1, 2, 3]), 1e-12));
  return tf.mul(10, tf.mean(tf.square(tf.sub(norms, 1))));
};

function variant(name, sn, withGp) {
  const model = critic(sn);
  const optimizer = tf.train.adam(1e-5, 0.5, 0.999);
  const vars = model.trainableWeights.map((w) => w.val);
  return {
    name,
    model,
    async step() {
      if (sn) updateSpectralNorms(model);
      const cost = optimizer.minimize(() => (withGp ? tf.add(nsLoss(model), gp(model)) : nsLoss(model)), true, vars);
      await cost.data();
      cost.dispose();
    },
  };
}

const plain = variant('plain', undefined, false);
const plainGp = variant('plain + GP', undefined, true);
const others = [
  { base: plain, v: variant('SN reshape', 'reshape', false) },
  { base: plain, v: variant('SN operator', 'operator', false) },
  { base: plainGp, v: variant('SN reshape + GP', 'reshape', true) },
  { base: plainGp, v: variant('SN operator + GP', 'operator', true) },
];

const time = async (fn) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

// Warm-up: every variant 3 steps (also creates Adam's slots).
for (const x of [plain, plainGp, ...others.map((o) => o.v)]) for (let i = 0; i < 3; i++) await x.step();
const before = tf.memory().numTensors;

const ratios = new Map(others.map((o) => [o.v.name, []]));
const absolute = new Map([[plain.name, []], [plainGp.name, []], ...others.map((o) => [o.v.name, []])]);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < others.length; k++) {
    const { base, v } = others[(k + r) % others.length];
    let tb;
    let tv;
    if ((r + k) % 2 === 0) {
      tb = await time(() => base.step());
      tv = await time(() => v.step());
    } else {
      tv = await time(() => v.step());
      tb = await time(() => base.step());
    }
    ratios.get(v.name).push(tv / tb);
    absolute.get(v.name).push(tv);
    absolute.get(base.name).push(tb);
  }
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
};
console.log(`spectral-norm overhead per discriminator step — backend ${backend}, batch ${batch}, ${rounds} rounds`);
console.log('critic: conv 4x4 s2 64 → lReLU → conv 4x4 s2 128 → lReLU → dense 1 (28×28×1), Adam, non-saturating loss');
for (const [name, xs] of absolute) {
  console.log(`  ${name.padEnd(20)} ${quantile(xs, 0.5).toFixed(1).padStart(8)} ms/step (median)`);
}
for (const o of others) {
  const xs = ratios.get(o.v.name);
  console.log(
    `  ${`${o.v.name} / ${o.base.name}`.padEnd(34)} ratio ${quantile(xs, 0.5).toFixed(3)}  (IQR ${quantile(xs, 0.25).toFixed(3)}–${quantile(xs, 0.75).toFixed(3)})`,
  );
}
console.log(`tensor growth over the timed steps: ${tf.memory().numTensors - before}`);
// Load-independent view: kernels launched per step (and their summed time, from tf.profile).
const profile = async (v) => {
  const info = await tf.profile(() => v.step());
  return { kernels: info.kernels.length, ms: info.kernels.reduce((a, k) => a + (Number(k.kernelTimeMs) || 0), 0) };
};
const base = { [plain.name]: await profile(plain), [plainGp.name]: await profile(plainGp) };
for (const [name, b] of Object.entries(base)) console.log(`  ${name.padEnd(20)} ${b.kernels} kernels/step`);
for (const o of others) {
  const p = await profile(o.v);
  const b = base[o.base.name];
  console.log(`  ${o.v.name.padEnd(20)} ${p.kernels} kernels/step (×${(p.kernels / b.kernels).toFixed(2)}), summed kernel time ×${(p.ms / b.ms).toFixed(3)}`);
}
const sigmas = await readSpectralNormSigmas(others[0].v.model);
console.log(`σ estimates (SN reshape critic): ${sigmas.map((s) => s.sigma.toFixed(3)).join(', ')}`);
