/**
 * The demo page: wires the controls to createDemoGan, runs training steps while the page stays
 * responsive, and draws samples, loss curves, the certificate and the per-layer σ.
 * `?backend=cpu` (or webgpu) picks another backend; the default is webgl.
 * State for tests and the console: `window.smoothganDemo`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients
import { enableSecondOrderGradients, registerTrainingKernels } from 'smoothgan/autodiff';
import { createDemoGan, DEFAULT_SETTINGS, RING, type DemoGan, type DemoSettings, type LossName } from './demoGan';

const BETA2_STEPS = [0, 0.05, 0.1, 0.5, 1, 2, 5];
const SAMPLES = 1024;
const DRAW_EVERY = 10;
const MEASURE_EVERY = 50;

interface DemoState {
  ready: boolean;
  running: boolean;
  backend: string;
  step: number;
  msPerStep: number;
  samplesDrawn: number;
  coverage: Array<{ step: number; modesHit: number; highQualityShare: number }>;
  criticLoss: number[];
  generatorLoss: number[];
  sigmas: Record<string, number>;
  certificateL: number | null;
  error: string | null;
}

const state: DemoState = {
  ready: false,
  running: false,
  backend: '',
  step: 0,
  msPerStep: 0,
  samplesDrawn: 0,
  coverage: [],
  criticLoss: [],
  generatorLoss: [],
  sigmas: {},
  certificateL: null,
  error: null,
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  samples: $<HTMLCanvasElement>('samples'),
  losses: $<HTMLCanvasElement>('losses'),
  status: $<HTMLDivElement>('status'),
  error: $<HTMLDivElement>('error'),
  start: $<HTMLButtonElement>('start'),
  reset: $<HTMLButtonElement>('reset'),
  loss: $<HTMLSelectElement>('loss'),
  sn: $<HTMLInputElement>('sn'),
  alpha: $<HTMLInputElement>('alpha'),
  activation: $<HTMLSelectElement>('activation'),
  beta2: $<HTMLInputElement>('beta2'),
  beta2out: $<HTMLOutputElement>('beta2out'),
  A: $<HTMLInputElement>('A'),
  B: $<HTMLInputElement>('B'),
  certificate: $<HTMLTableElement>('certificate'),
  caveats: $<HTMLUListElement>('caveats'),
  layers: $<HTMLTableElement>('layers'),
};

function readSettings(): DemoSettings {
  const pos = (v: string, fallback: number) => (Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : fallback);
  return {
    ...DEFAULT_SETTINGS,
    spectralNorm: el.sn.checked,
    alpha: Math.max(0.1, pos(el.alpha.value, DEFAULT_SETTINGS.alpha)),
    activation: el.activation.value as DemoSettings['activation'],
    beta2: BETA2_STEPS[Number(el.beta2.value)] ?? DEFAULT_SETTINGS.beta2,
    loss: el.loss.value as LossName,
    A: pos(el.A.value, 1),
    B: pos(el.B.value, 1),
  };
}

// ---------- drawing ----------
const realPoints = RING.sampleArray(600, 99).points;
const toPx = (c: HTMLCanvasElement, [x, y]: number[]) => [c.width / 2 + (x! * c.width) / 6, c.height / 2 - (y! * c.height) / 6] as const;

function drawSamples(points: number[][], hit: readonly boolean[]): void {
  const c = el.samples;
  const g = c.getContext('2d')!;
  g.clearRect(0, 0, c.width, c.height);
  g.strokeStyle = '#eee';
  g.beginPath();
  for (let v = -3; v <= 3; v++) {
    const [px] = toPx(c, [v, 0]);
    const [, py] = toPx(c, [0, v]);
    g.moveTo(px, 0);
    g.lineTo(px, c.height);
    g.moveTo(0, py);
    g.lineTo(c.width, py);
  }
  g.stroke();
  g.fillStyle = '#9ab';
  for (const p of realPoints) {
    const [x, y] = toPx(c, p);
    g.fillRect(x - 1, y - 1, 2, 2);
  }
  RING.centres.forEach((centre, k) => {
    const [x, y] = toPx(c, [...centre]);
    g.strokeStyle = hit[k] ? '#2b8a3e' : '#ccc';
    g.lineWidth = 2;
    g.beginPath();
    g.arc(x, y, (3 * RING.sigma * c.width) / 6 + 3, 0, 2 * Math.PI);
    g.stroke();
  });
  g.lineWidth = 1;
  g.fillStyle = 'rgba(232, 89, 12, 0.55)';
  for (const p of points) {
    const [x, y] = toPx(c, p);
    g.fillRect(x - 1.5, y - 1.5, 3, 3);
  }
  state.samplesDrawn += points.length;
}

function drawLosses(): void {
  const c = el.losses;
  const g = c.getContext('2d')!;
  g.clearRect(0, 0, c.width, c.height);
  const series = [
    { data: state.criticLoss, color: '#1c7ed6' },
    { data: state.generatorLoss, color: '#e8590c' },
  ];
  const all = series.flatMap((s) => s.data).filter(Number.isFinite);
  if (all.length < 2) return;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const span = hi - lo || 1;
  const n = Math.max(...series.map((s) => s.data.length));
  g.fillStyle = '#888';
  g.fillText(hi.toPrecision(3), 4, 12);
  g.fillText(lo.toPrecision(3), 4, c.height - 4);
  g.fillText(`step ${n}`, c.width - 60, c.height - 4);
  for (const s of series) {
    g.strokeStyle = s.color;
    g.beginPath();
    s.data.forEach((v, i) => {
      const x = 40 + ((c.width - 50) * i) / Math.max(1, n - 1);
      const y = 8 + (c.height - 16) * (1 - (v - lo) / span);
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.stroke();
  }
}

const fmt = (v: number) => (v === Infinity ? '∞' : Number.isNaN(v) ? '—' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4));
const row = (cells: string[]) => `<tr>${cells.map((c, i) => (i === 0 ? `<td>${c}</td>` : `<td class="num">${c}</td>`)).join('')}</tr>`;

async function showCertificate(demo: DemoGan): Promise<void> {
  const view = await demo.certificate();
  const cert = view.certificate;
  state.certificateL = cert.L;
  el.certificate.innerHTML = [
    row(['α̂ (critic Lipschitz upper bound)', fmt(view.alphaHat)]),
    row(['β̂1 (critic smoothness upper bound)', fmt(view.beta1Hat)]),
    row(['β2 (penalty; ∞ when off)', fmt(view.beta2)]),
    row(['A, B (generator, supplied)', `${fmt(cert.A)}, ${fmt(cert.B)}`]),
    row(['terms α·B, A²β1, A²β2', `${fmt(cert.terms.curvature)}, ${fmt(cert.terms.criticSmoothness)}, ${fmt(cert.terms.distributional)}`]),
    row(['<b>L</b>', `<b>${fmt(cert.L)}</b>`]),
    row(['safe generator step 1/L', fmt(cert.stepSize)]),
  ].join('');
  el.caveats.innerHTML = cert.caveats.map((c) => `<li>${c}</li>`).join('');
  el.layers.innerHTML =
    row(['layer', 'σ(W) of the raw kernel (power iteration)', '‖W_SN‖ used by the bound']) +
    view.layers
      .map((l) => {
        const sigma = Object.entries(state.sigmas).find(([k]) => l.name.includes(k) || k.includes(l.name));
        return row([l.name, sigma ? fmt(sigma[1]) : '—', fmt(l.norm)]);
      })
      .join('');
}

// ---------- training loop ----------
let demo: DemoGan | undefined;
let generation = 0;
const yieldToPage = () => new Promise<void>((r) => setTimeout(r, 0));

let lastHit: readonly boolean[] = [];
async function measure(current: DemoGan): Promise<void> {
  const { points, coverage } = await current.measure(SAMPLES);
  lastHit = coverage.hit;
  drawSamples(points, coverage.hit);
  state.coverage.push({ step: state.step, modesHit: coverage.modesHit, highQualityShare: coverage.highQualityShare });
}

function status(extra = ''): void {
  const last = state.coverage.at(-1);
  el.status.textContent =
    `backend ${state.backend} · step ${state.step} · ${state.msPerStep.toFixed(0)} ms/step` +
    (last ? ` · modes hit ${last.modesHit}/8 · high-quality samples ${(100 * last.highQualityShare).toFixed(0)}%` : '') +
    extra;
}

async function run(): Promise<void> {
  const mine = generation;
  let t0 = performance.now();
  let since = 0;
  try {
    while (state.running && mine === generation && demo) {
      const current = demo;
      const ev = await current.step();
      if (mine !== generation) return;
      state.step = ev.step;
      state.criticLoss.push(ev.players.critic!.loss);
      state.generatorLoss.push(ev.players.generator!.loss);
      for (const [k, v] of Object.entries(ev.metrics)) if (k.startsWith('critic/sigma/')) state.sigmas[k.slice('critic/sigma/'.length)] = v;
      since++;
      if (state.step % DRAW_EVERY === 0) {
        state.msPerStep = (performance.now() - t0) / since;
        t0 = performance.now();
        since = 0;
        if (state.step % MEASURE_EVERY === 0) {
          await measure(current);
          await showCertificate(current);
        } else {
          drawSamples(await current.samples(SAMPLES), lastHit);
        }
        drawLosses();
        status();
      }
      await yieldToPage();
    }
  } catch (e) {
    state.error = e instanceof Error ? e.message : String(e);
    el.error.textContent = state.error;
    state.running = false;
    el.start.textContent = 'Start';
  }
}

async function reset(): Promise<void> {
  generation++;
  demo?.dispose();
  Object.assign(state, { step: 0, samplesDrawn: 0, coverage: [], criticLoss: [], generatorLoss: [], sigmas: {}, certificateL: null, error: null });
  el.error.textContent = '';
  demo = createDemoGan(readSettings());
  await measure(demo);
  await showCertificate(demo);
  drawLosses();
  status();
  if (state.running) void run();
}

function start(): void {
  if (state.running) return;
  state.running = true;
  el.start.textContent = 'Pause';
  void run();
}
function pause(): void {
  state.running = false;
  el.start.textContent = 'Start';
}

async function init(): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('backend') ?? 'webgl';
  if (wanted === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  const ok = await tf.setBackend(wanted);
  if (!ok) throw new Error(`The ${wanted} backend could not start in this browser (tf.setBackend returned false). Try ?backend=cpu.`);
  await tf.ready();
  state.backend = tf.getBackend();
  enableSecondOrderGradients();
  registerTrainingKernels();
  el.start.addEventListener('click', () => (state.running ? pause() : start()));
  el.reset.addEventListener('click', () => void reset());
  for (const input of [el.loss, el.sn, el.alpha, el.activation, el.beta2]) input.addEventListener('change', () => void reset());
  el.beta2.addEventListener('input', () => (el.beta2out.value = String(BETA2_STEPS[Number(el.beta2.value)] || 'off')));
  for (const input of [el.A, el.B]) {
    input.addEventListener('change', () => {
      if (!demo) return;
      Object.assign(demo.settings, { A: readSettings().A, B: readSettings().B });
      void showCertificate(demo);
    });
  }
  await reset();
  state.ready = true;
}

declare global {
  interface Window {
    smoothganDemo: { state: DemoState; start: () => void; pause: () => void; reset: () => Promise<void> };
  }
}
window.smoothganDemo = { state, start, pause, reset };

init().catch((e: unknown) => {
  state.error = e instanceof Error ? e.message : String(e);
  el.error.textContent = state.error;
});
