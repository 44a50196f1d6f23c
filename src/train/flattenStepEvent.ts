import type { StepEvent } from './types.js';

/**
 * Flattens a step event into one level of numeric fields, for logs and plots:
 * `step`, `elapsedMs`, then per player `<p>/loss`, `<p>/parts/<part>`, `<p>/gradNorm`,
 * `<p>/updates`, `<p>/skipped`, then the report metrics (`<p>/<key>`).
 *
 * @example
 * ```ts
 * flattenStepEvent(event); // { step: 3, elapsedMs: 4.1, 'critic/loss': 1.38, 'critic/parts/gp': 0.02, ... }
 * ```
 */
export function flattenStepEvent(event: StepEvent): Record<string, number> {
  const out: Record<string, number> = { step: event.step, elapsedMs: event.elapsedMs };
  for (const [name, r] of Object.entries(event.players)) {
    out[`${name}/loss`] = r.loss;
    for (const [part, v] of Object.entries(r.parts)) out[`${name}/parts/${part}`] = v;
    out[`${name}/gradNorm`] = r.gradNorm;
    out[`${name}/updates`] = r.updates;
    out[`${name}/skipped`] = r.skipped;
  }
  for (const [k, v] of Object.entries(event.metrics)) out[k] = v;
  return out;
}
