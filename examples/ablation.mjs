/**
 * Ablation on the ring of 8 Gaussians: which of the smooth-GAN ingredients matter, for two base
 * losses (non-saturating and Wasserstein), over several seeds.
 *
 * Variants of the critic (2 → 64 → 64 → 1; everything else is the same as in examples/ring.mjs):
 *   none       LeakyReLU(0.2), no spectral normalisation, no penalty;
 *   sn         LeakyReLU(0.2), every dense layer spectrally normalised (first to α = 16, then 1):
 *              condition (I) only (ReLU-type activations are never smooth, theory §3.2);
 *   gp         LeakyReLU(0.2), no SN, zero-centred gradient penalty λ·E‖∇f‖² on the real batch,
 *              λ = 1: the (III) surrogate only;
 *   sn+elu+gp  the `smoothGan` preset: SN as in `sn`, ELU(1) activations, the RKHS-norm penalty
 *              with β2 = 0.5 (the same λ = 1 on the real batch): (I), (II) and (III).
 *
 * Measured at the end of each run, on 2,500 samples from fixed noise:
 *   modes          modes with at least 20 samples within 3σ (σ = 0.05) of their centre, of 8;
 *   high quality   share of samples within 3σ of their nearest centre;
 *   MMD²           unbiased, Gaussian kernels of bandwidths 0.1, 0.5, 2 (summed), 2,000 vs 2,000;
 *   G-loss std     standard deviation of the generator's loss over the last quarter of the steps
 *                  (in loss units: comparable between variants of one loss, not across losses;
 *                  for an unconstrained Wasserstein critic the scale of the loss itself grows);
 *   drift          mean distance (data units) that the samples of 1,000 fixed noise vectors move
 *                  between checkpoints 100 steps apart over the last quarter of the steps: how much
 *                  the generator still moves (or oscillates) late in training, free of loss scale.
 *
 * Writes to --out (default out/ablation): ablation.md (the table, mean ± sd over seeds, and the
 * per-seed values), ablation.png (bars of the four measures, one dot per seed), ablation.json.
 *
 * Run: npm run build && node examples/ablation.mjs [--steps 1500] [--seeds 3] [--backend wasm|cpu]
 */
import { writeFileSync } from 'node:fs';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseFlags, useBackend, outputDir, writeJson, sig, join, tf } from './lib/cli.mjs';
import { Canvas, PALETTE } from './lib/plot.mjs';
import { spectralNormalization } from 'smoothgan/layers';
import { nonSaturatingLoss, wassersteinLoss } from 'smoothgan/losses';
import { zeroCentredGradientPenalty } from 'smoothgan/regularizers';
import { createGanTrainer, normalNoise, smoothGan } from 'smoothgan/train';
import { modeCoverage, ringMixture } from 'smoothgan/metrics';
import { gaussianKernel, mmd2 } from 'smoothgan/divergences';
import { progressBar } from 'smoothgan/node';

const USAGE = `node examples/ablation.mjs [--steps 1500] [--seeds 3] [--losses ns,w] [--variants none,sn,gp,sn+elu+gp]
  [--backend wasm|cpu] [--out DIR] [--alpha 16] [--lambda 1] [--lr 2e-3] [--batch 128] [--quiet]`;
const flags = parseFlags(
  process.argv.slice(2),
  {
    steps: 1500,
    seeds: 3,
    losses: 'ns,w',
    variants: 'none,sn,gp,sn+elu+gp',
    backend: 'wasm',
    out: 'out/ablation',
    alpha: 16,
    lambda: 1,
    lr: 2e-3,
    batch: 128,
    width: 64,
    latent: 8,
    sigma: 0.05,
    evalSamples: 2500,
    quiet: false,
  },
  USAGE,
);
const LOSSES = { ns: () => nonSaturatingLoss(), w: () => wassersteinLoss() };
const LOSS_LABEL = { ns: 'non-saturating', w: 'Wasserstein' };
const VARIANTS = ['none', 'sn', 'gp', 'sn+elu+gp'];
const losses = flags.losses.split(',');
const variants = flags.variants.split(',');
for (const l of losses) if (!(l in LOSSES)) throw new Error(`--losses must list ns and/or w, but got '${l}'.`);
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`--variants must list ${VARIANTS.join(', ')}, but got '${v}'.`);

const backend = await useBackend(flags.backend);
const out = outputDir(flags.out);
const ring = ringMixture({ sigma: flags.sigma });
const MMD_SAMPLES = Math.min(2000, flags.evalSamples);
const realEval = ring.sample(MMD_SAMPLES, 999);
const kernel = gaussianKernel({ bandwidths: [0.1, 0.5, 2] });
const glorot = (seed) => tfl.initializers.glorotUniform({ seed });

