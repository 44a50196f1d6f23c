#!/usr/bin/env node
/**
 * Step times and capabilities per backend: cpu and wasm in Node; cpu, webgl and webgpu in
 * headless Chromium (Debian's /usr/bin/chromium or CHROME_PATH, driven by Playwright). The
 * workload is bench/_ganBench.mjs (a 2-D MLP GAN step, plain / R1 / SN + R1), bundled with
 * esbuild from src/ for both sides. Prints Markdown tables for docs/backends.md.
 *
 * Usage: node bench/backends.mjs [--steps 20] [--warmup 2] [--node cpu,wasm]
 *          [--browser cpu,webgl,webgpu] [--webgpu-steps 5] [--probe] [--json out.json]
 *   --probe also runs checkSecondOrderSupport on every backend (webgpu: about a minute).
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const list = (s) => (s ? s.split(',').filter(Boolean) : []);
const steps = Number(arg('steps', 20));
const warmup = Number(arg('warmup', 2));
const webgpuSteps = Number(arg('webgpu-steps', 5));
const nodeBackends = list(arg('node', 'cpu,wasm'));
const browserBackends = list(arg('browser', 'cpu,webgl,webgpu'));
const probe = process.argv.includes('--probe');
const jsonOut = arg('json', undefined);

const cache = join(root, 'node_modules', '.cache', 'smoothgan-bench');
mkdirSync(cache, { recursive: true });
const common = {
  bundle: true,
  format: 'esm',
  logLevel: 'warning',
  alias: { smoothgan: join(root, 'src') },
  absWorkingDir: root,
  // package.json's "sideEffects" lists dist/register.* only: without this, esbuild drops the
  // side-effect import of smoothgan/register resolved to src/register.ts.
  ignoreAnnotations: true,
};

const results = { loadAverage: loadavg()[0], node: {}, browser: {}, browserInfo: {} };

// ---------- Node: cpu, wasm ----------
if (nodeBackends.length > 0) {
  const entry = join(cache, 'node-entry.mjs');
  writeFileSync(
    entry,
    [
      "import '@tensorflow/tfjs-backend-cpu';",
      "import '@tensorflow/tfjs-backend-wasm';",
      "import 'smoothgan/register';",
      "import { enableSecondOrderGradients, registerTrainingKernels } from 'smoothgan/autodiff';",
      'enableSecondOrderGradients();',
      'registerTrainingKernels();',
      "export * from '../../../bench/_ganBench.mjs';",
    ].join('\n'),
  );
  const out = join(cache, 'node.mjs');
  await build({ ...common, entryPoints: [entry], outfile: out, platform: 'node', external: ['@tensorflow/*'] });
  const bench = await import(pathToFileURL(out).href);
  for (const b of nodeBackends) {
    await bench.useBackend(b);
    const row = {};
    for (const c of bench.CONFIGS) row[c.name] = await bench.timeGan({ ...c, steps, warmup });
    if (probe) row.capability = await bench.capability();
    results.node[b] = row;
    console.log(`node ${b}: ${bench.CONFIGS.map((c) => `${c.name} ${row[c.name].meanMs.toFixed(1)} ms`).join(', ')}`);
  }
}

// ---------- Browser: cpu, webgl, webgpu ----------
if (browserBackends.length > 0) {
  const entry = join(cache, 'page-entry.mjs');
  writeFileSync(
    entry,
    [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import '@tensorflow/tfjs-backend-cpu';",
      "import '@tensorflow/tfjs-backend-webgl';",
      "import '@tensorflow/tfjs-backend-webgpu';",
      "import 'smoothgan/register';",
      "import { enableSecondOrderGradients, registerTrainingKernels } from 'smoothgan/autodiff';",
      'enableSecondOrderGradients();',
      'registerTrainingKernels();',
      "import * as bench from '../../../bench/_ganBench.mjs';",
      'window.bench = bench;',
      'window.tf = tf;',
      'window.ready = true;',
    ].join('\n'),
  );
  await build({ ...common, entryPoints: [entry], outfile: join(cache, 'page.js'), platform: 'browser', format: 'iife' });
  const html = '<!doctype html><meta charset="utf-8"><title>smoothgan backends bench</title><script src="page.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(join(cache, 'page.js')));
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { chromium } = await import('playwright');
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.ready === true);
    results.browserInfo = await page.evaluate(async () => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      const adapter = await navigator.gpu?.requestAdapter();
      return {
        userAgent: navigator.userAgent,
        webglRenderer: ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : null,
        webgpuAdapter: adapter ? Object.fromEntries(['vendor', 'architecture', 'device', 'description', 'isFallbackAdapter'].map((k) => [k, adapter.info?.[k]])) : null,
      };
    });
    for (const b of browserBackends) {
      const n = b === 'webgpu' ? webgpuSteps : steps;
      const row = await page.evaluate(
        async ({ b, n, warmup, probe }) => {
          await window.bench.useBackend(b);
          const out = {};
          for (const c of window.bench.CONFIGS) out[c.name] = await window.bench.timeGan({ ...c, steps: n, warmup });
          if (b === 'webgl') {
            out.flags = Object.fromEntries(
              ['WEBGL_VERSION', 'WEBGL_RENDER_FLOAT32_ENABLED', 'WEBGL_DOWNLOAD_FLOAT_ENABLED', 'WEBGL_PACK', 'WEBGL_MAX_TEXTURE_SIZE'].map((f) => [f, window.tf.env().get(f)]),
            );
          }
          if (probe) out.capability = await window.bench.capability();
          else out.kernels = window.tf.getKernelsForBackend(b).length;
          return out;
        },
        { b, n, warmup, probe },
      );
      results.browser[b] = row;
      console.log(`browser ${b}: ${['plain', 'R1', 'SN + R1'].map((c) => `${c} ${row[c].meanMs.toFixed(1)} ms`).join(', ')}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

// ---------- Report ----------
const fmt = (r) => (r ? `${r.meanMs.toFixed(0)} (median ${r.medianMs.toFixed(0)})` : '—');
console.log(`\nload average at start: ${results.loadAverage.toFixed(2)}; steps ${steps} (webgpu ${webgpuSteps}) after ${warmup} warm-up steps`);
console.log(`\n| where | backend | plain ms/step | R1 ms/step | SN + R1 ms/step | warm-up (${warmup} steps, plain) ms | leaked tensors |`);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [where, rows] of [['Node', results.node], ['Chromium', results.browser]]) {
  for (const [b, row] of Object.entries(rows)) {
    const leaks = ['plain', 'R1', 'SN + R1'].map((c) => row[c].leakedTensors).join('/');
    console.log(`| ${where} | ${b} | ${fmt(row.plain)} | ${fmt(row.R1)} | ${fmt(row['SN + R1'])} | ${row.plain.warmupMs.toFixed(0)} | ${leaks} |`);
  }
}
if (probe) {
  const all = [...Object.entries(results.node).map(([b, r]) => [`node ${b}`, r]), ...Object.entries(results.browser).map(([b, r]) => [`browser ${b}`, r])];
  const names = all[0][1].capability.secondOrder.map((c) => c.name);
  console.log(`\n| case | ${all.map(([b]) => b).join(' | ')} |`);
  console.log(`| --- | ${all.map(() => '---').join(' | ')} |`);
  for (const [i, name] of names.entries()) {
    const cells = all.map(([, r]) => {
      const c = r.capability.secondOrder[i];
      return c.status === 'ok' ? `ok (${c.relativeError.toExponential(0)})` : c.status === 'wrong' ? `**wrong** (${c.relativeError.toExponential(1)})` : '**throws**';
    });
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  console.log(`| kernels | ${all.map(([, r]) => r.capability.kernels).join(' | ')} |`);
  console.log(`| probe time | ${all.map(([, r]) => `${(r.capability.probeMs / 1000).toFixed(1)} s`).join(' | ')} |`);
}
console.log(`\n${JSON.stringify(results.browserInfo)}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
