/**
 * The README's 20-line example runs as written (with fewer steps): its code block is
 * extracted, its types stripped with esbuild, its imports bound to the public entry points.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as layers from 'smoothgan/layers';
import * as losses from 'smoothgan/losses';
import * as train from 'smoothgan/train';
import { enableSecondOrderGradients, registerTrainingKernels } from 'smoothgan/autodiff';
import { BACKEND } from './setup';

const modules: Record<string, unknown> = {
  '@tensorflow/tfjs-core': tf,
  '@tensorflow/tfjs-layers': tfl,
  'smoothgan/layers': layers,
  'smoothgan/losses': losses,
  'smoothgan/train': train,
};

function readmeExample(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = readme.split('## A smooth GAN in 20 lines')[1]!.split('```ts')[1]!.split('```')[0]!;
  return block;
}

describe('README example', () => {
  it('has at most 20 code lines', () => {
    expect(readmeExample().trim().split('\n').length).toBeLessThanOrEqual(20);
  });

  it('runs and produces samples of the documented shape', async () => {
    enableSecondOrderGradients();
    registerTrainingKernels();
    let code = readmeExample()
      .replace(/await tf\.setBackend\('wasm'\);/, `await tf.setBackend('${BACKEND}');`)
      .replace(/steps: 1000/, 'steps: 3')
      .replace(/tf\.randomNormal\(\[4096, 2\]\)/, 'tf.randomNormal([256, 2], 0, 1, "float32", 3)');
    const bindings: string[] = [];
    code = code.replace(/^import (.+) from '([^']+)';(?:\s*\/\/.*)?$/gm, (_, what: string, from: string) => {
      if (!(from in modules)) return ''; // side-effect imports (backend, register) are done above
      const name = `__m${bindings.length}`;
      bindings.push(from);
      return what.startsWith('* as ')
        ? `const ${what.slice(5)} = ${name};`
        : `const ${what.replace(/ as /g, ': ')} = ${name};`;
    });
    code = code.replace(/^import '([^']+)';(?:\s*\/\/.*)?$/gm, '');
    const js = `${transformSync(`async function __main() {\n${code}\nreturn { samples, gan, data };\n}`, { loader: 'ts' }).code}\nreturn __main();`;
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    const run = new AsyncFunction(...bindings.map((_, i) => `__m${i}`), js);
    const { samples, gan, data } = await run(...bindings.map((b) => modules[b]));
    expect(samples.shape).toEqual([512, 2]);
    const v = await samples.data();
    expect(Array.from(v).every(Number.isFinite)).toBe(true);
    samples.dispose();
    data.dispose();
    gan.trainer.dispose();
  });
});
