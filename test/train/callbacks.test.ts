import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createPlayer,
  createTrainer,
  earlyStopping,
  flattenStepEvent,
  jsonLinesLogger,
  memoryIOHandler,
  periodicCheckpoint,
  type StepEvent,
  type TrainerCallback,
} from 'smoothgan/train';
import { tinyGame } from './game';

/** A one-player trainer on ½·s·‖x‖² with SGD(lr); `scale` can be changed between steps. */
function quadTrainer(lr = 0.1, onNonFinite: 'throw' | 'skip' = 'throw') {
  const x = tf.variable(tf.tensor([1, -2]), true);
  const state = { scale: 1 };
  const player = createPlayer({
    name: 'quad',
    variables: [x],
    optimizer: tf.train.sgd(lr),
    objective: () => {
      const total = tf.mul(state.scale, tf.mul(0.5, tf.sum(tf.square(x)))) as tf.Scalar;
      return { total, parts: { energy: total } };
    },
  });
  const trainer = createTrainer({ players: [player], onNonFinite });
  return { x, state, trainer };
}

describe('Trainer.fit', () => {
  it('calls onTrainBegin, onStepEnd per step and onTrainEnd, in order', async () => {
    const { x, trainer } = quadTrainer();
    const log: string[] = [];
    const cb: TrainerCallback = {
      onTrainBegin: (i) => void log.push(`begin ${i.initialStep}->${i.finalStep}`),
      onStepEnd: async (e) => void log.push(`step ${e.step}`),
      onTrainEnd: (i) => void log.push(`end ${i.step} ${i.stopReason}`),
    };
    await trainer.fit({ steps: 2, callbacks: [cb] });
    const r = await trainer.fit({ steps: 1, callbacks: [cb] });
    expect(log).toEqual(['begin 0->2', 'step 1', 'step 2', 'end 2 completed', 'begin 2->3', 'step 3', 'end 3 completed']);
    expect(r).toMatchObject({ step: 3, stopReason: 'completed' });
    expect(r.lastEvent!.step).toBe(3);
    x.dispose();
  });

  it("stops after the step where a callback returns 'stop', and reports errors to onTrainEnd", async () => {
    const { x, state, trainer } = quadTrainer();
    const ends: string[] = [];
    const r = await trainer.fit({
      steps: 10,
      callbacks: [{ onStepEnd: (e) => (e.step === 3 ? 'stop' : undefined) }, { onTrainEnd: (i) => void ends.push(i.stopReason!) }],
    });
    expect(r).toMatchObject({ step: 3, stopReason: 'callback' });
    state.scale = NaN;
    await expect(trainer.fit({ steps: 2, callbacks: [{ onTrainEnd: (i) => void ends.push(i.stopReason!) }] })).rejects.toThrow(
      "the objective of player 'quad' is not finite (NaN or Inf): term 'energy' = NaN.",
    );
    expect(ends).toEqual(['callback', 'error']);
    await expect(trainer.fit({ steps: -1 })).rejects.toThrow('Error in Trainer.fit: options.steps must be an integer >= 0, but got -1.');
    x.dispose();
  });
});

