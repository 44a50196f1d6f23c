import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantSchedule, linearRamp, piecewiseSchedule } from 'smoothgan/objectives';

describe('constantSchedule', () => {
  it('is its value at every step, and frozen plain data', () => {
    const s = constantSchedule(2.5);
    expect(s).toMatchObject({ kind: 'schedule', name: 'constant', value: 2.5 });
    expect(Object.isFrozen(s)).toBe(true);
    fc.assert(fc.property(fc.nat(), (step) => s.valueAt(step) === 2.5), { numRuns: 30 });
  });
  it('rejects non-finite values and bad steps', () => {
    expect(() => constantSchedule(Number.POSITIVE_INFINITY)).toThrow('Error in constantSchedule: value must be a finite number, but got Infinity.');
    expect(() => constantSchedule(1).valueAt(-1)).toThrow('Error in constantSchedule.valueAt: step must be an integer >= 0, but got -1.');
    expect(() => constantSchedule(1).valueAt(1.5)).toThrow('Error in constantSchedule.valueAt: step must be an integer >= 0, but got 1.5.');
  });
});

describe('linearRamp', () => {
  const ramp = linearRamp({ from: 2, to: 10, startStep: 100, endStep: 300 });
  it('holds, ramps linearly, then holds', () => {
    expect(ramp.valueAt(0)).toBe(2);
    expect(ramp.valueAt(100)).toBe(2);
    expect(ramp.valueAt(150)).toBeCloseTo(4, 12);
    expect(ramp.valueAt(200)).toBeCloseTo(6, 12);
    expect(ramp.valueAt(300)).toBe(10);
    expect(ramp.valueAt(10_000)).toBe(10);
    expect(ramp).toMatchObject({ kind: 'schedule', name: 'linear-ramp', from: 2, to: 10, startStep: 100, endStep: 300 });
  });
  it('is monotone between its end values (property)', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return ramp.valueAt(lo) <= ramp.valueAt(hi) && ramp.valueAt(lo) >= 2 && ramp.valueAt(hi) <= 10;
      }),
      { numRuns: 50 },
    );
  });
  it('defaults from = 0 and startStep = 0; can ramp down', () => {
    expect(linearRamp({ to: 4, endStep: 4 }).valueAt(1)).toBe(1);
    expect(linearRamp({ from: 4, to: 0, endStep: 4 }).valueAt(3)).toBe(1);
  });
  it.each([
    [undefined, 'Error in linearRamp: options must be an options object with `to` and `endStep`, but got undefined.'],
    [{ to: 1, endStep: 5, startStep: 5 }, 'Error in linearRamp: options.endStep must be greater than options.startStep (5), but got 5.'],
    [{ endStep: 5 }, 'Error in linearRamp: options.to must be a finite number, but got undefined.'],
    [{ to: 1, endStep: 5, steps: 3 }, 'Error in linearRamp: options.steps is not a known option'],
  ])('%#: rejects bad options', (o, message) => {
    expect(() => linearRamp(o as never)).toThrow(message);
  });
});

describe('piecewiseSchedule', () => {
  const s = piecewiseSchedule({ boundaries: [10, 20], values: [1, 0.5, 0] });
  it('switches at each boundary (inclusive)', () => {
    expect([0, 9, 10, 19, 20, 1000].map((t) => s.valueAt(t))).toEqual([1, 1, 0.5, 0.5, 0, 0]);
    expect(s).toMatchObject({ kind: 'schedule', name: 'piecewise', boundaries: [10, 20], values: [1, 0.5, 0] });
    expect(Object.isFrozen(s.boundaries)).toBe(true);
  });
  it('agrees with a by-hand lookup (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 0, maxLength: 5 }), fc.nat(600), (bs, step) => {
        const boundaries = [...bs].sort((a, b) => a - b);
        const values = Array.from({ length: boundaries.length + 1 }, (_, i) => i * 1.5);
        const expected = values[boundaries.filter((b) => b <= step).length];
        return piecewiseSchedule({ boundaries, values }).valueAt(step) === expected;
      }),
      { numRuns: 50 },
    );
  });
  it.each([
    [{ boundaries: [10], values: [1] }, 'Error in piecewiseSchedule: options.values must have 2 entries (one more than options.boundaries), but got 1.'],
    [{ boundaries: [10, 10], values: [1, 2, 3] }, 'Error in piecewiseSchedule: options.boundaries[1] must be greater than options.boundaries[0] (10), but got 10.'],
    [{ boundaries: [0], values: [1, 2] }, 'Error in piecewiseSchedule: options.boundaries[0] must be an integer >= 1, but got 0.'],
    [{ boundaries: [3], values: [1, Number.NaN] }, 'Error in piecewiseSchedule: options.values[1] must be a finite number, but got NaN.'],
  ])('%#: rejects bad options', (o, message) => {
    expect(() => piecewiseSchedule(o)).toThrow(message);
  });
});
