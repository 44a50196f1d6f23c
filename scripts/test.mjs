#!/usr/bin/env node
/**
 * `npm test`: runs the whole vitest suite once per backend (cpu, then wasm), says which
 * backend each run used, and ends with a plain `N passed, N failed` line summed from
 * vitest's JSON reports, so that a run that executed no test shows as `0 passed`.
 *
 * Usage: node scripts/test.mjs [--backends cpu,wasm] [vitest filters...]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const args = process.argv.slice(2);
let backends = ['cpu', 'wasm'];
const bi = args.indexOf('--backends');
if (bi >= 0) {
  backends = args[bi + 1].split(',');
  args.splice(bi, 2);
}

let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
for (const backend of backends) {
  const out = join(tmpdir(), `smoothgan-vitest-${backend}-${process.pid}.json`);
  console.log(`\n=== smoothgan tests on the '${backend}' backend ===`);
  const res = spawnSync(
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args],
    { stdio: 'inherit', env: { ...process.env, SMOOTHGAN_BACKEND: backend } },
  );
  let report;
  try {
    report = JSON.parse(readFileSync(out, 'utf8'));
    rmSync(out);
  } catch {
    console.log(`backend ${backend}: vitest wrote no JSON report (exit ${res.status})`);
    exitCode = 1;
    failed += 1;
    continue;
  }
  const p = report.numPassedTests ?? 0;
  // A file that failed to load has no test results: count it as one failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
  ).length;
  const f = (report.numFailedTests ?? 0) + brokenFiles;
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`backend ${backend}: ${p} passed, ${f} failed, ${s} skipped`);
  passed += p;
  failed += f;
  skipped += s;
  if (res.status !== 0) exitCode = res.status || 1;
}
if (passed === 0) exitCode = exitCode || 1;
console.log(`\nbackends: ${backends.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