function makeGenerator(seed) {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: flags.width, inputShape: [flags.latent], activation: 'relu', kernelInitializer: glorot(seed) }),
      tfl.layers.dense({ units: flags.width, activation: 'relu', kernelInitializer: glorot(seed + 1) }),
      tfl.layers.dense({ units: 2, kernelInitializer: glorot(seed + 2) }),
    ],
  });
}

/** The critic of a variant: SN or not, ELU or LeakyReLU(0.2). */
function makeCritic(seed, { sn, smooth }) {
  const dense = (units, i, extra = {}) => {
    const layer = tfl.layers.dense({ units, kernelInitializer: glorot(seed + 3 + i), ...extra });
    return sn ? spectralNormalization({ layer, bound: i === 0 ? flags.alpha : 1, seed: seed + 10 + i, warmStartIterations: 50 }) : layer;
  };
  const act = () => (smooth ? tfl.layers.activation({ activation: 'elu' }) : tfl.layers.leakyReLU({ alpha: 0.2 }));
  return tfl.sequential({ layers: [dense(flags.width, 0, { inputShape: [2] }), act(), dense(flags.width, 1), act(), dense(1, 2)] });
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)));

async function runOne(lossKey, variant, seed) {
  const loss = LOSSES[lossKey]();
  const sn = variant === 'sn' || variant === 'sn+elu+gp';
  const generator = makeGenerator(seed * 100);
  const critic = makeCritic(seed * 100, { sn, smooth: variant === 'sn+elu+gp' });
  let criticTerms = [];
  if (variant === 'gp') criticTerms = [zeroCentredGradientPenalty({ weight: flags.lambda, samples: 'real' })];
  if (variant === 'sn+elu+gp') {
    // β2 with 1/(2β2) = λ (Gaussian kernel of bandwidth 1: κ1 = 1), so the penalty equals `gp`'s.
    const preset = await smoothGan({ loss, alpha: flags.alpha, beta1: 2 * flags.alpha ** 2, beta2: 1 / (2 * flags.lambda), critic, penalty: { samples: 'real' } });
    criticTerms = [...preset.criticTerms];
  }
  const gan = createGanTrainer({
    generator,
    critic,
    loss,
    criticTerms,
    realData: ({ batchSize, seed: s }) => ring.sample(batchSize, s),
    noise: normalNoise([flags.latent]),
    batchSize: flags.batch,
    optimizers: { critic: tf.train.adam(flags.lr, 0.5, 0.9), generator: tf.train.adam(flags.lr, 0.5, 0.9) },
    seed,
    reportEvery: 1e9, // no σ reads
  });
  const tail = Math.max(1, Math.floor(flags.steps / 4));
  const gLoss = [];
  const drifts = [];
  let previous;
  const every = Math.min(100, tail);
  let diverged = false;
  const recorder = {
    async onStepEnd(event) {
      const g = event.players.generator.loss;
      if (!Number.isFinite(g) || !Number.isFinite(event.players.critic.loss)) {
        diverged = true;
        return 'stop';
      }
      if (event.step > flags.steps - tail) gLoss.push(g);
      if (event.step >= flags.steps - tail && (flags.steps - event.step) % every === 0) {
        const x = await gan.sample(1000, { seed: 77 });
        if (previous) {
          const d = tf.tidy(() => tf.mean(tf.norm(tf.sub(x, previous), 'euclidean', 1)));
          drifts.push((await d.data())[0]);
          d.dispose();
          previous.dispose();
        }
        previous = x;
      }
      return undefined;
    },
  };
  const callbacks = flags.quiet ? [recorder] : [recorder, progressBar({ lines: 2, describe: () => `${lossKey} ${variant} seed ${seed}` })];
  const t0 = performance.now();
  await gan.trainer.fit({ steps: flags.steps, callbacks });
  const seconds = (performance.now() - t0) / 1000;
  previous?.dispose();
  const x = await gan.sample(flags.evalSamples, { seed: 4242 });
  const cov = await modeCoverage(x, ring, { k: 3, minSamples: 20 });
  const head = tf.slice(x, 0, MMD_SAMPLES);
  const m = mmd2(head, realEval, { kernel });
  const mmd = (await m.data())[0];
  tf.dispose([x, head, m]);
  gan.trainer.dispose();
  generator.dispose();
  critic.dispose();
  return {
    loss: lossKey,
    variant,
    seed,
    diverged,
    modes: diverged ? 0 : cov.modesHit,
    highQuality: diverged ? 0 : cov.highQualityShare,
    mmd2: diverged ? NaN : mmd,
    gLossStd: sd(gLoss),
    drift: drifts.length ? mean(drifts) : NaN,
    msPerStep: (1000 * seconds) / flags.steps,
  };
}

