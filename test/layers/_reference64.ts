/**
 * Float64 reference code for the spectral-norm tests, independent of tfjs: explicit matrices of
 * convolution operators (zero padding, TF 'same'/'valid' conventions), reshaped kernels, and a
 * power step.
 */
import { fromFlat, spectralNorm, type Mat, zeros } from '../helpers/float64';

export interface Geometry {
  strides: [number, number];
  padding: 'valid' | 'same';
  dilations: [number, number];
}

/** TF output size and leading pad for one spatial dimension. */
export function convDim(size: number, k: number, s: number, d: number, padding: 'valid' | 'same'): { out: number; pad: number } {
  const keff = (k - 1) * d + 1;
  if (padding === 'valid') return { out: Math.ceil((size - keff + 1) / s), pad: 0 };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + keff - size, 0);
  return { out, pad: Math.floor(total / 2) };
}

/**
 * The explicit matrix of y = conv2d(x, K) for one example: rows index (oh, ow, co), columns
 * (h, w, ci), both row-major. `kernel` is flat `[kh, kw, ci, co]`.
 */
export function conv2dMatrix(
  kernel: ArrayLike<number>,
  kshape: [number, number, number, number],
  input: [number, number],
  g: Geometry,
): Mat {
  const [kh, kw, ci, co] = kshape;
  const [h, w] = input;
  const dh = convDim(h, kh, g.strides[0], g.dilations[0], g.padding);
  const dw = convDim(w, kw, g.strides[1], g.dilations[1], g.padding);
  const m = zeros(dh.out * dw.out * co, h * w * ci);
  for (let oi = 0; oi < dh.out; oi++)
    for (let oj = 0; oj < dw.out; oj++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++) {
          const ii = oi * g.strides[0] - dh.pad + a * g.dilations[0];
          const jj = oj * g.strides[1] - dw.pad + b * g.dilations[1];
          if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
          for (let c = 0; c < ci; c++)
            for (let o = 0; o < co; o++) {
              m[(oi * dw.out + oj) * co + o]![(ii * w + jj) * ci + c]! += kernel[((a * kw + b) * ci + c) * co + o]!;
            }
        }
  return m;
}

/** Dense conv kernel `[kh, kw, c, c·m]` equivalent to a depthwise kernel `[kh, kw, c, m]`. */
export function depthwiseAsDense(kernel: ArrayLike<number>, [kh, kw, c, m]: [number, number, number, number]): number[] {
  const out = new Array<number>(kh * kw * c * c * m).fill(0);
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let j = 0; j < c; j++)
        for (let i = 0; i < m; i++) out[((a * kw + b) * c + j) * (c * m) + j * m + i] = kernel[((a * kw + b) * c + j) * m + i]!;
  return out;
}

/** Transposes `[kh, kw, a, b]` → `[kh, kw, b, a]`. */
export function swapLastAxes(kernel: ArrayLike<number>, [kh, kw, a, b]: [number, number, number, number]): number[] {
  const out = new Array<number>(kernel.length);
  for (let p = 0; p < kh * kw; p++)
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[p * a * b + j * a + i] = kernel[p * a * b + i * b + j]!;
  return out;
}

/** The `[rest, out]` matrix of a kernel whose last axis is the output axis. */
export const lastAxisMatrix = (kernel: ArrayLike<number>, shape: number[]): Mat => {
  const out = shape[shape.length - 1]!;
  return fromFlat(kernel, kernel.length / out, out);
};

/** Largest per-channel σ of a depthwise kernel's blocks `[kh·kw, m]`. */
export function depthwiseReshapedSigma(kernel: ArrayLike<number>, [kh, kw, c, m]: [number, number, number, number]): number {
  let best = 0;
  for (let j = 0; j < c; j++) {
    const block: Mat = [];
    for (let p = 0; p < kh * kw; p++) {
      const row: number[] = [];
      for (let i = 0; i < m; i++) row.push(kernel[(p * c + j) * m + i]!);
      block.push(row);
    }
    best = Math.max(best, spectralNorm(block));
  }
  return best;
}

/** Euclidean norm of a flat vector. */
export const norm = (x: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));
