#!/usr/bin/env node
/**
 * Speed of smoothgan's training kernels (registerTrainingKernels), side by side in one run:
 *
 * 1. Conv2DBackpropFilter (the weight gradient of a conv layer) at the DCGAN-28 critic's conv
 *    shapes: the replacement on wasm and on cpu against cpu's native kernel (wasm has none);
 * 2. Conv2DBackpropInput (transposed conv) at the DCGAN-28 generator's shapes, batch 64:
 *    the wasm replacement against wasm's native kernel;
 * 3. a DCGAN-28 training step (batch 64, Adam, one D step + one G step) on wasm with all kernels,
 *    on wasm without the faster transposed conv, and on cpu with the filter replacement. Stock cpu
 *    (about 73 s per step) is skipped.
 *
 * Prints a markdown table of medians and ratios. Usage:
 * `npx tsup && node bench/kernels.mjs [--quick] [--write docs/capability.md]`.
 * Timings depend on the machine and its load; the ratios are the point.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients
import { registerTrainingKernels } from '../dist/autodiff.js';

const quick = process.argv.includes('--quick');
tf.env().set('PROD', true);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);

async function use(backend) {
  await tf.setBackend(backend);
  await tf.ready();
}

/** Median wall time of `fn` (which returns a tensor or tensors) over `reps` runs after `warmup`. */
async function time(fn, { reps = 5, warmup = 1 } = {}) {
  const times = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    const out = fn();
    const outs = Array.isArray(out) ? out : [out];
    await Promise.all(outs.map((t) => t.data()));
    if (i >= warmup) times.push(performance.now() - t0);
    tf.dispose(outs);
  }
  return median(times);
}

const rand = (shape, seed) => tf.randomNormal(shape, 0, 1, 'float32', seed);

// --- DCGAN-28 shapes --------------------------------------------------------------------
// D: conv 4×4 s2 1→32 (28→14) → lrelu → conv 4×4 s2 32→64 (14→7) → lrelu → dense 3136→1
// G: dense 64→7·7·64 → relu → convT 4×4 s2 64→32 (7→14) → relu → convT 4×4 s2 32→1 (14→28) → tanh
const FILTER_CASES = [
  { label: 'D conv1 28→14, 1→32', x: [16, 28, 28, 1], dy: [16, 14, 14, 32], filterShape: [4, 4, 1, 32] },
  { label: 'D conv2 14→7, 32→64', x: [16, 14, 14, 32], dy: [16, 7, 7, 64], filterShape: [4, 4, 32, 64] },
];
const INPUT_CASES = [
  { label: 'G convT 7→14, 64→32', dy: [64, 7, 7, 64], filter: [4, 4, 32, 64], inputShape: [64, 14, 14, 32] },
  { label: 'G convT 14→28, 32→1', dy: [64, 14, 14, 32], filter: [4, 4, 1, 32], inputShape: [64, 28, 28, 1] },
];
const convAttrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };

function filterKernel(c) {
  const x = rand(c.x, 1);
  const dy = rand(c.dy, 2);
  const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...convAttrs, filterShape: c.filterShape });
  return { run, dispose: () => tf.dispose([x, dy]) };
}
function inputKernel(c) {
  const dy = rand(c.dy, 3);
  const filter = rand(c.filter, 4);
  const run = () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...convAttrs, inputShape: c.inputShape });
  return { run, dispose: () => tf.dispose([dy, filter]) };
}

async function timeKernel(backend, make, c, opts) {
  await use(backend);
  const k = make(c);
  const ms = await time(k.run, opts);
  k.dispose();
  return ms;
}

