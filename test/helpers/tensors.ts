/** Shared assertions: closeness, leaks, finite differences. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Number of live tensors. */
export const liveTensors = (): number => tf.memory().numTensors;

/**
 * Runs `fn` and asserts that it leaves exactly `expected` more tensors alive
 * (the ones it returns, which are then disposed). Async-safe.
 */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, returned = countTensors): Promise<T> {
  const before = liveTensors();
  const out = await fn();
  const kept = returned(out);
  expect(liveTensors() - before, 'tensors leaked').toBe(kept);
  return out;
}

/** Counts the distinct tensors reachable from a value (arrays and plain objects). */
export function countTensors(value: unknown, seen = new Set<number>()): number {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed || seen.has(value.id)) return 0;
    seen.add(value.id);
    return 1;
  }
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countTensors(v, seen), 0);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).reduce((n: number, v) => n + countTensors(v, seen), 0);
  }
  return 0;
}

/** Flattened values of a tensor (async read, works on every backend). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** max |a − b| / max(|b|_∞, floor). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  expect(a.length, 'length').toBe(b.length);
  let num = 0;
  let den = floor;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** Asserts elementwise |a − b| ≤ atol + rtol·|b|. */
export function expectAllClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, label = ''): void {
  expect(a.length, `${label} length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const tol = atol + rtol * Math.abs(b[i]!);
    if (!(Math.abs(a[i]! - b[i]!) <= tol)) {
      throw new Error(`${label} entry ${i}: got ${a[i]}, expected ${b[i]} (tol ${tol})`);
    }
  }
}

/**
 * Central finite difference of a scalar function of one tensor, along direction `v`:
 * (f(x + εv) − f(x − εv)) / 2ε, evaluated in float32 by tfjs.
 */
export function directionalFd(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, v: tf.Tensor, eps: number): number {
  return tf.tidy(() => {
    const up = f(tf.add(x, tf.mul(eps, v))).dataSync()[0]!;
    const down = f(tf.sub(x, tf.mul(eps, v))).dataSync()[0]!;
    return (up - down) / (2 * eps);
  }) as unknown as number;
}

/** Central finite differences in float64 of a plain JS function, entry by entry. */
export function fdGradient64(f: (x: number[]) => number, x: number[], eps = 1e-6): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i]! += eps;
    down[i]! -= eps;
    return (f(up) - f(down)) / (2 * eps);
  });
}

/** A deterministic float array from a seed (mulberry32 + Box–Muller), for test inputs. */
export function seededNormal(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * scale;
  return out;
}

/** A seeded normal tensor. */
export function randn(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(seededNormal(shape.reduce((a, b) => a * b, 1), seed, scale), shape, 'float32');
}
