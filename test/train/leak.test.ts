import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { clipByGlobalNorm, createTrainer } from 'smoothgan/train';
import { tinyGame } from './game';

it('tf.memory().numTensors stays constant over 1,000 steps once the optimizer slots exist', async () => {
  const game = tinyGame({ nCritic: 1, batch: 4, critic: { transform: clipByGlobalNorm(10), report: async () => ({ one: 1 }) } });
  const trainer = createTrainer({ players: [game.critic, game.generator], seed: 9, ema: { player: 'generator', decay: 0.99 } });
  await trainer.fit({ steps: 2 });
  const before = tf.memory().numTensors;
  const result = await trainer.fit({ steps: 1000 });
  expect(result.step).toBe(1002);
  expect(tf.memory().numTensors).toBe(before);
  expect(Number.isFinite(result.lastEvent!.players.critic!.loss)).toBe(true);
  trainer.dispose();
  game.dispose();
});