// --- DCGAN-28 training step ---------------------------------------------------------------
function dcgan(seed) {
  const v = (shape, scale, s) => tf.variable(tf.mul(rand(shape, seed + s), scale));
  const G = {
    w0: v([64, 7 * 7 * 64], 0.05, 1),
    b0: tf.variable(tf.zeros([7 * 7 * 64])),
    w1: v([4, 4, 32, 64], 0.05, 2),
    b1: tf.variable(tf.zeros([32])),
    w2: v([4, 4, 1, 32], 0.05, 3),
    b2: tf.variable(tf.zeros([1])),
  };
  const D = {
    w1: v([4, 4, 1, 32], 0.05, 4),
    b1: tf.variable(tf.zeros([32])),
    w2: v([4, 4, 32, 64], 0.05, 5),
    b2: tf.variable(tf.zeros([64])),
    w3: v([7 * 7 * 64, 1], 0.02, 6),
    b3: tf.variable(tf.zeros([1])),
  };
  const gen = (z) => {
    const b = z.shape[0];
    let h = tf.relu(tf.reshape(tf.add(tf.matMul(z, G.w0), G.b0), [b, 7, 7, 64]));
    h = tf.relu(tf.add(tf.conv2dTranspose(h, G.w1, [b, 14, 14, 32], 2, 'same'), G.b1));
    return tf.tanh(tf.add(tf.conv2dTranspose(h, G.w2, [b, 28, 28, 1], 2, 'same'), G.b2));
  };
  const disc = (x) => {
    let h = tf.leakyRelu(tf.add(tf.conv2d(x, D.w1, 2, 'same'), D.b1), 0.2);
    h = tf.leakyRelu(tf.add(tf.conv2d(h, D.w2, 2, 'same'), D.b2), 0.2);
    return tf.add(tf.matMul(tf.reshape(h, [x.shape[0], -1]), D.w3), D.b3);
  };
  const optD = tf.train.adam(2e-4, 0.5, 0.999);
  const optG = tf.train.adam(2e-4, 0.5, 0.999);
  const real = tf.clipByValue(rand([64, 28, 28, 1], 7), -1, 1);
  let step = 0;
  // Non-saturating GAN: one D step, one G step.
  const run = () => {
    step++;
    const z = rand([64, 64], 100 + step);
    const dLoss = optD.minimize(
      () => tf.add(tf.mean(tf.softplus(tf.neg(disc(real)))), tf.mean(tf.softplus(disc(gen(z))))),
      true,
      Object.values(D),
    );
    const gLoss = optG.minimize(() => tf.mean(tf.softplus(tf.neg(disc(gen(z))))), true, Object.values(G));
    z.dispose();
    return [dLoss, gLoss];
  };
  const dispose = () => {
    tf.dispose([...Object.values(G), ...Object.values(D), real]);
    optD.dispose();
    optG.dispose();
  };
  return { run, dispose };
}

async function timeStep(backend, opts) {
  await use(backend);
  const m = dcgan(11);
  const ms = await time(m.run, opts);
  m.dispose();
  return ms;
}

/**
 * Median times of several variants measured in alternation (A B A B …), so that a change in
 * machine load hits every variant alike. `activate` switches kernels before each timed run.
 */
async function alternate(variants, { reps, warmup = 1 }) {
  const times = variants.map(() => []);
  for (let i = 0; i < warmup + reps; i++) {
    for (const [j, v] of variants.entries()) {
      v.activate?.();
      const t0 = performance.now();
      const outs = [v.run()].flat();
      await Promise.all(outs.map((t) => t.data()));
      if (i >= warmup) times[j].push(performance.now() - t0);
      tf.dispose(outs);
    }
  }
  return times.map(median);
}

