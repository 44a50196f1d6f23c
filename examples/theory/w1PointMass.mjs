/**
 * Theory demo (a): gradient descent on the Wasserstein-1 loss between point masses oscillates.
 *
 * μ0 = δ0 (data), μθ = δθ (generator). J(θ) = W1(δθ, δ0) = |θ|, so ∇J = sign(θ): the optimal
 * critic's gradient flips as θ crosses 0 although W1(δθ, δ−θ) = 2|θ| → 0, i.e. condition (III)
 * fails (theory.md §2.1, §3.1). Gradient descent with any fixed step γ ends in a cycle of
 * amplitude ≈ γ around 0 instead of converging: the oscillation shrinks with γ but never with t.
 */
import { wasserstein1d } from 'smoothgan/metrics';
import { lineChart } from '../lib/plot.mjs';
import { join, sig, tf } from '../lib/cli.mjs';

export const name = 'w1';
export const defaultSteps = 60;

export async function run({ steps = defaultSteps, out, theta0 = 1, stepSizes = [0.3, 0.11, 0.035] }) {
  const grad = tf.grad((t) => tf.abs(t)); // ∇θ |θ| = sign(θ): the generator sees sign(θ) only
  const runs = [];
  for (const gamma of stepSizes) {
    const thetas = [theta0];
    let theta = theta0;
    for (let t = 0; t < steps; t++) {
      const g = tf.tidy(() => grad(tf.scalar(theta)));
      theta -= gamma * (await g.data())[0];
      g.dispose();
      thetas.push(theta);
    }
    // J(θ) = W1(δθ, δ0), computed by the library's exact 1-D Wasserstein distance.
    const finalLoss = await wasserstein1d([theta], [0]);
    const tail = thetas.slice(-Math.min(20, thetas.length));
    runs.push({
      stepSize: gamma,
      finalTheta: sig(theta),
      finalLoss: sig(finalLoss),
      tailAmplitude: sig(Math.max(...tail.map(Math.abs))),
      thetas: thetas.map((x) => sig(x)),
    });
  }
  lineChart(
    join(out, 'theory-w1.png'),
    runs.map((r) => ({ name: `step ${r.stepSize}`, values: r.thetas })),
    { title: 'GD on W1(delta_theta, delta_0) = |theta|: theta_t', xLabel: 'iteration' },
  );
  const summary = runs.map((r) => `γ=${r.stepSize}: final θ=${r.finalTheta}, max|θ| over the last 20 = ${r.tailAmplitude}`).join('; ');
  console.log(`[w1] ${summary} (never → 0: the iterates cycle around 0)`);
  return {
    description: 'GD on J(θ) = W1(δθ, δ0) = |θ| from θ0 = 1: a cycle of amplitude ≈ γ, no convergence for any fixed step.',
    theta0,
    steps,
    runs,
    plot: 'theory-w1.png',
  };
}
