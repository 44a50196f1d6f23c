#!/usr/bin/env node
/**
 * Cost of each penalty relative to a plain discriminator step, on a DCGAN-like critic.
 *
 * Critic (raw tfjs-core ops): conv 4×4 s2 1→64, leakyReLU 0.2, conv 4×4 s2 64→128,
 * leakyReLU 0.2, dense 6272→1, on 28×28×1 inputs. A discriminator step is: build the
 * context, evaluate the objective (non-saturating loss + penalty) inside tf.variableGrads,
 * apply Adam. The fake batch is precomputed (no generator forward). All variants run
 * in one process as pairs (a plain step and a penalised step back to back, alternating
 * order, variants rotating between rounds); each is reported as the median and interquartile
 * range of its per-pair ratio, so drifts of the machine's load cancel.
 *
 * Usage: npx tsup && node bench/penalties.mjs [--backend wasm|cpu] [--batch 64] [--rounds 11]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients in Node
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../dist/autodiff.js';
import { nonSaturatingLoss } from '../dist/losses.js';
import { combine, createObjectiveContext, lossTerm } from '../dist/objectives.js';
import {
  draganPenalty,
  lipschitzPenalty,
  r1Penalty,
  r2Penalty,
  rkhsNormPenalty,
  spectralPenalty,
  wganGp,
  zeroCentredGradientPenalty,
} from '../dist/regularizers.js';

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

const init = (shape, fanIn, seed) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed));
const params = {
  w1: init([4, 4, 1, 64], 16, 1),
  b1: tf.variable(tf.zeros([64])),
  w2: init([4, 4, 64, 128], 1024, 2),
  b2: tf.variable(tf.zeros([128])),
  wo: init([7 * 7 * 128, 1], 6272, 3),
  bo: tf.variable(tf.zeros([1])),
};
const vars = Object.values(params);
const critic = (x) => {
  const h1 = tf.leakyRelu(tf.add(tf.conv2d(x, params.w1, 2, 'same'), params.b1), 0.2);
  const h2 = tf.leakyRelu(tf.add(tf.conv2d(h1, params.w2, 2, 'same'), params.b2), 0.2);
  return tf.reshape(tf.add(tf.matMul(tf.reshape(h2, [x.shape[0], -1]), params.wo), params.bo), [-1]);
};
const real = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 10);
const fake = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 11);

const loss = lossTerm(nonSaturatingLoss(), 'discriminator');
const variants = {
  plain: loss,
  wganGp: combine(loss, wganGp()),
  lipschitzPenalty: combine(loss, lipschitzPenalty()),
  r1Penalty: combine(loss, r1Penalty()),
  r2Penalty: combine(loss, r2Penalty()),
  draganPenalty: combine(loss, draganPenalty()),
  zeroCentredGradientPenalty: combine(loss, zeroCentredGradientPenalty()),
  'rkhsNormPenalty (real+fake)': combine(loss, rkhsNormPenalty({ beta2: 0.05 })),
  'rkhsNormPenalty (+value term)': combine(loss, rkhsNormPenalty({ beta2: 0.05, valueTerm: true })),
  spectralPenalty: combine(loss, spectralPenalty({ weights: [params.w1, params.w2, params.wo], threshold: 1, power: 2 })),
};
const optimizer = tf.train.adam(1e-5, 0.5, 0.999);

let step = 0;
async function dStep(objective) {
  const value = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => objective.evaluate(createObjectiveContext({ critic, real, fake, step, seed: 1 })).total,
      vars,
    );
    optimizer.applyGradients(grads);
    return value;
  });
  await value.data();
  value.dispose();
  step++;
}

const names = Object.keys(variants).filter((n) => n !== 'plain');
for (const n of ['plain', ...names]) await dStep(variants[n]); // warm-up (kernels, Adam slots)
// Each sample is a pair: a plain step and a penalised step back to back (order alternating),
// so slow drifts of the machine's load cancel in the ratio.
const ratios = Object.fromEntries(names.map((n) => [n, []]));
const plainTimes = [];
const timed = async (objective) => {
  const t0 = performance.now();
  await dStep(objective);
  return performance.now() - t0;
};
const tensorsBefore = tf.memory().numTensors;
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < names.length; k++) {
    const n = names[(k + r) % names.length];
    let tp;
    let tv;
    if ((r + k) % 2 === 0) {
      tp = await timed(variants.plain);
      tv = await timed(variants[n]);
    } else {
      tv = await timed(variants[n]);
      tp = await timed(variants.plain);
    }
    plainTimes.push(tp);
    ratios[n].push(tv / tp);
  }
}
const leaked = tf.memory().numTensors - tensorsBefore;
const quantile = (a, q) => {
  const s = [...a].sort((x, y) => x - y);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
console.log(`penalty cost on a DCGAN-like critic (28×28×1, batch ${batch}), backend ${tf.getBackend()}, ${rounds} rounds of paired steps`);
console.log(`plain D step: median ${quantile(plainTimes, 0.5).toFixed(1)} ms over ${plainTimes.length} steps`);
console.log(`${'variant'.padEnd(32)} ${'× plain (median)'.padStart(17)} ${'IQR'.padStart(13)}`);
for (const n of names) {
  const q = (p) => quantile(ratios[n], p).toFixed(2);
  console.log(`${n.padEnd(32)} ${q(0.5).padStart(17)} ${`${q(0.25)}–${q(0.75)}`.padStart(13)}`);
}
console.log(`tensor growth over the timed steps: ${leaked}`);
