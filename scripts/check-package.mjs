#!/usr/bin/env node
/**
 * Packaging checks on the built `dist/` (run after `npm run build`):
 * 1. publint (package.json exports, files, types);
 * 2. @arethetypeswrong/cli (types resolve for ESM and CJS consumers under node16 and bundlers);
 * 3. every subpath export loads in Node, as ESM and as CJS;
 * 4. tree-shaking: bundling one small named import from one family with esbuild pulls in no
 *    other family's code and no @tensorflow/tfjs-layers.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let failures = 0;
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures++;
};
const run = (cmd, args) => {
  try {
    return { ok: true, out: execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
};

// 1. publint
const pub = run('npx', ['publint', '--strict']);
check(pub.ok, 'publint --strict');
if (!pub.ok || /warn|error/i.test(pub.out)) console.log(pub.out);

// 2. are the types wrong
const attw = run('npx', ['attw', '--pack', '.', '--profile', 'node16', '--format', 'table-flipped']);
check(attw.ok, 'attw --profile node16');
if (!attw.ok) console.log(attw.out);

// 3. every subpath loads as ESM and CJS (tfjs peers come from devDependencies)
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
const require = createRequire(join(root, 'package.json'));
for (const sp of subpaths) {
  const name = sp === '.' ? pkg.name : `${pkg.name}/${sp.slice(2)}`;
  try {
    await import(name);
    check(true, `import('${name}')`);
  } catch (e) {
    check(false, `import('${name}'): ${e.message}`);
  }
  try {
    require(name);
    check(true, `require('${name}')`);
  } catch (e) {
    check(false, `require('${name}'): ${e.message}`);
  }
}

// 4. tree-shaking
const families = subpaths.filter((s) => s !== '.' && s !== './register').map((s) => s.slice(2));
const exportedNames = (family) => {
  const dts = readFileSync(join(root, 'dist', `${family}.d.ts`), 'utf8');
  const m = dts.match(/export \{([^}]*)\}/g) ?? [];
  return m
    .flatMap((block) => block.replace(/export \{|\}/g, '').split(','))
    .map((s) => s.trim().split(/\s+as\s+/).pop().replace(/^type\s+/, ''))
    .filter((s) => s && /^[A-Za-z_$][\w$]*$/.test(s));
};
const probes = [
  { family: 'losses', name: 'hingeLoss' },
  { family: 'divergences', name: 'mmd2' },
  // Every penalty enables second-order gradients itself: autodiff is a declared dependency.
  { family: 'regularizers', name: 'r1Penalty', allowed: ['autodiff'] },
  { family: 'metrics', name: 'frechetDistance' },
  { family: 'objectives', name: 'combine' },
  // Positive control: the layers family must be seen to load tfjs-layers, or the check is blind.
  { family: 'layers', name: 'spectralNormalization', expectLayers: true },
];
const dir = mkdtempSync(join(tmpdir(), 'smoothgan-treeshake-'));
for (const { family, name, allowed = [], expectLayers = false } of probes) {
  if (!exportedNames(family).includes(name)) {
    check(false, `tree-shaking probe: ${family} does not export ${name}`);
    continue;
  }
  const entry = join(dir, `${family}.mjs`);
  // The file the `smoothgan/<family>` ESM export points to.
  const target = join(root, pkg.exports[`./${family}`].import.default);
  writeFileSync(entry, `import { ${name} } from ${JSON.stringify(target)};\nconsole.log(${name});\n`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify: false,
    treeShaking: true,
    external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
    nodePaths: [join(root, 'node_modules')],
    absWorkingDir: root,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const loadsLayers = /^\s*(?:import|export)\b[^\n]*["']@tensorflow\/tfjs-layers["']|require\(\s*["']@tensorflow\/tfjs-layers["']\s*\)/m.test(code);
  check(
    loadsLayers === expectLayers,
    `import { ${name} } from '${pkg.name}/${family}' ${expectLayers ? 'loads' : 'does not load'} @tensorflow/tfjs-layers`,
  );
  if (expectLayers) continue;
  const leaked = [];
  for (const other of families.filter((f) => f !== family && !allowed.includes(f))) {
    for (const n of exportedNames(other)) {
      if (new RegExp(`(function|class)\\s+${n.replace(/\$/g, '\\$')}\\b`).test(code) && !exportedNames(family).includes(n)) leaked.push(`${other}.${n}`);
    }
  }
  check(leaked.length === 0, `import { ${name} } bundles no other family's exports${leaked.length ? `: ${leaked.slice(0, 8).join(', ')}` : ''} (${(code.length / 1024).toFixed(1)} KiB)`);
}
rmSync(dir, { recursive: true, force: true });

console.log(failures === 0 ? '\npackage checks passed' : `\n${failures} package check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
