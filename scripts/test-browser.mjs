#!/usr/bin/env node
/**
 * `npm run test:browser`: the browser suite (test/browser/*.browser.ts) in headless Chromium
 * via vitest's browser mode (vitest.browser.config.mts). Prints the passed/failed count per
 * backend (webgl, webgpu and the cpu reference runs) and ends with a plain
 * `N passed, N failed, N skipped` line, from vitest's JSON report.
 *
 * Needs Chromium at /usr/bin/chromium (Debian: `apt-get install chromium`) or CHROME_PATH.
 * SMOOTHGAN_BROWSER_BACKENDS=webgl narrows the backends (default webgl,webgpu);
 * SMOOTHGAN_BROWSER_REPORT=1 prints every relative error the suite measured.
 *
 * Usage: node scripts/test-browser.mjs [vitest filters...]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const backends = (process.env.SMOOTHGAN_BROWSER_BACKENDS ?? 'webgl,webgpu').split(',').filter(Boolean);
console.log(`\n=== smoothgan browser tests: ${backends.join(', ')} (cpu as the in-page reference), ${chrome} ===`);
if (!existsSync(chrome)) {
  console.log(`no Chromium at ${chrome}: install it (apt-get install chromium) or set CHROME_PATH`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const out = join(tmpdir(), `smoothgan-vitest-browser-${process.pid}.json`);
const res = spawnSync(
  'npx',
  ['vitest', 'run', '--config', 'vitest.browser.config.mts', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } },
);

let report;
try {
  report = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out);
} catch {
  console.log(`vitest wrote no JSON report (exit ${res.status})`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

// Per backend: a test belongs to the backend named in its describe/test titles.
const perBackend = new Map();
let brokenFiles = 0;
for (const file of report.testResults ?? []) {
  const tests = file.assertionResults ?? [];
  if (file.status === 'failed' && tests.length === 0) brokenFiles += 1;
  for (const t of tests) {
    const titles = [...(t.ancestorTitles ?? []), t.title].join(' ');
    const backend = ['webgpu', 'webgl', 'cpu'].find((b) => new RegExp(`\\b${b}\\b`).test(titles)) ?? 'other';
    const row = perBackend.get(backend) ?? { passed: 0, failed: 0, skipped: 0 };
    if (t.status === 'passed') row.passed += 1;
    else if (t.status === 'failed') row.failed += 1;
    else row.skipped += 1;
    perBackend.set(backend, row);
  }
}
for (const b of ['webgl', 'webgpu', 'cpu', 'other']) {
  const r = perBackend.get(b);
  if (r) console.log(`backend ${b}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
}
for (const b of backends) {
  if (!perBackend.get(b)?.passed) console.log(`backend ${b}: no test passed`);
}
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
let exitCode = res.status ?? 1;
if (passed === 0 || failed > 0) exitCode = exitCode || 1;
console.log(`\nbrowser backends: ${backends.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