function setKernel(config) {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

// --- run ------------------------------------------------------------------------------------
const rows = [];
const started = performance.now();
const load = (await import('node:os')).loadavg()[0];

// cpu's native Conv2DBackpropFilter, before registerTrainingKernels (one run each: it is slow).
const nativeFilterCpu = [];
for (const c of FILTER_CASES) nativeFilterCpu.push(await timeKernel('cpu', filterKernel, c, { reps: 1, warmup: 0 }));
const nativeConvTranspose = { ...tf.getKernel('Conv2DBackpropInput', 'wasm') };

registerTrainingKernels();
const ourConvTranspose = { ...tf.getKernel('Conv2DBackpropInput', 'wasm') };

for (const [i, c] of FILTER_CASES.entries()) {
  const wasm = await timeKernel('wasm', filterKernel, c, { reps: quick ? 3 : 15 });
  const cpu = await timeKernel('cpu', filterKernel, c, { reps: quick ? 2 : 7 });
  rows.push([`Conv2DBackpropFilter, ${c.label}, batch ${c.x[0]}`, 'wasm replacement vs cpu native', fmt(wasm), fmt(nativeFilterCpu[i]), `${(nativeFilterCpu[i] / wasm).toFixed(1)}×`]);
  rows.push(['', 'wasm replacement vs cpu replacement', fmt(wasm), fmt(cpu), `${(cpu / wasm).toFixed(1)}×`]);
  rows.push(['', 'cpu replacement vs cpu native', fmt(cpu), fmt(nativeFilterCpu[i]), `${(nativeFilterCpu[i] / cpu).toFixed(1)}×`]);
}

await use('wasm');
for (const c of INPUT_CASES) {
  const path = c.filter[2] >= 8 ? 'conv2d path' : 'native path, < 8 channels';
  const k = inputKernel(c);
  const [ours, native] = await alternate(
    [
      { activate: () => setKernel(ourConvTranspose), run: k.run },
      { activate: () => setKernel(nativeConvTranspose), run: k.run },
    ],
    { reps: quick ? 3 : 21 },
  );
  k.dispose();
  rows.push([`Conv2DBackpropInput, ${c.label}, batch ${c.dy[0]}`, `wasm replacement (${path}) vs wasm native`, fmt(ours), fmt(native), `${(native / ours).toFixed(2)}×`]);
}

const m = dcgan(11);
const [wasmAll, wasmFilterOnly] = await alternate(
  [
    { activate: () => setKernel(ourConvTranspose), run: m.run },
    { activate: () => setKernel(nativeConvTranspose), run: m.run },
  ],
  { reps: quick ? 3 : 9, warmup: 1 },
);
m.dispose();
setKernel(ourConvTranspose);
const cpuFilter = await timeStep('cpu', { reps: quick ? 1 : 2, warmup: 1 });
rows.push(['DCGAN-28 D+G step, batch 64, Adam', 'wasm, all kernels vs cpu + filter replacement', fmt(wasmAll), fmt(cpuFilter), `${(cpuFilter / wasmAll).toFixed(1)}×`]);
rows.push(['', 'wasm, all kernels vs wasm, filter kernel only', fmt(wasmAll), fmt(wasmFilterOnly), `${(wasmFilterOnly / wasmAll).toFixed(2)}×`]);
rows.push(['', 'stock cpu (about 73 s per step): skipped', '', '', '']);

const text = [
  `smoothgan training kernels, tfjs ${tf.version_core}, Node ${process.version}${quick ? ' (--quick)' : ''}, load average ${load.toFixed(1)} at the start`,
  '',
  '| measurement | comparison | smoothgan | reference | speed-up |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
  `Medians; the wasm variants were measured in alternation; total bench time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
].join('\n');
const wi = process.argv.indexOf('--write');
if (wi >= 0) {
  // Replace the text between the bench-kernels markers of a markdown file (docs/capability.md).
  const { readFileSync, writeFileSync } = await import('node:fs');
  const file = process.argv[wi + 1];
  const doc = readFileSync(file, 'utf8');
  const [start, end] = ['<!-- bench-kernels:start -->', '<!-- bench-kernels:end -->'];
  const a = doc.indexOf(start);
  const z = doc.indexOf(end);
  if (a < 0 || z < a) throw new Error(`bench/kernels: ${file} has no ${start} … ${end} markers`);
  writeFileSync(file, `${doc.slice(0, a + start.length)}\n${text}\n${doc.slice(z)}`);
}
console.log(`\n${text}`);
