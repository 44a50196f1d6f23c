/**
 * Seed derivation: every random draw of a penalty depends only on (options.seed,
 * context.seed, context.step), so a run replays exactly.
 * @internal
 */

/** Mixes integers into one 32-bit seed (murmur3 finaliser per 32-bit word). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    const words = [p >>> 0, Math.floor(p / 4294967296) >>> 0];
    for (const w of words) {
      h = (h ^ w) >>> 0;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 0;
    }
  }
  return h >>> 0;
}
