/**
 * Reading metric inputs (tensors or plain arrays) into float64 arrays. Not exported from the
 * family barrel.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail, failWith } from '../_internal/errors.js';
import { checkFloatTensor } from '../_internal/validate.js';

/** A feature matrix `[n, d]`: a float32 tensor, or an array of equally long rows of numbers. */
export type FeatureMatrix = tf.Tensor | readonly (readonly number[] | Float32Array | Float64Array)[];

/** 1-D samples `[n]`: a float32 tensor (`[n]` or `[n, 1]`) or an array of numbers. */
export type Samples1D = tf.Tensor | readonly number[] | Float32Array | Float64Array;

/** A matrix in float64, row-major. */
export interface Matrix64 {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

function checkAllFinite(fn: string, arg: string, data: Float64Array, cols: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const where = cols > 1 ? `entry [${Math.floor(i / cols)},${i % cols}]` : `entry ${i}`;
      failWith(fn, `${arg} must contain only finite values, but ${where} is ${data[i]}.`);
    }
  }
}

/** Checks a feature matrix synchronously; returns a reader (so that checks run before any await). */
export function matrixReader(fn: string, arg: string, value: unknown, minRows = 1): () => Promise<Matrix64> {
  if (value instanceof tf.Tensor) {
    const t = checkFloatTensor(fn, arg, value, 2);
    if (t.shape[0]! < minRows) fail(fn, arg, `a tensor with at least ${minRows} row${minRows > 1 ? 's' : ''}`, t);
    return async () => {
      const data = Float64Array.from(await t.data());
      checkAllFinite(fn, arg, data, t.shape[1]!);
      return { data, rows: t.shape[0]!, cols: t.shape[1]! };
    };
  }
  if (!Array.isArray(value) || value.length === 0) {
    fail(fn, arg, 'a float32 tensor [n, d] or a non-empty array of rows', value);
  }
  const rows = value as ArrayLike<number>[];
  const first = rows[0];
  const cols = first && typeof first === 'object' && typeof first.length === 'number' ? first.length : -1;
  if (cols < 1) fail(fn, `${arg}[0]`, 'a non-empty array of numbers', first);
  rows.forEach((row, i) => {
    if (!row || typeof row !== 'object' || row.length !== cols) fail(fn, `${arg}[${i}]`, `an array of ${cols} numbers`, row);
  });
  if (rows.length < minRows) fail(fn, arg, `an array of at least ${minRows} rows`, `${rows.length}`);
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    for (let j = 0; j < cols; j++) data[i * cols + j] = Number(row[j]);
  });
  checkAllFinite(fn, arg, data, cols);
  return async () => ({ data, rows: rows.length, cols });
}

/** Checks 1-D samples synchronously; returns a reader. */
export function vectorReader(fn: string, arg: string, value: unknown): () => Promise<Float64Array> {
  if (value instanceof tf.Tensor) {
    const t = checkFloatTensor(fn, arg, value);
    if (!(t.rank === 1 || (t.rank === 2 && t.shape[1] === 1)) || t.size === 0) {
      fail(fn, arg, 'a non-empty float32 tensor of shape [n] or [n,1]', t);
    }
    return async () => {
      const data = Float64Array.from(await t.data());
      checkAllFinite(fn, arg, data, 1);
      return data;
    };
  }
  const isArrayLike = Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array;
  if (!isArrayLike || (value as ArrayLike<number>).length === 0) {
    fail(fn, arg, 'a non-empty array of numbers or a float32 tensor [n]', value);
  }
  const data = Float64Array.from(value as ArrayLike<number>, Number);
  checkAllFinite(fn, arg, data, 1);
  return async () => data;
}