// ---------------------------------------------------------------------------------------------
const runs = [];
const t0 = performance.now();
for (const lossKey of losses) {
  for (const variant of variants) {
    for (let seed = 1; seed <= flags.seeds; seed++) {
      const r = await runOne(lossKey, variant, seed);
      runs.push(r);
      console.log(
        `${LOSS_LABEL[lossKey]} / ${variant} / seed ${seed}: ${r.modes}/8 modes, HQ ${(100 * r.highQuality).toFixed(1)}%, ` +
          `MMD² ${sig(r.mmd2, 3)}, G-loss std ${sig(r.gLossStd, 3)}, drift ${sig(r.drift, 3)}${r.diverged ? ' (diverged)' : ''}`,
      );
    }
  }
}
const totalSeconds = (performance.now() - t0) / 1000;

// ---------------------------------------------------------------------------------------------
// Table.
const groups = [];
for (const lossKey of losses) for (const variant of variants) groups.push({ lossKey, variant, runs: runs.filter((r) => r.loss === lossKey && r.variant === variant) });
const fmt = (x, digits = 2) => (Number.isFinite(x) ? (Math.abs(x) >= 1000 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(1) : x.toFixed(digits)) : String(x));
const pm = (xs, digits) => (xs.length > 1 ? `${fmt(mean(xs), digits)} ± ${fmt(sd(xs), digits)}` : fmt(xs[0], digits));
const command = `node examples/ablation.mjs --steps ${flags.steps} --seeds ${flags.seeds}${flags.backend !== 'wasm' ? ` --backend ${flags.backend}` : ''}`;
const lines = [
  `| loss | critic | modes (of 8) | high quality | MMD² | G-loss std | drift | ms/step |`,
  `|---|---|---|---|---|---|---|---|`,
  ...groups.map(({ lossKey, variant, runs: rs }) => {
    const div = rs.filter((r) => r.diverged).length;
    return (
      `| ${LOSS_LABEL[lossKey]} | ${variant}${div ? ` (${div} diverged)` : ''} | ${pm(rs.map((r) => r.modes), 1)} | ${pm(rs.map((r) => 100 * r.highQuality), 1)}% | ` +
      `${pm(rs.map((r) => r.mmd2), 3)} | ${pm(rs.map((r) => r.gLossStd), 3)} | ${pm(rs.map((r) => r.drift), 3)} | ${fmt(mean(rs.map((r) => r.msPerStep)), 1)} |`
    );
  }),
];
const perSeed = [
  `| loss | critic | seed | modes | high quality | MMD² | G-loss std | drift |`,
  `|---|---|---|---|---|---|---|---|`,
  ...runs.map(
    (r) =>
      `| ${LOSS_LABEL[r.loss]} | ${r.variant} | ${r.seed} | ${r.modes}${r.diverged ? ' (diverged)' : ''} | ${(100 * r.highQuality).toFixed(1)}% | ${fmt(r.mmd2, 4)} | ${fmt(r.gLossStd, 4)} | ${fmt(r.drift, 4)} |`,
  ),
];
const md = `# Ablation on the ring of 8 Gaussians

Produced by \`${command}\` (${backend} backend; ${runs.length} runs, ${Math.round(totalSeconds)} s in all).
Ring of 8 Gaussians, radius 2, σ = ${flags.sigma}; generator 8 → 64 → 64 → 2 (ReLU); critic 2 → 64 → 64 → 1;
batch ${flags.batch}; Adam(${flags.lr}, β1 = 0.5, β2 = 0.9) for both players, one critic step per generator step;
${flags.steps} steps; ${flags.seeds > 1 ? `seeds 1–${flags.seeds}` : 'seed 1'}. Values are mean ± sd over the seeds.

Critic variants: **none** (LeakyReLU 0.2); **sn** (spectral normalisation of every dense layer, the first to
α = ${flags.alpha}, LeakyReLU 0.2); **gp** (LeakyReLU 0.2 + zero-centred gradient penalty λ·E‖∇f‖² on the real
batch, λ = ${flags.lambda}); **sn+elu+gp** (the \`smoothGan\` preset: the same SN, ELU(1) activations, the RKHS-norm
penalty with β2 = ${1 / (2 * flags.lambda)}, i.e. the same λ on the real batch).

Measures (${flags.evalSamples} samples from fixed noise after the last step): **modes**: modes with ≥ 20 samples within 3σ of
the centre; **high quality**: share of samples within 3σ of their nearest centre; **MMD²**: unbiased, Gaussian
kernels with bandwidths 0.1, 0.5, 2 (summed), ${MMD_SAMPLES} vs ${MMD_SAMPLES} samples; **G-loss std**: standard deviation of the
generator's loss over the last quarter of the steps (loss units: compare within one loss only); **drift**: mean
distance in data units that the samples of 1,000 fixed noise vectors move between checkpoints ${Math.min(100, Math.max(1, Math.floor(flags.steps / 4)))} steps
apart over the last quarter of the steps; **ms/step**: wall time per round on this machine (not a benchmark).

These are measurements of this toy setting, not a reproduction of a result from the paper.

${lines.join('\n')}

## Per seed

${perSeed.join('\n')}
`;
writeFileSync(join(out, 'ablation.md'), md);
writeJson(join(out, 'ablation.json'), { example: 'ablation', backend, settings: flags, command, totalSeconds: sig(totalSeconds, 3), runs });

