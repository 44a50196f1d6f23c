import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrainer, jsonLinesLogger } from 'smoothgan/train';
import { fileIOHandler, formatDuration, jsonLinesFile, progressBar, type ProgressStream } from 'smoothgan/node';
import { optimizerState, snapshot, tinyGame } from './game';

const root = mkdtempSync(join(tmpdir(), 'smoothgan-node-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fileIOHandler', () => {
  it('writes model.json + weights.bin; a trainer resumes from it bit for bit', async () => {
    const dir = join(root, 'ckpt', 'step-2');
    const a = tinyGame({ nCritic: 2 });
    const ta = createTrainer({ players: [a.critic, a.generator], seed: 8, ema: { player: 'generator', decay: 0.9 } });
    await ta.fit({ steps: 2 });
    await ta.save(fileIOHandler(dir));
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('smoothgan-trainer-checkpoint');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(existsSync(join(dir, 'weights.bin'))).toBe(true);

    const b = tinyGame({ init: 3, nCritic: 2 });
    const tb = createTrainer({ players: [b.critic, b.generator], seed: 99, ema: { player: 'generator', decay: 0.9 } });
    await tb.load(fileIOHandler(dir));
    await ta.fit({ steps: 2 });
    await tb.fit({ steps: 2 });
    expect(await snapshot([...b.d, ...b.g, b.u, ...tb.ema!.variables])).toEqual(await snapshot([...a.d, ...a.g, a.u, ...ta.ema!.variables]));
    expect(await optimizerState(b.critic.optimizer)).toEqual(await optimizerState(a.critic.optimizer));
    for (const [g, t] of [[a, ta], [b, tb]] as const) {
      t.dispose();
      g.dispose();
    }
  });

  it('round-trips a tfjs-layers model', async () => {
    const dir = join(root, 'layers');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'tanh' }), tfl.layers.dense({ units: 1 })] });
    await model.save(fileIOHandler(dir));
    const loaded = await tfl.loadLayersModel(fileIOHandler(dir));
    const x = tf.tensor([[0.3, -1.2]]);
    const [ya, yb] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await yb.data())).toEqual(Array.from(await ya.data()));
    tf.dispose([x, ya, yb]);
    model.dispose();
    loaded.dispose();
  });

  it('names the missing file', async () => {
    const dir = join(root, 'nothing');
    await expect(fileIOHandler(dir).load()).rejects.toThrow(`Error in fileIOHandler.load: cannot read '${join(dir, 'model.json')}'`);
    expect(() => fileIOHandler('')).toThrow("Error in fileIOHandler: directory must be a non-empty path, but got ''.");
  });
});

describe('jsonLinesFile', () => {
  it('appends one line per call and can be closed', async () => {
    const path = join(root, 'logs', 'run.jsonl');
    const game = tinyGame({ nCritic: 1 });
    const trainer = createTrainer({ players: [game.critic, game.generator] });
    const log = jsonLinesFile(path);
    await trainer.fit({ steps: 3, callbacks: [jsonLinesLogger(log)] });
    log.close();
    const again = jsonLinesFile(path);
    again('{"step":99}');
    again.close();
    const rows = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 99]);
    expect(() => again('x')).toThrow("Error in jsonLinesFile: the file must be open, but got 'a closed file'.");
    game.dispose();
  });
});

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream: ProgressStream = { write: (s: string) => chunks.push(s), isTTY, columns: 100 };
  return { stream, chunks };
}

describe('progressBar', () => {
  const run = async (options: Parameters<typeof progressBar>[0], steps = 20) => {
    const game = tinyGame({ nCritic: 1 });
    const trainer = createTrainer({ players: [game.critic, game.generator] });
    let t = 0;
    await trainer.fit({ steps, callbacks: [progressBar({ now: () => (t += 50), ...options })] });
    game.dispose();
  };

  it('redraws one line in place on a terminal, with ETA and losses', async () => {
    const { stream, chunks } = fakeStream(true);
    await run({ stream, env: {}, minIntervalMs: 0 });
    expect(chunks.length).toBe(21);
    expect(chunks.every((c) => c.startsWith('\r'))).toBe(true);
    expect(chunks[9]).toMatch(/^\r\[=+> +\] 10\/20 50% [\d.]+ steps\/s ETA \d+s \| critic [\d.-]+ generator [\d.-]+ *$/);
    expect(chunks.at(-1)).toMatch(/^\r\[=+\] 20\/20 100% .* in \d+s .*\n$/);
    expect(chunks[9]!.length).toBe(100);
  });

  it('prints a few plain lines when not a TTY, or in CI', async () => {
    for (const [isTTY, env] of [[false, {}], [true, { CI: 'true' }]] as const) {
      const { stream, chunks } = fakeStream(isTTY);
      await run({ stream, env, lines: 4 });
      expect(chunks.some((c) => c.includes('\r'))).toBe(false);
      expect(chunks.length).toBe(4);
      expect(chunks[0]).toMatch(/^step 5\/20 \(25%\) [\d.]+ steps\/s ETA \d+s \| critic /);
      expect(chunks.at(-1)).toMatch(/^step 20\/20 \(100%\) [\d.]+ steps\/s in \d+s \| .*\n$/);
    }
  });

  it('formats durations', () => {
    expect([5, 65, 3600 + 120, NaN].map(formatDuration)).toEqual(['5s', '1m05s', '1h02m', '?']);
  });
});
