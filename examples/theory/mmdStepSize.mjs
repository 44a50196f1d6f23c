/**
 * Theory demo (b): gradient descent on ½MMD² with a Gaussian kernel converges with a step
 * γ ≤ 1/L and does not with a step above 2/L.
 *
 * μ0 = δ0, μθ = δθ (a location generator x = z + θ, so A = 1, B = 0). With the Gaussian kernel
 * of bandwidth σ, J(θ) = ½MMD²(δθ, δ0) = 1 − exp(−θ²/(2σ²)); J satisfies the three conditions
 * with α = 2e^{−1/2}/σ, β1 = 2/σ², β2 = 1/σ² (theory.md §2.1), so the certificate
 * L = αB + A²(β1 + β2) = 3/σ² (theory.md §1.5). The true smoothness is max|J″| = 1/σ²
 * (at θ = 0): the certificate is an upper bound, 3× loose here.
 *
 * Steps shown: 1/L_cert = σ²/3 (the certified step), 1/L_true = σ², 1.5σ² (< 2/L_true, still
 * converges while oscillating), 2.5σ² (> 2/L_true = 2σ²: θ = 0 becomes a repelling fixed point,
 * the iterates never settle).
 */
import { smoothnessCertificate } from 'smoothgan/bounds';
import { gaussianKernel, mmd2 } from 'smoothgan/divergences';
import { lineChart } from '../lib/plot.mjs';
import { join, sig, tf } from '../lib/cli.mjs';

export const name = 'mmd';
export const defaultSteps = 60;

export async function run({ steps = defaultSteps, out, sigma = 1, theta0 = 0.8 }) {
  const kernel = gaussianKernel({ bandwidths: sigma });
  const zero = tf.tensor2d([[0]]);
  // J(θ) = ½·MMD²_biased({θ}, {0}): the library's estimator on one point per side is exact here.
  const loss = (theta) => tf.mul(0.5, mmd2(tf.reshape(theta, [1, 1]), zero, { kernel, estimator: 'biased' }));
  const valueAndGrad = tf.valueAndGrad(loss);

  const constants = { alpha: (2 * Math.exp(-0.5)) / sigma, beta1: 2 / sigma ** 2, beta2: 1 / sigma ** 2, A: 1, B: 0 };
  const cert = smoothnessCertificate(constants); // L = αB + A²(β1 + β2), stepSize = 1/L
  const trueL = 1 / sigma ** 2;
  const stepSizes = [
    { label: '1/L_cert', gamma: cert.stepSize },
    { label: '1/L_true', gamma: 1 / trueL },
    { label: '1.5/L_true', gamma: 1.5 / trueL },
    { label: '2.5/L_true', gamma: 2.5 / trueL },
  ];
  const runs = [];
  for (const { label, gamma } of stepSizes) {
    let theta = theta0;
    const thetas = [theta];
    const losses = [];
    for (let t = 0; t < steps; t++) {
      const { value, grad } = tf.tidy(() => valueAndGrad(tf.scalar(theta)));
      const [v, g] = [(await value.data())[0], (await grad.data())[0]];
      value.dispose();
      grad.dispose();
      losses.push(v);
      theta -= gamma * g;
      thetas.push(theta);
    }
    const finalLoss = 1 - Math.exp(-(theta ** 2) / (2 * sigma ** 2));
    const tail = thetas.slice(-Math.min(10, thetas.length));
    runs.push({
      label,
      stepSize: sig(gamma),
      converged: Math.max(...tail.map(Math.abs)) < 1e-3,
      finalTheta: sig(theta),
      finalLoss: sig(finalLoss),
      tailAmplitude: sig(Math.max(...tail.map(Math.abs))),
      thetas: thetas.map((x) => sig(x)),
      losses: losses.map((x) => sig(x)),
    });
  }
  zero.dispose();
  lineChart(
    join(out, 'theory-mmd.png'),
    runs.map((r) => ({ name: `${r.label}`, values: r.thetas })),
    { title: `GD on 1/2 MMD2, gaussian sigma ${sigma}: theta_t`, xLabel: 'iteration' },
  );
  console.log(
    `[mmd] L_cert = ${sig(cert.L)} (α=${sig(constants.alpha)}, β1=${constants.beta1}, β2=${constants.beta2}, A=1, B=0), L_true = ${trueL}; ` +
      runs.map((r) => `γ=${r.stepSize} (${r.label}): final |θ|=${sig(Math.abs(r.finalTheta), 3)} ${r.converged ? 'converged' : 'NOT converged'}`).join('; '),
  );
  return {
    description:
      'GD on J(θ) = ½MMD²(δθ, δ0) with a Gaussian kernel: converges for γ ≤ 1/L (certificate) and for γ < 2/L_true; ' +
      'does not converge for γ > 2/L_true.',
    sigma,
    theta0,
    steps,
    constants,
    certificate: { L: cert.L, terms: cert.terms, stepSize: cert.stepSize, divergenceThreshold: cert.divergenceThreshold, caveats: cert.caveats },
    trueSmoothness: trueL,
    divergenceThreshold: 2 / trueL,
    runs,
    plot: 'theory-mmd.png',
  };
}
