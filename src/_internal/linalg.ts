/**
 * Float64 dense linear algebra in plain TypeScript for the metrics (and anyone who needs an
 * accurate symmetric eigendecomposition at small to moderate sizes, n ≲ 2048).
 * Matrices are row-major `Float64Array`s of n·n entries.
 *
 * The eigensolver is Householder tridiagonalisation followed by the implicit QL algorithm
 * (EISPACK tred2/tql2, as in the public-domain JAMA package): O(n³), backward stable.
 * @internal
 */

/** Eigenvalues (ascending) and orthonormal eigenvectors (column j of `vectors` goes with `values[j]`). */
export interface SymmetricEigen {
  readonly values: Float64Array;
  /** Row-major n×n; column j is the eigenvector of `values[j]`. */
  readonly vectors: Float64Array;
}

/**
 * Eigendecomposition of a symmetric matrix (pass an exactly symmetric one). Throws on
 * non-finite input or if the QL iteration fails to converge (100 iterations per eigenvalue).
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const { d, rows } = decompose(a, n, true);
  // Sort ascending; `rows[i]` is the eigenvector of d[i].
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i]! - d[j]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    const v = rows![src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k]!;
  });
  return { values, vectors };
}

/** Eigenvalues only (ascending) of a symmetric matrix: O(n³) reduction, then O(n²) QL. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  return decompose(a, n, false).d.sort();
}

function decompose(a: Float64Array, n: number, wantVectors: boolean): { d: Float64Array; rows?: Float64Array[] } {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${a.length}.`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new Error('symmetricEigen: the matrix has a non-finite entry.');
  }
  const V: Float64Array[] = Array.from({ length: n }, (_, i) => a.slice(i * n, (i + 1) * n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { d, rows: [] };
  tred2(V, d, e, n, wantVectors);
  if (!wantVectors) {
    tql2(null, d, e, n);
    return { d };
  }
  // tred2 worked on the transpose: V's rows are the columns of the orthogonal factor, which QL
  // rotates in pairs (contiguous rows here).
  tql2(V, d, e, n);
  return { d, rows: V };
}

/**
 * Householder reduction to tridiagonal form (JAMA's tred2) on the transpose T = Vᵀ, so that the
 * O(n³) loops run along contiguous rows; on return the rows of T are the columns of V.
 */
function tred2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number, accumulate: boolean): void {
  for (let j = 0; j < n; j++) d[j] = V[j]![n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[j]![i - 1]!;
        V[j]![i] = 0;
        V[i]![j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[i]![j] = f;
        g = e[j]! + V[j]![j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[j]![k]! * d[k]!;
          e[k]! += V[j]![k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[j]![k]! -= f * e[k]! + g * d[k]!;
        d[j] = V[j]![i - 1]!;
        V[j]![i] = 0;
      }
    }
    d[i] = h;
  }
  if (!accumulate) {
    // The tridiagonal's diagonal is left on V's diagonal; e already holds the off-diagonal.
    for (let i = 0; i < n; i++) d[i] = V[i]![i]!;
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    V[i]![n - 1] = V[i]![i]!;
    V[i]![i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[i + 1]![k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[i + 1]![k]! * V[j]![k]!;
        for (let k = 0; k <= i; k++) V[j]![k]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[i + 1]![k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j]![n - 1]!;
    V[j]![n - 1] = 0;
  }
  V[n - 1]![n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); `W` (eigenvectors as rows), when given, is rotated along. */
function tql2(W: Float64Array[] | null, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) throw new Error('symmetricEigen: the QL iteration did not converge.');
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (W) {
            const wi = W[i]!;
            const wi1 = W[i + 1]!;
            for (let k = 0; k < n; k++) {
              h = wi1[k]!;
              wi1[k] = s * wi[k]! + c * h;
              wi[k] = c * wi[k]! - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/** C = A·B for row-major A (n×k) and B (k×m). */
export function matMul64(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      if (aip === 0) continue;
      const bRow = p * m;
      const cRow = i * m;
      for (let j = 0; j < m; j++) c[cRow + j]! += aip * b[bRow + j]!;
    }
  }
  return c;
}

/**
 * The principal square root of a symmetric positive semi-definite matrix, V·diag(√max(λ, 0))·Vᵀ
 * (negative eigenvalues from rounding are clipped to 0). The result is exactly symmetric.
 */
export function sqrtPsd(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const s = Math.sqrt(Math.max(values[j]!, 0));
    if (s === 0) continue;
    for (let r = 0; r < n; r++) {
      const vr = vectors[r * n + j]! * s;
      if (vr === 0) continue;
      for (let c = r; c < n; c++) out[r * n + c]! += vr * vectors[c * n + j]!;
    }
  }
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) out[r * n + c] = out[c * n + r]!;
  return out;
}

/**
 * tr((A·B)^{1/2}) for symmetric PSD A and B, computed as Σ √λ_i over the eigenvalues of the
 * symmetric PSD matrix √A·B·√A (similar to A·B, so the same eigenvalues); eigenvalues below
 * n·ε·λ_max (rounding noise, or negative) count as 0.
 */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, n: number): number {
  const s = sqrtPsd(a, n);
  const m = matMul64(matMul64(s, b, n, n, n), s, n, n, n);
  for (let r = 0; r < n; r++) {
    for (let c = r + 1; c < n; c++) {
      const v = 0.5 * (m[r * n + c]! + m[c * n + r]!);
      m[r * n + c] = v;
      m[c * n + r] = v;
    }
  }
  return traceSqrtPsd(m, n);
}

/**
 * tr(M^{1/2}) = Σ √λ_i for a symmetric PSD matrix M. Eigenvalues within rounding of 0
 * (λ ≤ n·ε·max|λ|) count as 0: √ would amplify their noise (a rank-deficient matrix otherwise
 * adds ~√(ε·λ_max) per null direction).
 */
export function traceSqrtPsd(m: Float64Array, n: number): number {
  const values = symmetricEigenvalues(m, n);
  let top = 0;
  for (const v of values) top = Math.max(top, Math.abs(v));
  const tol = n * 2 ** -52 * top;
  let t = 0;
  for (const v of values) if (v > tol) t += Math.sqrt(v);
  return t;
}
