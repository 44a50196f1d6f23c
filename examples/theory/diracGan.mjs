/**
 * Theory demo (c): the Dirac-GAN of Mescheder, Geiger & Nowozin (ICML 2018), with and without R1.
 *
 * Data δ0, generator δθ, critic D_ψ(x) = ψ·x, the minimax GAN loss (Mescheder's
 * L(θ, ψ) = f(ψθ) + f(0), f(t) = −log(1 + e^{−t})). The only equilibrium is
 * (θ, ψ) = (0, 0), where the Jacobian of the gradient field has eigenvalues ±i·f′(0) (f′(0) = ½):
 * purely imaginary, so
 *   - simultaneous gradient descent spirals out (each step multiplies the radius by ≈ √(1 + h²/4));
 *   - alternating gradient descent (what the trainer does: critic, then generator) cycles;
 *   - with R1, (γ/2)·E_data‖∇ₓD‖² = (γ/2)ψ², the eigenvalues become −γ/2 ± √(γ²/4 − f′(0)²) and
 *     the iterates converge to (0, 0) (theory.md §5.4).
 * The last two runs use smoothgan's trainer (createGanTrainer with function networks, SGD);
 * the first is written out by hand, because the trainer is alternating by design.
 */
import { minimaxLoss } from 'smoothgan/losses';
import { r1Penalty } from 'smoothgan/regularizers';
import { createGanTrainer, normalNoise } from 'smoothgan/train';
import { scatterPanels, lineChart, PALETTE } from '../lib/plot.mjs';
import { join, sig, tf } from '../lib/cli.mjs';

export const name = 'dirac';
export const defaultSteps = 400;

const sigmoid = (t) => 1 / (1 + Math.exp(-t));

/** Simultaneous GD on the minimax Dirac-GAN, written out: ∂ψ = θ·σ(ψθ), ∂θ = −ψ·σ(ψθ). */
function simultaneous({ steps, lr, theta0, psi0 }) {
  let theta = theta0;
  let psi = psi0;
  const path = [[theta, psi]];
  for (let t = 0; t < steps; t++) {
    const dPsi = theta * sigmoid(psi * theta); // critic: softplus(−ψ·0) + softplus(ψθ)
    const dTheta = -psi * sigmoid(psi * theta); // generator (minimax): −softplus(ψθ)
    [theta, psi] = [theta - lr * dTheta, psi - lr * dPsi];
    path.push([theta, psi]);
  }
  return path;
}

/** Alternating GD through createGanTrainer; `gamma` > 0 adds r1Penalty. */
async function withTrainer({ steps, lr, theta0, psi0, gamma }) {
  const theta = tf.variable(tf.scalar(theta0), true, `dirac_theta_${gamma}`);
  const psi = tf.variable(tf.scalar(psi0), true, `dirac_psi_${gamma}`);
  const gan = createGanTrainer({
    generator: { apply: (z) => tf.mul(tf.onesLike(z), theta), variables: [theta] }, // every sample is θ
    critic: { apply: (x) => tf.mul(x, psi), variables: [psi] }, // D_ψ(x) = ψ·x
    loss: minimaxLoss(),
    criticTerms: gamma > 0 ? [r1Penalty({ gamma })] : [],
    realData: ({ batchSize }) => tf.zeros([batchSize, 1]), // data: δ0
    noise: normalNoise([1]),
    batchSize: 1,
    optimizers: { critic: tf.train.sgd(lr), generator: tf.train.sgd(lr) },
    seed: 1,
  });
  const path = [[theta0, psi0]];
  const record = {
    async onStepEnd() {
      path.push([(await theta.data())[0], (await psi.data())[0]]);
    },
  };
  await gan.trainer.fit({ steps, callbacks: [record] });
  gan.trainer.dispose();
  theta.dispose();
  psi.dispose();
  return path;
}

export async function run({ steps = defaultSteps, out, lr = 0.1, theta0 = 1, psi0 = 0, gamma = 0.5 }) {
  const variants = [
    { label: 'simultaneous GD', path: simultaneous({ steps, lr, theta0, psi0 }) },
    { label: 'alternating (trainer)', path: await withTrainer({ steps, lr, theta0, psi0, gamma: 0 }) },
    { label: `alternating + R1 g=${gamma}`, path: await withTrainer({ steps, lr, theta0, psi0, gamma }) },
  ];
  const radius = (p) => Math.hypot(p[0], p[1]);
  const range = Math.min(4, Math.max(1.5, ...variants.flatMap((v) => v.path.map((p) => Math.max(Math.abs(p[0]), Math.abs(p[1])))))) * 1.05;
  scatterPanels(
    join(out, 'theory-dirac.png'),
    variants.map((v, i) => ({
      title: v.label,
      layers: [
        { points: [[0, 0]], color: [0, 0, 0], radius: 3, alpha: 1 },
        { points: v.path, color: PALETTE[i], radius: 1, alpha: 0.8 },
        { points: [v.path[0]], color: [214, 39, 40], radius: 3, alpha: 1 },
      ],
    })),
    { range: [-range, range], title: 'Dirac-GAN: (theta, psi) trajectories' },
  );
  lineChart(
    join(out, 'theory-dirac-radius.png'),
    variants.map((v) => ({ name: v.label, values: v.path.map(radius) })),
    { title: 'Dirac-GAN: distance to the equilibrium', xLabel: 'step', logY: true },
  );
  const runs = variants.map((v) => {
    const last = v.path.at(-1);
    return {
      label: v.label,
      finalTheta: sig(last[0]),
      finalPsi: sig(last[1]),
      initialRadius: sig(radius(v.path[0])),
      finalRadius: sig(radius(last)),
      path: v.path.filter((_, i) => i % Math.max(1, Math.floor(steps / 200)) === 0).map(([a, b]) => [sig(a), sig(b)]),
    };
  });
  const eig = (g) => {
    const disc = (g * g) / 4 - 0.25;
    return disc >= 0 ? `${sig(-g / 2 + Math.sqrt(disc), 3)}, ${sig(-g / 2 - Math.sqrt(disc), 3)}` : `${-g / 2} ± ${sig(Math.sqrt(-disc), 3)}i`;
  };
  console.log(`[dirac] ${runs.map((r) => `${r.label}: |(θ,ψ)| ${r.initialRadius} → ${r.finalRadius}`).join('; ')}`);
  return {
    description:
      'Dirac-GAN (data δ0, generator δθ, critic ψ·x, minimax loss), lr ' + lr + ', from (θ, ψ) = (' + theta0 + ', ' + psi0 + '). ' +
      'Simultaneous GD spirals out, alternating GD cycles, R1 converges.',
    steps,
    lr,
    gamma,
    jacobianEigenvalues: { unregularised: '±0.5i', withR1: eig(gamma) },
    runs,
    plots: ['theory-dirac.png', 'theory-dirac-radius.png'],
  };
}
