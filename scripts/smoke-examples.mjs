#!/usr/bin/env node
/**
 * Smoke-runs every example with a few steps, each writing into its own folder under a temporary
 * directory, and checks that it exits with 0 and writes the files it promises. Needs `npm run
 * build` first (examples import the package by name, which resolves to dist/).
 *
 * To add an example, add one entry to EXAMPLES: the script, its tiny-run arguments (`--steps`
 * and `--out` are added here) and the files it must write.
 *
 * Usage: node scripts/smoke-examples.mjs [name ...]   (default: all)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {{ name: string, script: string, steps: number, args?: string[], expects: string[] }[]} */
const EXAMPLES = [
  {
    name: 'ring',
    script: 'examples/ring.mjs',
    steps: 4,
    args: ['--evalSamples', '200', '--snapshots', '1'],
    expects: [
      'metrics.json',
      ...['ring', 'grid'].flatMap((t) => [`samples-${t}.png`, `losses-${t}.png`, `penalty-${t}.png`, `log-${t}.jsonl`]),
    ],
  },
  {
    name: 'ablation',
    script: 'examples/ablation.mjs',
    steps: 4,
    args: ['--seeds', '1', '--evalSamples', '200', '--quiet'],
    expects: ['ablation.md', 'ablation.png', 'ablation.json'],
  },
  {
    name: 'mnist',
    script: 'examples/mnist.mjs',
    steps: 2,
    args: ['--batch', '8', '--evalSamples', '64', '--snapshots', '1', '--bounds', 'false'],
    expects: ['metrics.json', 'real.png', 'samples-00000.png', 'samples-00002.png', 'losses.png'],
  },
  {
    name: 'theory',
    script: 'examples/theory.mjs',
    steps: 5,
    expects: ['theory.json', 'theory-w1.png', 'theory-mmd.png', 'theory-dirac.png', 'theory-dirac-radius.png'],
  },
];

if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('smoke-examples: dist/ is missing; run `npm run build` first.');
  process.exit(1);
}
const only = process.argv.slice(2);
const unknown = only.filter((n) => !EXAMPLES.some((e) => e.name === n));
if (unknown.length > 0) {
  console.error(`smoke-examples: unknown example(s) ${unknown.join(', ')}; known: ${EXAMPLES.map((e) => e.name).join(', ')}`);
  process.exit(1);
}
const selected = only.length > 0 ? EXAMPLES.filter((e) => only.includes(e.name)) : EXAMPLES;
const base = mkdtempSync(join(tmpdir(), 'smoothgan-smoke-'));
const failures = [];
const t0 = performance.now();
for (const ex of selected) {
  const out = join(base, ex.name);
  const args = [ex.script, '--steps', String(ex.steps), '--out', out, ...(ex.args ?? [])];
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? 'true' } });
  const seconds = ((performance.now() - t) / 1000).toFixed(1);
  const missing = ex.expects.filter((f) => !existsSync(join(out, f)));
  if (r.status !== 0 || missing.length > 0) {
    failures.push(ex.name);
    console.error(`✗ ${ex.name} (${seconds} s): ${r.status !== 0 ? `exit ${r.status ?? r.signal}` : `missing ${missing.join(', ')}`}`);
    console.error(`  node ${args.join(' ')}`);
    console.error((r.stdout + r.stderr).trim().split('\n').slice(-25).map((l) => `  | ${l}`).join('\n'));
  } else {
    const lastLine = r.stdout.trim().split('\n').at(-1) ?? '';
    console.log(`✓ ${ex.name} (${seconds} s): ${lastLine}`);
  }
}
rmSync(base, { recursive: true, force: true });
const total = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`smoke-examples: ${selected.length - failures.length}/${selected.length} passed in ${total} s`);
process.exit(failures.length > 0 ? 1 : 0);
