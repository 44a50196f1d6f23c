/**
 * The float64 eigensolver behind the metrics (Householder + QL), against the Jacobi reference
 * of test/helpers/float64.ts and exact identities.
 */
import { describe, expect, it } from 'vitest';
import { matMul64, sqrtPsd, symmetricEigen, symmetricEigenvalues, traceSqrtProduct } from '../../src/_internal/linalg';
import { symmetricEigen as jacobi } from '../helpers/float64';
import { seededNormal } from '../helpers/tensors';

const randomSymmetric = (n: number, seed: number): Float64Array => {
  const g = seededNormal(n * n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = g[i * n + j]! + g[j * n + i]!;
  return a;
};
const randomPsd = (n: number, seed: number, rank = n): Float64Array => {
  const g = Float64Array.from(seededNormal(n * rank, seed));
  const gt = new Float64Array(rank * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < rank; j++) gt[j * n + i] = g[i * rank + j]!;
  return matMul64(g, gt, n, rank, n);
};
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('symmetricEigen (float64)', () => {
  it.each([1, 2, 7, 40])('n = %i: A·V = V·Λ, VᵀV = I, eigenvalues match Jacobi', (n) => {
    const a = randomSymmetric(n, 100 + n);
    const { values, vectors } = symmetricEigen(a, n);
    const av = matMul64(a, vectors, n, n, n);
    const scale = maxAbs(a);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      expect(Math.abs(av[i * n + j]! - vectors[i * n + j]! * values[j]!)).toBeLessThan(1e-12 * scale * n);
    }
    const vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[j * n + i] = vectors[i * n + j]!;
    const vtv = matMul64(vt, vectors, n, n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(vtv[i * n + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-13 * n);
    const ref = jacobi(Array.from({ length: n }, (_, i) => Array.from(a.slice(i * n, (i + 1) * n)))).values.sort((x, y) => x - y);
    ref.forEach((v, i) => expect(Math.abs(values[i]! - v)).toBeLessThan(1e-12 * scale * n));
    for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  });

  it('handles repeated eigenvalues, zero and diagonal matrices', () => {
    const n = 5;
    const id = new Float64Array(n * n);
    for (let i = 0; i < n; i++) id[i * n + i] = 2;
    expect(Array.from(symmetricEigen(id, n).values)).toEqual([2, 2, 2, 2, 2]);
    expect(Array.from(symmetricEigen(new Float64Array(n * n), n).values)).toEqual([0, 0, 0, 0, 0]);
    const rankTwo = randomPsd(6, 7, 2);
    const v = symmetricEigen(rankTwo, 6).values;
    for (let i = 0; i < 4; i++) expect(Math.abs(v[i]!)).toBeLessThan(1e-12 * maxAbs(rankTwo));
  });

  it('rejects non-finite input', () => {
    expect(() => symmetricEigen(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow('symmetricEigen: the matrix has a non-finite entry.');
  });
});

describe('sqrtPsd and traceSqrtProduct', () => {
  it('sqrtPsd(A)² = A, symmetric', () => {
    const n = 12;
    const a = randomPsd(n, 3);
    const s = sqrtPsd(a, n);
    const s2 = matMul64(s, s, n, n, n);
    for (let i = 0; i < n * n; i++) expect(Math.abs(s2[i]! - a[i]!)).toBeLessThan(1e-11 * maxAbs(a));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(s[i * n + j]).toBe(s[j * n + i]);
  });

  it('2×2: tr √(AB) = √(tr(AB) + 2√(det A · det B))', () => {
    const a = Float64Array.from([2, 0.7, 0.7, 1]);
    const b = Float64Array.from([0.5, -0.2, -0.2, 3]);
    const ab = matMul64(a, b, 2, 2, 2);
    const det = (m: Float64Array) => m[0]! * m[3]! - m[1]! * m[2]!;
    const expected = Math.sqrt(ab[0]! + ab[3]! + 2 * Math.sqrt(det(a) * det(b)));
    expect(Math.abs(traceSqrtProduct(a, b, 2) - expected)).toBeLessThan(1e-14);
  });
});

describe('symmetricEigenvalues', () => {
  it.each([1, 3, 40])('n = %i: equals the values of symmetricEigen', (n) => {
    const a = randomSymmetric(n, 200 + n);
    const full = symmetricEigen(a, n).values;
    const only = symmetricEigenvalues(a, n);
    full.forEach((v, i) => expect(Math.abs(only[i]! - v)).toBeLessThan(1e-12 * maxAbs(a) * n));
  });
});
