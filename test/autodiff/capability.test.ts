/**
 * checkSecondOrderSupport: the known failures of stock tfjs show before enabling, every case
 * is ok after (except maxPool's documented throw and tf.logSoftmax's documented limitation),
 * no tensor leaks, option checks; and the probe's activations are tfjs-layers' own.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  checkSecondOrderSupport,
  enableSecondOrderGradients,
  registerTrainingKernels,
  secondOrderProbeNames,
  type SecondOrderSupportReport,
} from 'smoothgan/autodiff';
import { LAYERS_ACTIVATIONS } from '../../src/autodiff/capability';
import { BACKEND } from '../setup';
import { liveTensors, randn, relError, values } from '../helpers/tensors';
import { ALL_ACTIVATIONS, layersActivation } from './critics';

const byName = (r: SecondOrderSupportReport) => Object.fromEntries(r.cases.map((c) => [c.name, c]));

/** Cases that stay not-ok after enableSecondOrderGradients, with the reason (docs/capability.md). */
const EXPECTED_AFTER: Record<string, 'throws' | 'wrong'> = {
  maxPool: 'throws', // MaxPoolGrad has no second order: a clear error
  'activation:logSoftmax': 'wrong', // tf.logSoftmax is a customGrad op the registry cannot reach
};

describe('checkSecondOrderSupport with stock tfjs', () => {
  it('shows the known failures, and leaks no tensor', async () => {
    const before = liveTensors();
    const report = await checkSecondOrderSupport();
    expect(liveTensors(), 'tensors leaked').toBe(before);
    expect(report.backend).toBe(BACKEND);
    expect(report.allOk).toBe(false);
    expect(report.cases.map((c) => c.name)).toEqual(secondOrderProbeNames());
    const r = byName(report);
    // Saved-output gradients (tfjs issue 3252): silently wrong.
    for (const name of ['tanh', 'sigmoid', 'softmax', 'swish', 'mish', 'gelu_new', 'logSoftmax']) {
      expect(r[`activation:${name}`]!.status, name).toBe('wrong');
      expect(r[`activation:${name}`]!.relativeError, name).toBeGreaterThan(2e-2);
    }
    expect(r.concat!.status).toBe('wrong'); // its tanh branch
    // Comparison kernels without gradients: throw.
    const throwsWith: [string, RegExp][] = [
      ['activation:leakyReLU', /gradient function not found for Greater/],
      ['activation:prelu', /gradient function not found for Greater/],
      ['activation:selu', /gradient function not found for Greater/],
      ['activation:thresholdedReLU', /gradient function not found for Greater/],
      ['activation:elu', /gradient function not found for EluGrad/],
      ['activation:relu6', /gradient function not found for Greater/], // tf.minimum's gradient
      ['activation:hardSigmoid', /gradient function not found for LogicalAnd/],
    ];
    for (const [name, re] of throwsWith) {
      expect(r[name]!.status, name).toBe('throws');
      expect(r[name]!.message, name).toMatch(re);
      expect(r[name]!.message, name).toMatch(/^Cannot compute gradient: gradient function not found for/);
      expect(Number.isNaN(r[name]!.relativeError)).toBe(true);
    }
    // Backprop kernels without gradients (cpu), or kernels missing altogether (wasm).
    const missing =
      BACKEND === 'wasm'
        ? ['conv2d', 'conv2dTranspose', 'depthwiseConv2d', 'avgPool', 'maxPool', 'resizeNearestNeighbor', 'resizeBilinear']
        : ['depthwiseConv2d', 'avgPool', 'maxPool', 'resizeNearestNeighbor', 'resizeBilinear'];
    for (const name of missing) {
      expect(r[name]!.status, name).toBe('throws');
      expect(r[name]!.message, name).toMatch(BACKEND === 'wasm' ? /not registered for backend 'wasm'/ : /gradient function not found/);
    }
    // What already works: softplus-based op cases and smooth activations whose gradients read inputs.
    for (const name of ['dense', 'layerNorm', 'batchNorm', 'activation:softplus', 'activation:gelu', 'activation:linear']) {
      expect(r[name]!.status, name).toBe('ok');
    }
  });
});

