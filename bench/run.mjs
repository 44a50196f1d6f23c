#!/usr/bin/env node
/**
 * `npm run bench`: runs the benchmarks one after another (each prints a markdown table of
 * ratios measured side by side in one run). `npm run bench -- kernels penalties` runs a subset.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = ['kernels', 'spectral-norm', 'penalties', 'backends'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = chosen.length > 0 ? chosen : all;
let failed = 0;
for (const name of names) {
  const file = new URL(`./${name}.mjs`, import.meta.url);
  if (!existsSync(file)) {
    console.error(`unknown benchmark '${name}' (have: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n## bench/${name}.mjs\n`);
  const r = spawnSync(process.execPath, [file.pathname], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