// ---------------------------------------------------------------------------------------------
// Figure: four panels of bars (mean over seeds) with one dot per seed.
function barPanels(path, panels) {
  const pw = 330, ph = 250, top = 34, legendH = 24;
  const c = new Canvas(panels.length * (pw + 12) + 12, ph + top + legendH + 40);
  c.text(12, 8, `ABLATION ON THE RING (${flags.seeds} SEEDS, ${flags.steps} STEPS)`, [0, 0, 0], 2);
  panels.forEach((panel, p) => {
    const x0 = 12 + p * (pw + 12) + 46, y0 = top + 18, w = pw - 52, h = ph - 30;
    c.text(x0 - 44, top + 4, panel.title);
    const vals = groups.flatMap((g) => g.runs.map(panel.value)).filter(Number.isFinite);
    const tr = (v) => (panel.log ? Math.log10(Math.max(v, 1e-6)) : v);
    let lo = panel.log ? Math.floor(tr(Math.min(...vals))) : 0;
    let hi = panel.max ?? (panel.log ? Math.ceil(tr(Math.max(...vals))) : Math.max(...vals) * 1.1);
    if (!(hi > lo)) hi = lo + 1;
    const py = (v) => y0 + h - ((tr(v) - lo) / (hi - lo)) * h;
    c.strokeRect(x0, y0, w, h, [160, 160, 160]);
    const label = (v) => (panel.log ? `1E${v}` : panel.percent ? `${Math.round(100 * v)}%` : String(sig(v, 2)));
    c.text(x0 - 44, y0 - 3, label(hi));
    c.text(x0 - 44, y0 + h - 7, label(lo));
    const slot = w / groups.length;
    groups.forEach((g, i) => {
      const color = PALETTE[variants.indexOf(g.variant) % PALETTE.length];
      const v = g.runs.map(panel.value).filter(Number.isFinite);
      const bx = x0 + i * slot + slot * 0.15;
      if (v.length) {
        const m = panel.log ? 10 ** mean(v.map((t) => Math.log10(Math.max(t, 1e-6)))) : mean(v);
        const yTop = Math.max(y0, Math.min(y0 + h, py(m)));
        c.fillRect(Math.round(bx), Math.round(yTop), Math.round(slot * 0.7), Math.round(y0 + h - yTop), color.map((k) => Math.round(k * 0.55 + 255 * 0.45)));
        for (const t of v) c.dot(bx + slot * 0.35, Math.max(y0, Math.min(y0 + h, py(t))), 2, [0, 0, 0]);
      }
    });
    // Loss groups under the axis.
    losses.forEach((l, k) => {
      const gx = x0 + k * variants.length * slot;
      c.line(gx + 2, y0 + h + 4, gx + variants.length * slot - 2, y0 + h + 4, [120, 120, 120]);
      c.text(gx + 4, y0 + h + 9, l === 'ns' ? 'NON-SAT.' : 'WASSERST.');
    });
  });
  variants.forEach((v, k) => {
    const lx = 12 + k * 170, ly = ph + top + 28;
    c.fillRect(lx, ly, 12, 10, PALETTE[k % PALETTE.length].map((t) => Math.round(t * 0.55 + 255 * 0.45)));
    c.text(lx + 16, ly + 2, v);
  });
  c.text(12 + variants.length * 170, ph + top + 30, 'BAR: MEAN, DOT: ONE SEED');
  c.save(path);
}
barPanels(join(out, 'ablation.png'), [
  { title: 'MODES COVERED (OF 8)', value: (r) => r.modes, max: 8 },
  { title: 'HIGH-QUALITY SHARE', value: (r) => r.highQuality, max: 1, percent: true },
  { title: 'G-LOSS STD, LAST 25% (LOG)', value: (r) => r.gLossStd, log: true },
  { title: 'SAMPLE DRIFT /100 STEPS (LOG)', value: (r) => r.drift, log: true },
]);
realEval.dispose();
console.log(`ablation: ${runs.length} runs in ${Math.round(totalSeconds)} s on ${backend}; wrote ${join(out, 'ablation.md')}, ablation.png, ablation.json`);