describe('checkSecondOrderSupport after registerTrainingKernels + enableSecondOrderGradients', () => {
  it('is ok for every case but the two documented ones, and leaks no tensor', async () => {
    registerTrainingKernels();
    enableSecondOrderGradients();
    const before = liveTensors();
    const report = await checkSecondOrderSupport();
    expect(liveTensors(), 'tensors leaked').toBe(before);
    for (const c of report.cases) {
      expect(c.status, `${c.name} (${c.message ?? c.relativeError})`).toBe(EXPECTED_AFTER[c.name] ?? 'ok');
      if (c.status === 'ok') expect(c.relativeError).toBeLessThan(5e-3);
    }
    expect(byName(report).maxPool!.message).toBe(
      'Error in enableSecondOrderGradients: second-order gradients through maxPool (kernel MaxPoolGrad) are not supported. ' +
        'Replace maxPool in the critic with a strided conv2d or avgPool.',
    );
  });

  it('filters cases with `only`, and is reproducible for a seed', async () => {
    const a = await checkSecondOrderSupport({ only: ['conv2d', 'tanh'], seed: 3 });
    expect(a.cases.map((c) => c.name)).toEqual(['conv2d', 'conv2dTranspose', 'activation:tanh']);
    const b = await checkSecondOrderSupport({ only: ['conv2d', 'tanh'], seed: 3 });
    expect(b.cases.map((c) => c.relativeError)).toEqual(a.cases.map((c) => c.relativeError));
    const c = await checkSecondOrderSupport({ only: ['conv2d', 'tanh'], seed: 4 });
    expect(c.cases.map((k) => k.relativeError)).not.toEqual(a.cases.map((k) => k.relativeError));
    // A case's draw does not depend on which other cases run.
    const single = await checkSecondOrderSupport({ only: ['activation:tanh'], seed: 3 });
    expect(single.cases[0]!.relativeError).toBe(a.cases[2]!.relativeError);
  });

  it('marks a case wrong when its error exceeds the tolerance', async () => {
    const r = await checkSecondOrderSupport({ only: ['activation:tanh'], tolerance: 1e-12 });
    expect(r.cases[0]!.status).toBe('wrong');
    expect(r.allOk).toBe(false);
  });

  it.each([
    [{ tolerance: 0 }, 'Error in checkSecondOrderSupport: options.tolerance must be a positive number, but got 0.'],
    [{ tolerance: -1 }, 'Error in checkSecondOrderSupport: options.tolerance must be a positive number, but got -1.'],
    [[] as never, 'Error in checkSecondOrderSupport: options must be an options object, but got [].'],
  ])('rejects bad options %j', async (options, message) => {
    await expect(checkSecondOrderSupport(options)).rejects.toThrow(message);
  });
});

describe('the probe uses the activations of tfjs-layers', () => {
  it('covers every tfjs-layers activation', () => {
    expect(Object.keys(LAYERS_ACTIVATIONS).sort()).toEqual([...ALL_ACTIVATIONS].sort());
    expect(secondOrderProbeNames().filter((n) => n.startsWith('activation:'))).toEqual(
      Object.keys(LAYERS_ACTIVATIONS).map((n) => `activation:${n}`),
    );
  });

  it.each(ALL_ACTIVATIONS)('%s: same values and first and second derivatives as tfjs-layers', async (name) => {
    enableSecondOrderGradients();
    // Values spread over every piece (relu6 above 6, hardSigmoid beyond ±2.5, thresholdedReLU above 1).
    const x = tf.tidy(() => tf.mul(4, randn([3, 6], 11)));
    const alpha = tf.fill([6], 0.25);
    const ours = LAYERS_ACTIVATIONS[name]!;
    const prelu = name === 'prelu' ? tfl.layers.prelu({ alphaInitializer: tfl.initializers.constant({ value: 0.25 }) }) : undefined;
    const theirs = prelu ? (h: tf.Tensor) => prelu.apply(h) as tf.Tensor : (h: tf.Tensor) => layersActivation(name)(h, { alpha });
    const c = randn([3, 6], 12);
    // Values and first derivatives only for linear (constant gradient, nothing to differentiate)
    // and tf.logSoftmax (no usable second derivative: the documented limitation).
    const orders = name === 'logSoftmax' || name === 'linear' ? 2 : 3;
    const derivs = (f: (h: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const g = (z: tf.Tensor) => tf.grad((h: tf.Tensor) => tf.sum(tf.mul(c, f(h))))(z);
        return [f(x), g(x), ...(orders === 3 ? [tf.grad((z: tf.Tensor) => tf.sum(tf.mul(c, g(z))))(x)] : [])];
      });
    const a = derivs(ours);
    const b = derivs(theirs);
    for (let k = 0; k < orders; k++) {
      expect(relError(await values(a[k]!), await values(b[k]!), 1e-6), `${name} derivative ${k}`).toBeLessThanOrEqual(1e-6);
    }
    tf.dispose([x, alpha, c, ...a, ...b]);
    if (prelu?.built) prelu.dispose();
  });
});
