/**
 * Shared command-line plumbing for the examples: flag parsing, backend selection (wasm by
 * default in Node, `--backend cpu` as the fallback), the output directory and the metrics JSON.
 *
 * Import this module before anything that trains: it loads the cpu and wasm backends and then
 * `smoothgan/register` (second-order gradients + training kernels for both backends).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import 'smoothgan/register';

/**
 * Parses `--name value`, `--name=value` and bare `--flag` (→ true) into an object, with defaults.
 * Numbers in `defaults` make the parsed value a number; unknown flags are an error.
 */
export function parseFlags(argv, defaults, usage = '') {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage || `flags: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument '${arg}'. ${usage}`);
    let [key, value] = arg.slice(2).split(/=(.*)/s, 2);
    if (!(key in defaults)) throw new Error(`Unknown flag --${key}. Known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
    if (value === undefined) {
      const next = argv[i + 1];
      if (typeof defaults[key] === 'boolean' && (next === undefined || next.startsWith('--'))) value = 'true';
      else value = argv[++i];
    }
    if (value === undefined) throw new Error(`Flag --${key} needs a value.`);
    if (typeof defaults[key] === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`Flag --${key} must be a number, but got '${value}'.`);
      out[key] = n;
    } else if (typeof defaults[key] === 'boolean') {
      out[key] = value !== 'false' && value !== '0';
    } else out[key] = value;
  }
  return out;
}

/** Selects `wasm` (default) or `cpu`; throws if the backend does not initialise. */
export async function useBackend(name = 'wasm') {
  if (name !== 'wasm' && name !== 'cpu') throw new Error(`--backend must be 'wasm' or 'cpu', but got '${name}'.`);
  tf.env().set('PROD', true);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`The ${name} backend failed to initialise.`);
  await tf.ready();
  return tf.getBackend();
}

/** Creates (with parents) and returns the absolute output directory. */
export function outputDir(dir) {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  return abs;
}

/** Writes `value` as pretty JSON (non-finite numbers as strings, so a divergence stays visible). */
export function writeJson(path, value) {
  const replacer = (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
  writeFileSync(path, `${JSON.stringify(value, replacer, 2)}\n`);
}

/** Rounds to `digits` significant digits (for compact JSON and console lines). */
export const sig = (x, digits = 4) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

export { join, tf };
