import { fail } from '../_internal/errors.js';
import { checkInteger, checkOptions } from '../_internal/validate.js';
import type { FitInfo, StepEvent, TrainerCallback } from '../train/types.js';

/** Where the progress bar writes (process.stdout by default). */
export interface ProgressStream {
  /** Writes text (no newline added). */
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** @defaultValue process.stdout */
  readonly stream?: ProgressStream;
  /** Environment used to detect CI (`CI` set and not 'false' or '0'). @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Bar width in characters (TTY mode). @defaultValue 24 */
  readonly width?: number;
  /** Plain mode (not a TTY, or CI): number of evenly spaced lines per `fit`. @defaultValue 10 */
  readonly lines?: number;
  /** TTY mode: minimum time between redraws in ms. @defaultValue 100 */
  readonly minIntervalMs?: number;
  /** The text after the counters. @defaultValue each player's loss, e.g. `critic 1.386 generator 0.693` */
  readonly describe?: (event: StepEvent) => string;
  /** Clock in ms, for tests. @defaultValue performance.now */
  readonly now?: () => number;
}

/** Formats seconds as `12s`, `4m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const fmtLoss = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(3)) : String(x));

/**
 * A console progress callback for `trainer.fit` in Node, with steps/s and ETA. On a terminal
 * (a TTY stream and no `CI` variable) it redraws one line in place:
 * `[=========>      ] 420/1000 42% 35.1 steps/s ETA 16s | critic 1.371 generator 0.702`.
 * Otherwise (logs, CI) it prints `lines` plain lines per run
 * (`step 420/1000 (42%) 35.1 steps/s ETA 16s | ...`), never carriage returns or colours.
 *
 * @throws If `width`, `lines` or `minIntervalMs` are not integers in range.
 * @example
 * ```ts
 * import { progressBar } from 'smoothgan/node';
 * await trainer.fit({ steps: 2000, callbacks: [progressBar()] });
 * ```
 */
export function progressBar(options: ProgressBarOptions = {}): TrainerCallback {
  const fn = 'progressBar';
  const o = checkOptions(fn, 'options', options);
  const stream: ProgressStream = o.stream ?? process.stdout;
  if (stream == null || typeof stream.write !== 'function') fail(fn, 'options.stream', 'a writable stream', stream);
  const env = o.env ?? process.env;
  const width = o.width === undefined ? 24 : checkInteger(fn, 'options.width', o.width, 1);
  const lines = o.lines === undefined ? 10 : checkInteger(fn, 'options.lines', o.lines, 1);
  const minInterval = o.minIntervalMs === undefined ? 100 : checkInteger(fn, 'options.minIntervalMs', o.minIntervalMs, 0);
  if (o.describe !== undefined && typeof o.describe !== 'function') fail(fn, 'options.describe', 'a function', o.describe);
  const describe =
    o.describe ??
    ((e: StepEvent) =>
      Object.entries(e.players)
        .map(([n, r]) => `${n} ${fmtLoss(r.loss)}`)
        .join(' '));
  const now = o.now ?? (() => performance.now());
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  const tty = stream.isTTY === true && !ci;

  let start = 0;
  let t0 = 0;
  let total = 0;
  let lastDraw = -Infinity;
  let lastLine = 0;

  const text = (event: StepEvent, final: boolean) => {
    const done = event.step - start;
    const elapsed = (now() - t0) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = final ? 0 : rate > 0 ? (total - done) / rate : NaN;
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    const counters = `${event.step}/${start + total} ${tty ? '' : '('}${pct}%${tty ? '' : ')'} ${rate.toFixed(1)} steps/s ${final ? `in ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`}`;
    const tail = describe(event);
    if (!tty) return `step ${counters}${tail ? ` | ${tail}` : ''}`;
    const filled = total > 0 ? Math.min(width, Math.round((width * done) / total)) : width;
    const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (filled === width ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
    const line = `${bar} ${counters}${tail ? ` | ${tail}` : ''}`;
    const cols = stream.columns ?? 120;
    return line.length > cols - 1 ? line.slice(0, cols - 1) : line.padEnd(cols - 1);
  };

  let last: StepEvent | undefined;
  return Object.freeze({
    name: 'progressBar',
    onTrainBegin(info: FitInfo) {
      start = info.initialStep;
      total = info.finalStep - info.initialStep;
      t0 = now();
      lastDraw = -Infinity;
      lastLine = 0;
      last = undefined;
    },
    onStepEnd(event: StepEvent) {
      last = event;
      const done = event.step - start;
      if (tty) {
        const t = now();
        if (t - lastDraw < minInterval && done < total) return;
        lastDraw = t;
        stream.write(`\r${text(event, false)}`);
        return;
      }
      const slot = Math.floor((done * lines) / Math.max(1, total));
      if (slot > lastLine && done < total) {
        lastLine = slot;
        stream.write(`${text(event, false)}\n`);
      }
    },
    onTrainEnd(info: FitInfo) {
      if (!last) return;
      if (tty) {
        stream.write(`\r${text(last, true)}\n`);
      } else {
        stream.write(`${text(last, true)}${info.stopReason === 'callback' ? ' (stopped early)' : info.stopReason === 'error' ? ' (error)' : ''}\n`);
      }
    },
  });
}
