/**
 * The browser suite's harness: registers cpu, webgl and webgpu, states the tolerances per
 * backend (in this one place), and runs a computation on a GPU backend and on cpu in the same
 * page to compare the two. Values are read only with `await t.data()`: on webgpu,
 * `dataSync()` of a GPU-resident tensor returns zeros and breaks the device.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
// Backends first: register() also registers the training kernels of the backends known so far.
import 'smoothgan/register';
import { afterAll, expect, inject } from 'vitest';

export type GpuBackend = 'webgl' | 'webgpu';

/** What a backend is held to. Relative errors are max|got − ref| / max|ref| per array. */
export interface Tolerance {
  /** Against the cpu backend, same inputs, same page. */
  readonly vsCpu: number;
  /** Against float64 references (torch fixtures, closed forms written in the tests). */
  readonly vsFloat64: number;
  /**
   * Losses, σ and samples after a few optimiser steps, against the same steps on cpu (errors
   * compound). Adam runs with ε = 1e-3 there: with ε = 1e-7 its first steps turn gradient
   * entries that are 1e-9 on one backend and exactly 0 on the other into ±lr updates.
   */
  readonly afterSteps: number;
  /**
   * Absolute error of sin and cos on [−π, π]. GPU shaders are only required to reach 2⁻¹¹
   * there (Vulkan and WGSL precision rules), and SwiftShader is close to it (1.9e-4): code
   * built on cos (random-Fourier critics) agrees with cpu to this much of its value bound.
   */
  readonly sinCos: number;
}

/**
 * Tolerances per backend. Measured worst cases (docs/backends.md): ≤ 5.4e-6 of scale against
 * cpu (an unbiased MMD², a difference of kernel means), ≤ 1.3e-6 elsewhere; ≤ 7.8e-7 against
 * the float64 fixtures; ≤ 4e-7 after 5 GAN rounds.
 */
export const TOLERANCE: Readonly<Record<GpuBackend | 'cpu', Tolerance>> = {
  cpu: { vsCpu: 0, vsFloat64: 1e-5, afterSteps: 0, sinCos: 1e-6 },
  webgl: { vsCpu: 2e-5, vsFloat64: 2e-5, afterSteps: 1e-4, sinCos: 2 ** -11 },
  webgpu: { vsCpu: 2e-5, vsFloat64: 2e-5, afterSteps: 1e-4, sinCos: 2 ** -11 },
};

/**
 * The backends under test: webgl runs everything, webgpu a small subset (a step there costs
 * over a second on SwiftShader). SMOOTHGAN_BROWSER_BACKENDS=webgl (say) narrows a local run;
 * CI runs both, and scripts/test-browser.mjs prints which ran.
 */
export const BACKENDS: readonly GpuBackend[] = inject('smoothganBackends');
/** Backends that run the small subset (every backend under test). */
export const SUBSET: readonly GpuBackend[] = BACKENDS;
/** Backends that run everything (webgl). */
export const FULL: readonly GpuBackend[] = BACKENDS.filter((b) => b === 'webgl');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by vitest.browser.config.mts from SMOOTHGAN_BROWSER_BACKENDS (default webgl,webgpu). */
    smoothganBackends: GpuBackend[];
    /** SMOOTHGAN_BROWSER_REPORT=1: print the relative error of every comparison. */
    smoothganReport: boolean;
  }
}

/** Selects `name` and fails loudly if it cannot start (tf.getBackend() alone would lie). */
export async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  expect(ok, `tf.setBackend('${name}') returned ${ok}: the ${name} backend could not start in this browser`).toBe(true);
  expect(tf.getBackend()).toBe(name);
  await tf.ready();
}

/** Named arrays a computation returns, read with `await t.data()`. */
export type Arrays = Record<string, ArrayLike<number>>;

/** Reads tensors asynchronously (never dataSync) and disposes them. */
export async function read(tensors: Record<string, tf.Tensor>): Promise<Arrays> {
  const out: Arrays = {};
  for (const [k, t] of Object.entries(tensors)) out[k] = Array.from(await t.data());
  tf.dispose(Object.values(tensors));
  return out;
}

/** Runs `compute` on `backend` and checks that it leaves `tf.memory().numTensors` unchanged. */
export async function runOn(backend: string, compute: () => Promise<Arrays>): Promise<Arrays> {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const result = await compute();
  expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
  return result;
}

/** max|a − b| / max(max|b|, floor). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return Number.isNaN(diff) || a.length === 0 ? Number.POSITIVE_INFINITY : diff / scale;
}

const worst: Array<{ backend: string; label: string; error: number; oracle: string }> = [];

/** Records an error for the report (SMOOTHGAN_BROWSER_REPORT=1 prints the worst per file). */
export function record(backend: string, label: string, error: number, oracle: string): void {
  worst.push({ backend, label, error, oracle });
}

if (inject('smoothganReport')) {
  afterAll(() => {
    const rows = worst.map((w) => `${w.backend.padEnd(7)} ${w.oracle.padEnd(8)} ${w.error.toExponential(2).padStart(9)}  ${w.label}`);
    console.log(`relative errors:\n${rows.join('\n')}`);
  });
}

/** Asserts every array of `got` is within `tol` of `ref` (relative to max(the array's scale, floor)). */
export function expectClose(backend: string, label: string, got: Arrays, ref: Arrays, tol: number, oracle = 'cpu', floor = 1e-12): number {
  expect(Object.keys(got).sort()).toEqual(Object.keys(ref).sort());
  let max = 0;
  for (const k of Object.keys(ref)) {
    const e = relativeError(got[k]!, ref[k]!, floor);
    max = Math.max(max, e);
    expect(e, `${label} on ${backend}: '${k}' differs from ${oracle} by ${e.toExponential(2)} of scale (tolerance ${tol})`).toBeLessThanOrEqual(tol);
  }
  record(backend, label, max, oracle);
  return max;
}

/** Computes on cpu and on `backend` in this page and compares (no leak on either). */
export async function expectLikeCpu(backend: GpuBackend, label: string, compute: () => Promise<Arrays>, tol = TOLERANCE[backend].vsCpu): Promise<Arrays> {
  const ref = await runOn('cpu', compute);
  const got = await runOn(backend, compute);
  expectClose(backend, label, got, ref, tol);
  return got;
}
