/**
 * A small seeded PRNG (mulberry32) with a Gaussian draw. Used where the library
 * samples in plain JS (projections for sliced Wasserstein, power-iteration
 * starts, sample selection). Tensor sampling uses tfjs's seeded ops.
 * @internal
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A fresh 32-bit integer seed, for tfjs ops that take a seed. */
  int(): number;
  /** Current state, to checkpoint. */
  state(): number;
}

export function createRng(seed: number): Rng {
  let s = (seed >>> 0) ^ 0x9e3779b9;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal() {
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int() {
      return Math.floor(next() * 4294967296) >>> 0;
    },
    state() {
      return s;
    },
  };
}

/** Restores an Rng from `state()`. */
export function rngFromState(state: number): Rng {
  // createRng xors the seed; invert that to land on the same internal state.
  return createRng((state ^ 0x9e3779b9) >>> 0);
}

/**
 * The seed to pass to tfjs's random ops. tfjs treats a falsy seed (0) as "unseeded" and falls
 * back to Math.random, so seed 0 would not replay; shifting every seed by ½ keeps distinct
 * integer seeds distinct and never 0.
 */
export const tfSeed = (seed: number): number => seed + 0.5;
