/**
 * Argument checks shared by every family. Each throws the STYLE.md error form
 * before any state changes.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from './errors.js';

/** A finite number. */
export function checkFinite(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(fn, arg, 'a finite number', value);
  return value;
}

/** A number in [min, max] (inclusive unless `open` says otherwise). */
export function checkRange(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
  max: number,
  open: { min?: boolean; max?: boolean } = {},
): number {
  const v = checkFinite(fn, arg, value);
  const lowOk = open.min ? v > min : v >= min;
  const highOk = open.max ? v < max : v <= max;
  if (!lowOk || !highOk) {
    const lb = open.min ? '(' : '[';
    const rb = open.max ? ')' : ']';
    fail(fn, arg, `a number in ${lb}${min}, ${max}${rb}`, v);
  }
  return v;
}

/** A number > 0. */
export function checkPositive(fn: string, arg: string, value: unknown): number {
  const v = checkFinite(fn, arg, value);
  if (!(v > 0)) fail(fn, arg, 'a positive number', v);
  return v;
}

/** A number ≥ 0. */
export function checkNonNegative(fn: string, arg: string, value: unknown): number {
  const v = checkFinite(fn, arg, value);
  if (!(v >= 0)) fail(fn, arg, 'a non-negative number', v);
  return v;
}

/** An integer ≥ min. */
export function checkInteger(fn: string, arg: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(fn, arg, `an integer >= ${min}`, value);
  }
  return value;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(fn: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(fn, arg, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** A tf.Tensor (not disposed). */
export function checkTensor(fn: string, arg: string, value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) fail(fn, arg, 'a tf.Tensor', value);
  if (value.isDisposed) fail(fn, arg, 'a live tf.Tensor', 'a disposed tensor');
  return value;
}

/** A float32 tensor, optionally of a given rank or rank range. */
export function checkFloatTensor(
  fn: string,
  arg: string,
  value: unknown,
  rank?: number | { min?: number; max?: number },
): tf.Tensor {
  const t = checkTensor(fn, arg, value);
  if (t.dtype !== 'float32') fail(fn, arg, 'a float32 tensor', t);
  if (typeof rank === 'number' && t.rank !== rank) fail(fn, arg, `a tensor of rank ${rank}`, t);
  if (typeof rank === 'object') {
    if (rank.min !== undefined && t.rank < rank.min) fail(fn, arg, `a tensor of rank >= ${rank.min}`, t);
    if (rank.max !== undefined && t.rank > rank.max) fail(fn, arg, `a tensor of rank <= ${rank.max}`, t);
  }
  return t;
}

/** Two tensors of the same shape. */
export function checkSameShape(fn: string, argA: string, a: tf.Tensor, argB: string, b: tf.Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    fail(fn, argB, `of the same shape as ${argA} [${a.shape.join(',')}]`, b);
  }
}

/** An object (options bag); undefined becomes {}. */
export function checkOptions<T extends object>(fn: string, arg: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(fn, arg, 'an options object', value);
  return value;
}
