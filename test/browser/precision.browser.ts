/**
 * Elementwise precision of each backend against float64 Math, which the tolerance table of
 * _backends.ts relies on: sin/cos within TOLERANCE.sinCos (GPU shaders may be off by 2⁻¹¹ on
 * [−π, π]), the other functions the library uses within a few float32 ulps of scale.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, record, runOn, TOLERANCE } from './_backends';

const OPS: Array<[string, (x: tf.Tensor) => tf.Tensor, (x: number) => number, [number, number], 'abs' | 'rel']> = [
  ['cos', tf.cos, Math.cos, [-Math.PI, Math.PI], 'abs'],
  ['sin', tf.sin, Math.sin, [-Math.PI, Math.PI], 'abs'],
  ['cos (|x| ≤ 40)', tf.cos, Math.cos, [-40, 40], 'abs'],
  ['exp', tf.exp, Math.exp, [-10, 10], 'rel'],
  ['log', tf.log, Math.log, [0.01, 40], 'rel'],
  ['tanh', tf.tanh, Math.tanh, [-6, 6], 'abs'],
  ['sigmoid', tf.sigmoid, (x) => 1 / (1 + Math.exp(-x)), [-10, 10], 'abs'],
  ['softplus', tf.softplus, (x) => Math.log1p(Math.exp(x)), [-10, 10], 'abs'],
  ['sqrt', tf.sqrt, Math.sqrt, [1e-4, 40], 'rel'],
];

describe.each(['cpu', ...BACKENDS] as const)('elementwise precision on %s vs float64', (backend) => {
  it('sin, cos, exp, log, tanh, sigmoid, softplus, sqrt', async () => {
    const errors = await runOn(backend, async () => {
      const out: Record<string, number[]> = {};
      for (const [name, op, ref, [lo, hi], kind] of OPS) {
        const xs = Float32Array.from({ length: 2001 }, (_, i) => lo + ((hi - lo) * i) / 2000);
        const x = tf.tensor1d(xs);
        const y = op(x);
        const d = await y.data();
        tf.dispose([x, y]);
        let e = 0;
        xs.forEach((v, i) => {
          const r = ref(v);
          e = Math.max(e, Math.abs(d[i]! - r) / (kind === 'rel' ? Math.abs(r) : 1));
        });
        out[name] = [e];
      }
      return out;
    });
    for (const [name, [e]] of Object.entries(errors) as Array<[string, number[]]>) record(backend, `${name} (${OPS.find((o) => o[0] === name)![4]})`, e!, 'float64');
    expect(errors.cos![0]!).toBeLessThanOrEqual(TOLERANCE[backend].sinCos);
    expect(errors.sin![0]!).toBeLessThanOrEqual(TOLERANCE[backend].sinCos);
    for (const name of ['exp', 'log', 'tanh', 'sigmoid', 'softplus', 'sqrt']) expect(errors[name]![0]!, name).toBeLessThanOrEqual(1e-5);
  });
});