describe('jsonLinesLogger', () => {
  it('writes one flat JSON object per step, non-finite numbers as strings', async () => {
    const { x, state, trainer } = quadTrainer(0.1, 'skip');
    const lines: string[] = [];
    await trainer.fit({ steps: 2, callbacks: [jsonLinesLogger((l) => void lines.push(l), { extra: (e) => ({ run: 'a', twice: 2 * e.step }) })] });
    state.scale = NaN;
    await trainer.fit({ steps: 1, callbacks: [jsonLinesLogger((l) => void lines.push(l))] });
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(rows[0]!)).toEqual([
      'step', 'elapsedMs', 'quad/loss', 'quad/parts/energy', 'quad/gradNorm', 'quad/updates', 'quad/skipped', 'run', 'twice',
    ]);
    // ½‖x‖² at x = [1, −2] is 2.5; the gradient is x, with norm √5.
    expect(rows[0]!['quad/loss']).toBeCloseTo(2.5, 6);
    expect(rows[0]!['quad/gradNorm']).toBeCloseTo(Math.sqrt(5), 6);
    expect(rows[1]).toMatchObject({ step: 2, run: 'a', twice: 4, 'quad/updates': 1 });
    expect(rows[2]).toMatchObject({ step: 3, 'quad/loss': 'NaN', 'quad/updates': 0, 'quad/skipped': 1 });
    x.dispose();
  });

  it('honours every, always writing the last step of fit', async () => {
    const { x, trainer } = quadTrainer();
    const steps: number[] = [];
    await trainer.fit({ steps: 7, callbacks: [jsonLinesLogger((l) => void steps.push(JSON.parse(l).step), { every: 3 })] });
    expect(steps).toEqual([3, 6, 7]);
    expect(() => jsonLinesLogger('x' as never)).toThrow("Error in jsonLinesLogger: sink must be a function (line: string) => void, but got 'x'.");
    x.dispose();
  });

  it('flattenStepEvent includes report metrics', () => {
    const e: StepEvent = {
      step: 1,
      elapsedMs: 2,
      players: { d: { loss: 1, parts: { a: 0.5 }, gradNorm: 3, updates: 1, skipped: 0 } },
      metrics: { 'd/sigma/dense': 1.01 },
    };
    expect(flattenStepEvent(e)).toEqual({
      step: 1, elapsedMs: 2, 'd/loss': 1, 'd/parts/a': 0.5, 'd/gradNorm': 3, 'd/updates': 1, 'd/skipped': 0, 'd/sigma/dense': 1.01,
    });
  });
});

describe('earlyStopping', () => {
  it('stops after patience measurements without improvement (missing values are not measurements)', async () => {
    const { x, trainer } = quadTrainer();
    const values = [5, 4, undefined, 4.5, 4.2, 3.99, 4.1, 4.0, 7];
    const stop = earlyStopping({ metric: (e) => values[e.step - 1], patience: 2, minDelta: 0.05 });
    const r = await trainer.fit({ steps: values.length, callbacks: [stop] });
    // best 5 (step 1) → 4 (step 2); 4.5 and 4.2 do not improve → stop at step 5.
    expect(r).toMatchObject({ step: 5, stopReason: 'callback' });
    expect(stop).toMatchObject({ best: 4, bestStep: 2, wait: 2, stoppedStep: 5 });
    x.dispose();
  });

  it("watches a flattened field in 'max' mode; NaN never improves", async () => {
    const { x, trainer } = quadTrainer(0.1);
    // The loss decreases every step, so in 'max' mode it never improves after step 1.
    const stop = earlyStopping({ metric: 'quad/loss', mode: 'max', patience: 3 });
    const r = await trainer.fit({ steps: 20, callbacks: [stop] });
    expect(r.step).toBe(4);
    expect(stop.best).toBeCloseTo(2.5, 6);
    const nan = earlyStopping({ metric: () => NaN, patience: 1 });
    expect(await nan.onStepEnd!({ step: 1 } as StepEvent, trainer)).toBe('stop');
    expect(() => earlyStopping({ metric: 'a', patience: 0 })).toThrow('Error in earlyStopping: options.patience must be an integer >= 1, but got 0.');
    x.dispose();
  });
});

describe('periodicCheckpoint', () => {
  it('saves every n steps and at the end; a saved checkpoint resumes', async () => {
    const game = tinyGame({ nCritic: 1 });
    const trainer = createTrainer({ players: [game.critic, game.generator], seed: 4 });
    const saved = new Map<number, ReturnType<typeof memoryIOHandler>>();
    const cb = periodicCheckpoint({
      every: 2,
      handler: (step) => {
        const h = memoryIOHandler();
        saved.set(step, h);
        return h;
      },
    });
    await trainer.fit({ steps: 5, callbacks: [cb] });
    expect([...saved.keys()]).toEqual([2, 4, 5]);
    await trainer.load(saved.get(2)!);
    expect(trainer.stepCount).toBe(2);
    expect(() => periodicCheckpoint({ every: 0, handler: () => memoryIOHandler() })).toThrow(
      'Error in periodicCheckpoint: options.every must be an integer >= 1, but got 0.',
    );
    game.dispose();
  });
});
