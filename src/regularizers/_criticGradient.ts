/**
 * The critic's outputs and input gradients at a batch of points, as a penalty needs them:
 * differentiable w.r.t. the critic's parameters by an enclosing `tf.variableGrads`.
 *
 * When an enclosing gradient computation is recording and the context has already run the
 * critic on these very points (its memoised `criticReal()`/`criticFake()`), the input
 * gradient is taken through the ops already on the tape, so D(real) is computed once per
 * objective. Otherwise the critic runs again inside `tf.valueAndGrad`. Reads tfjs 4.22
 * engine state (`activeTape`, `gradientDepth`), like `_internal/tape.ts`.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail, failWith } from '../_internal/errors.js';
import { withTapeCleanup } from '../_internal/tape.js';
import { SECOND_ORDER_PATCHES } from '../autodiff/secondOrder.js';
import type { CriticFn } from '../objectives/types.js';

interface TapeNode {
  kernelName: string;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
}
interface EngineState {
  activeTape: TapeNode[] | null;
  gradientDepth: number;
}
const engineState = (): EngineState => (tf.engine() as unknown as { state: EngineState }).state;

/** True while an enclosing gradient computation (`tf.grad`, `tf.variableGrads`, …) records ops. */
export function tapeIsRecording(): boolean {
  const s = engineState();
  return s.gradientDepth > 0 && s.activeTape !== null;
}

/** True when `t` is the output of an op on the tape of the enclosing gradient computation. */
export function isOnActiveTape(t: tf.Tensor): boolean {
  const s = engineState();
  if (s.gradientDepth === 0 || s.activeTape === null) return false;
  const tape = s.activeTape;
  for (let i = tape.length - 1; i >= 0; i--) {
    if (tape[i]!.outputs.some((o) => o.id === t.id)) return true;
  }
  return false;
}

/** Kernels whose gradient smoothgan registers as a clear error (second order unsupported). */
const UNSUPPORTED = new Set(SECOND_ORDER_PATCHES.filter((p) => p.reason === 'unsupported').map((p) => p.kernelName));

/**
 * After the input gradient was taken inside a recording gradient: if it ran a kernel that
 * cannot be differentiated again (MaxPoolGrad), fail now, naming it, instead of in the
 * enclosing backward pass. When the enclosing gradient is the outermost one, its saved
 * tensors are disposed first, since the throw aborts it (tfjs would leak them).
 */
function failOnUnsupported(fn: string, tapeStart: number): void {
  const s = engineState();
  if (s.gradientDepth === 0 || s.activeTape === null) return;
  const bad = s.activeTape.slice(tapeStart).find((n) => UNSUPPORTED.has(n.kernelName));
  if (!bad) return;
  if (s.gradientDepth === 1) {
    for (const node of s.activeTape) {
      for (const t of node.saved ?? []) t.dispose();
      node.saved = [];
    }
  }
  const op = bad.kernelName.replace(/Grad$/, '');
  failWith(
    fn,
    `second-order gradients through ${op.charAt(0).toLowerCase()}${op.slice(1)} (kernel ${bad.kernelName}) are not supported, ` +
      'and a gradient penalty differentiates the critic twice. Replace it in the critic with a strided conv2d or avgPool',
  );
}

const tapeLength = (): number => engineState().activeTape?.length ?? 0;

const NO_PATH = 'Cannot compute gradient of y=f(x)';

function rethrow(fn: string, e: unknown): never {
  if (e instanceof Error && e.message.startsWith(NO_PATH)) {
    failWith(
      fn,
      "the critic's output does not depend on its input, so there is no input gradient to penalise. " +
        'Make sure the critic computes its scores from the tensor it is given with tfjs ops (no dataSync/arraySync, no constants)',
    );
  }
  throw e;
}

function checkOutputs(fn: string, y: tf.Tensor, x: tf.Tensor): void {
  if (!(y instanceof tf.Tensor) || y.rank < 1 || y.shape[0] !== x.shape[0] || y.dtype !== 'float32') {
    fail(fn, 'the critic output', `a float32 tensor of shape [${x.shape[0]}] or [${x.shape[0]}, ...] (one score per example)`, y);
  }
}

/** Critic outputs `[n, ...]` and input gradients (same shape as `x`) at one batch of points. */
export interface CriticAtPoints {
  readonly outputs: tf.Tensor;
  readonly gradients: tf.Tensor;
}

/**
 * Outputs and input gradients of `critic` at `x`. `memoised`, when given, is the critic's
 * output on exactly `x`, computed earlier; it is reused when it is on the recording tape.
 * Call inside `tf.tidy` (the results are intermediates of the caller).
 */
export function criticAtPoints(fn: string, critic: CriticFn, x: tf.Tensor, memoised?: tf.Tensor): CriticAtPoints {
  const tapeStart = tapeLength();
  if (memoised !== undefined && isOnActiveTape(memoised)) {
    checkOutputs(fn, memoised, x);
    let gradients: tf.Tensor;
    try {
      gradients = tf.grad(() => memoised)(x);
    } catch (e) {
      rethrow(fn, e);
    }
    failOnUnsupported(fn, tapeStart);
    return { outputs: memoised, gradients };
  }
  let result: { value: tf.Tensor; grad: tf.Tensor };
  try {
    result = withTapeCleanup(() =>
      tf.valueAndGrad((xi: tf.Tensor) => {
        const y = critic(xi);
        checkOutputs(fn, y, xi);
        return y;
      })(x),
    );
  } catch (e) {
    rethrow(fn, e);
  }
  failOnUnsupported(fn, tapeStart);
  return { outputs: result.value, gradients: result.grad };
}
