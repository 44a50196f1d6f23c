import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smoothnessCertificate } from 'smoothgan/bounds';

describe('smoothnessCertificate', () => {
  it('L = αB + A²(β1 + β2), step size 1/L, divergence threshold 2/L', () => {
    const c = smoothnessCertificate({ alpha: 1, beta1: 0.5, beta2: 1, A: 2, B: 3 });
    expect(c.L).toBe(3 + 4 * 1.5);
    expect(c.terms).toEqual({ curvature: 3, criticSmoothness: 2, distributional: 4 });
    expect(c.stepSize).toBe(1 / 9);
    expect(c.divergenceThreshold).toBe(2 / 9);
    expect([c.kind, c.alpha, c.beta1, c.beta2, c.A, c.B]).toEqual(['smoothnessCertificate', 1, 0.5, 1, 2, 3]);
    expect(c.caveats.length).toBeGreaterThanOrEqual(3);
    expect(c.caveats.join(' ')).toMatch(/optimal discriminator/);
    expect(c.caveats.join(' ')).toMatch(/Adam/);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('a linear generator (B = 0) needs no Lipschitz critic; a ReLU critic (β1 = ∞) gives no step size', () => {
    expect(smoothnessCertificate({ alpha: Infinity, beta1: 1, beta2: 0, A: 1, B: 0 }).L).toBe(1);
    const relu = smoothnessCertificate({ alpha: 1, beta1: Infinity, beta2: 1, A: 1, B: 1 });
    expect(relu.L).toBe(Infinity);
    expect(relu.stepSize).toBe(0);
    expect(smoothnessCertificate({ alpha: 0, beta1: 0, beta2: 0, A: 1, B: 1 }).stepSize).toBe(Infinity);
  });

  it('property: L is monotone in every constant and matches the formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 0, max: 4 }),
        ([alpha, beta1, beta2, A, B], which) => {
          const base = { alpha: alpha!, beta1: beta1!, beta2: beta2!, A: A!, B: B! };
          const c = smoothnessCertificate(base);
          expect(c.L).toBeCloseTo(alpha! * B! + A! * A! * (beta1! + beta2!), 6);
          const key = (['alpha', 'beta1', 'beta2', 'A', 'B'] as const)[which]!;
          expect(smoothnessCertificate({ ...base, [key]: base[key] + 1 }).L).toBeGreaterThanOrEqual(c.L);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects negative or non-numeric constants', () => {
    expect(() => smoothnessCertificate({ alpha: -1, beta1: 0, beta2: 0, A: 1, B: 0 })).toThrow(
      'Error in smoothnessCertificate: options.alpha must be a number >= 0 (Infinity allowed), but got -1.',
    );
    expect(() => smoothnessCertificate({ alpha: 1, beta1: NaN, beta2: 0, A: 1, B: 0 })).toThrow(
      'Error in smoothnessCertificate: options.beta1 must be a number >= 0 (Infinity allowed), but got NaN.',
    );
    expect(() => smoothnessCertificate(undefined as never)).toThrow(
      'Error in smoothnessCertificate: options must be an options object { alpha, beta1, beta2, A, B }, but got undefined.',
    );
  });
});
