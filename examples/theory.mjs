/**
 * The demonstrations of theory.md §4 (derived examples, not reproductions of paper numbers):
 *   w1     gradient descent on W1 between point masses oscillates (J = |θ|);
 *   mmd    on ½MMD² (Gaussian kernel) a step ≤ 1/L converges, a step > 2/L does not;
 *   dirac  Dirac-GAN: simultaneous GD spirals out, alternating GD cycles, R1 converges.
 *
 * Writes theory-*.png and theory.json to --out (default out/theory).
 * Run: npm run build && node examples/theory.mjs [--demo all|w1|mmd|dirac] [--steps N] [--backend wasm|cpu]
 */
import { parseFlags, useBackend, outputDir, writeJson, join } from './lib/cli.mjs';
import * as w1 from './theory/w1PointMass.mjs';
import * as mmd from './theory/mmdStepSize.mjs';
import * as dirac from './theory/diracGan.mjs';

const DEMOS = [w1, mmd, dirac];
const flags = parseFlags(
  process.argv.slice(2),
  { demo: 'all', steps: 0, backend: 'wasm', out: 'out/theory' },
  'node examples/theory.mjs [--demo all|w1|mmd|dirac] [--steps N (0: each demo\'s default)] [--backend wasm|cpu] [--out DIR]',
);
const chosen = flags.demo === 'all' ? DEMOS : DEMOS.filter((d) => d.name === flags.demo);
if (chosen.length === 0) throw new Error(`--demo must be all, ${DEMOS.map((d) => d.name).join(', ')}, but got '${flags.demo}'.`);

const backend = await useBackend(flags.backend);
const out = outputDir(flags.out);
const results = { example: 'theory', backend };
for (const demo of chosen) {
  results[demo.name] = await demo.run({ steps: flags.steps > 0 ? flags.steps : demo.defaultSteps, out });
}
writeJson(join(out, 'theory.json'), results);
console.log(`theory: wrote ${chosen.map((d) => d.name).join(', ')} to ${out}`);
