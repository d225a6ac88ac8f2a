/**
 * The EM panel's canvas and status: the points coloured by their responsibilities, each component's 2-sigma
 * ellipse, pruned components faint and dashed, and the line that says where the fit stands. The worker computes all
 * of it (see mixture-fit.ts); this file only draws.
 */
import { mixtureEllipses } from '../src/plot/mixture.js';
import { PLANE_EXTENT } from './data.js';
import type { MixtureFit, MixtureFrame } from './protocol.js';

/** What the EM panel's captions say, by fit. */
export const MIXTURE_TEXTS: Record<MixtureFit, { title: string; density: string; loss: string }> = {
  em: {
    title: 'Gaussian mixture, fitted by EM step by step',
    density:
      'the training points, coloured by their responsibilities (each component’s colour mixed by r_ij), and each ' +
      'component’s 2-sigma ellipse (line width: its weight); EM starts from k random points',
    loss: 'the mean log-likelihood of each E-step, which EM never lowers',
  },
  bayesian: {
    title: 'Bayesian Gaussian mixture, fitted by variational Bayes step by step',
    density:
      'the training points, coloured by q(z_i = j), and each component’s 2-sigma ellipse under q (line width: ' +
      'its expected weight); components whose weight the Dirichlet prior drives below 0.01 are pruned (dashed)',
    loss: 'the evidence lower bound of each iteration (up to a constant), which coordinate ascent never lowers',
  },
};

/** Component j of k's colour, as RGB: hues spread around the circle, as the ellipses are drawn. */
function componentColour(j: number, k: number): [number, number, number] {
  // hsl(h, 70%, 45%) in RGB (the CSS formula).
  const [h, s, l] = [(360 * j) / k, 0.7, 0.45];
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const m = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(m - 3, 9 - m, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Options of {@link drawMixture}. */
export interface MixtureDrawOptions {
  /** Colour each point by its responsibilities; otherwise all points alike. */
  responsibilities: boolean;
}

/** The points, coloured by their responsibilities or not, and each component's 2-sigma ellipse. */
export function drawMixture(
  canvas: HTMLCanvasElement,
  frame: MixtureFrame,
  { responsibilities }: MixtureDrawOptions,
): void {
  const context = canvas.getContext('2d')!;
  const extent = PLANE_EXTENT;
  const scale = canvas.width / (2 * extent);
  const toPixel = (x: number, y: number): [number, number] => [(x + extent) * scale, (extent - y) * scale];
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  const k = frame.weights.length;
  const colours = Array.from({ length: k }, (_, j) => componentColour(j, k));
  context.fillStyle = 'rgba(80, 160, 255, 0.5)';
  for (let i = 0; i + 1 < frame.data.length; i += 2) {
    if (responsibilities) {
      // The components' colours mixed by r_ij: a point shared by two components takes a colour between theirs.
      const rgb = [0, 0, 0];
      for (let j = 0; j < k; j++) {
        const r = frame.responsibilities[(i / 2) * k + j];
        for (let c = 0; c < 3; c++) rgb[c] += r * colours[j][c];
      }
      context.fillStyle = `rgba(${rgb.map(Math.round).join(', ')}, 0.7)`;
    }
    const [px, py] = toPixel(frame.data[i], frame.data[i + 1]);
    context.fillRect(px - 1, py - 1, 2, 2);
  }
  for (let j = 0; j < k; j++) {
    const pruned = frame.active !== null && !frame.active.includes(j);
    // The library's 2-sigma ellipse of the component (the one `latentlab train gmm` draws), as a polyline.
    const [ellipse] = mixtureEllipses(
      frame.means.subarray(2 * j, 2 * j + 2),
      frame.covariances.subarray(4 * j, 4 * j + 4),
      [2],
    );
    context.save();
    context.strokeStyle = `rgb(${colours[j].join(', ')})`;
    context.lineWidth = pruned ? 1 : 1 + 6 * frame.weights[j];
    if (pruned) {
      context.globalAlpha = 0.35;
      context.setLineDash([4, 4]);
    }
    context.beginPath();
    ellipse.forEach(({ x, y }, i) => {
      const [px, py] = toPixel(x, y);
      if (i === 0) context.moveTo(px, py);
      else context.lineTo(px, py);
    });
    context.stroke();
    context.restore();
  }
}

/**
 * The status line of an iteration: where it stands, its bound, the components still in use (variational Bayes),
 * and `converged` last at the end of a converged fit.
 */
export function mixtureStatus(frame: MixtureFrame): string {
  const { iteration, iterations, lowerBound, converged, active, fit } = frame;
  const bound = !Number.isFinite(lowerBound)
    ? ''
    : fit === 'em'
      ? ` · mean log-likelihood ${lowerBound.toFixed(4)}`
      : ` · ELBO ${lowerBound.toFixed(2)} (up to a constant)`;
  const inUse = active === null ? '' : ` · ${active.length} of ${frame.weights.length} components in use`;
  return (
    `iteration ${iteration} of ${iterations}${bound}${inUse}` +
    (converged && iteration === iterations ? ' · converged' : '')
  );
}
