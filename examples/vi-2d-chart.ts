/**
 * The picture of the 2-D variational inference example: one panel per target and family, with the target density
 * as a heatmap and q's 1- and 2-sigma ellipses over it, and one panel per target with the ELBO during training.
 */
import * as tf from '../src/engine/tf.js';
import type { TopLevelSpec } from '../src/plot/figure.js';
import { mixtureEllipses } from '../src/plot/mixture.js';
import type { FitResult, Target2D } from './vi-2d.js';

const FAMILY_NAMES = { diagonal: 'diagonal (mean-field) q', full: 'full-covariance q' };
const Q_COLOUR = '#d94801';
const PANEL = 270;
// Without a browser, Vega guesses text widths (0.8 em a character), too wide for long titles; panels in a row are
// therefore laid out by their plot areas alone, with room for the axes and titles in the spacing.
const FLUSH_ROW = { bounds: 'flush' as const, spacing: 110 };

interface Cell {
  z1: number;
  z1end: number;
  z2: number;
  z2end: number;
  density: number;
}

/** The target density on an n x n grid over its extent, divided by its largest value. */
function densityGrid(target: Target2D, n: number): Cell[] {
  const [[x0, x1], [y0, y1]] = target.extent;
  const dx = (x1 - x0) / n;
  const dy = (y1 - y0) / n;
  const values = tf.tidy(() => {
    const z1 = tf.add(tf.mul(tf.range(0, n), dx), x0 + dx / 2);
    const z2 = tf.add(tf.mul(tf.range(0, n), dy), y0 + dy / 2);
    const grid = tf.stack([tf.tile(tf.expandDims(z1, 1), [1, n]), tf.tile(tf.expandDims(z2, 0), [n, 1])], -1);
    const logP = target.logDensity(grid);
    return tf.exp(tf.sub(logP, tf.max(logP)));
  });
  const density = values.dataSync();
  values.dispose();
  const cells: Cell[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const z1 = x0 + i * dx;
      const z2 = y0 + j * dy;
      // Cells overlap by a twentieth so that anti-aliasing leaves no hairline seams between them.
      cells.push({ z1, z1end: z1 + 1.05 * dx, z2, z2end: z2 + 1.05 * dy, density: density[i * n + j] });
    }
  return cells;
}

/** Points of the ellipses (z - m)^T C^{-1} (z - m) = r^2 for r = 1, 2 (see `mixtureEllipses`), in drawing order. */
function ellipses(
  loc: number[],
  cov: number[][],
): { z1: number; z2: number; level: string; order: number }[] {
  return mixtureEllipses(loc, cov.flat(), [1, 2], 90).flatMap((ring, r) =>
    ring.map(({ x, y }, order) => ({ z1: x, z2: y, level: `${r + 1}σ`, order })),
  );
}

/** `x` with `digits` decimals, and no minus sign on a value that rounds to zero. */
export function fixed(x: number, digits = 3): string {
  return x.toFixed(digits).replace(/^-(0\.0+)$/, '$1');
}

function axis(title: string, extent: [number, number]) {
  return { title, scale: { domain: extent, nice: false, zero: false } };
}

function fitPanel(target: Target2D, fit: FitResult, cells: Cell[]) {
  const [xExtent, yExtent] = target.extent;
  const x = { field: 'z1', type: 'quantitative' as const, ...axis('z₁', xExtent) };
  const y = { field: 'z2', type: 'quantitative' as const, ...axis('z₂', yExtent) };
  return {
    title: {
      text: `${target.title}, ${fit.family === 'full' ? 'full-covariance' : 'diagonal'} q`,
      subtitle: [
        `ELBO ${fixed(fit.elbo)}, log Z ${fixed(fit.logZ)}`,
        `KL(q‖p) = log Z − ELBO = ${fixed(fit.gap)} nats (best ${fixed(target.bestGap[fit.family])})`,
      ],
    },
    width: PANEL,
    height: PANEL,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect' as const, clip: true },
        encoding: {
          x,
          x2: { field: 'z1end' },
          y,
          y2: { field: 'z2end' },
          color: {
            field: 'density',
            type: 'quantitative' as const,
            title: ['target p(z),', 'relative to', 'its peak'],
            scale: { domain: [0, 1], range: ['#ffffff', '#4292c6', '#08306b'], interpolate: 'lab' },
          },
        },
      },
      {
        data: { values: ellipses(fit.loc, fit.covariance) },
        mark: { type: 'line' as const, color: Q_COLOUR, strokeWidth: 2, clip: true },
        encoding: {
          x,
          y,
          order: { field: 'order' },
          detail: { field: 'level' },
          strokeDash: {
            field: 'level',
            type: 'nominal' as const,
            title: 'q(z) ellipses',
            scale: {
              domain: ['1σ', '2σ'],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
          },
        },
      },
      {
        data: { values: [{ z1: fit.loc[0], z2: fit.loc[1] }] },
        mark: { type: 'point' as const, shape: 'cross', color: Q_COLOUR, filled: true, size: 90 },
        encoding: { x, y },
      },
    ],
  };
}

/** The per-step ELBO estimates, averaged over windows so that at most `points` remain. */
function smoothed(history: number[], points = 200): { step: number; elbo: number }[] {
  const w = Math.max(1, Math.ceil(history.length / points));
  const out = [];
  for (let i = 0; i + w <= history.length; i += w) {
    let s = 0;
    for (let k = i; k < i + w; k++) s += history[k];
    out.push({ step: i + w, elbo: s / w });
  }
  return out;
}

function curvePanel(target: Target2D, fits: FitResult[]) {
  const values = fits.flatMap((f) => smoothed(f.history).map((p) => ({ ...p, q: FAMILY_NAMES[f.family] })));
  const lows = values.map((v) => v.elbo).sort((a, b) => a - b);
  // Start the axis below the final values but not at the first, far-off steps.
  const lastStep = Math.max(...fits.map((f) => f.history.length));
  const low = Math.min(lows[Math.floor(lows.length * 0.1)], target.logZ - 1.5);
  return {
    title: {
      text: `${target.title}: ELBO during training`,
      subtitle: [`per-step ELBO estimates, averaged in windows`, 'dotted: log Z, the ceiling'],
    },
    width: PANEL,
    height: 160,
    layer: [
      {
        data: { values },
        mark: { type: 'line' as const, clip: true },
        encoding: {
          x: {
            field: 'step',
            type: 'quantitative' as const,
            title: 'Adam step',
            scale: { domain: [0, lastStep], nice: false },
          },
          y: {
            field: 'elbo',
            type: 'quantitative' as const,
            title: 'ELBO (nats)',
            scale: { domain: [low, target.logZ + 0.2], zero: false },
          },
          stroke: {
            field: 'q',
            type: 'nominal' as const,
            title: 'family',
            scale: { domain: Object.values(FAMILY_NAMES), range: ['#6a51a3', '#238b45'] },
          },
          // The diagonal q's line is drawn wider, so that it shows where the two coincide (the banana).
          strokeWidth: {
            condition: { test: `datum.q === '${FAMILY_NAMES.diagonal}'`, value: 3 },
            value: 1.5,
          },
        },
      },
      {
        data: { values: [{ logZ: target.logZ }] },
        mark: { type: 'rule' as const, color: 'black', strokeDash: [2, 2] },
        encoding: { y: { field: 'logZ', type: 'quantitative' as const } },
      },
      {
        data: { values: [{ logZ: target.logZ, step: lastStep, label: 'log Z' }] },
        mark: { type: 'text' as const, align: 'right' as const, baseline: 'bottom' as const, dy: -2 },
        encoding: {
          x: { field: 'step', type: 'quantitative' as const },
          y: { field: 'logZ', type: 'quantitative' as const },
          text: { field: 'label' },
        },
      },
    ],
  };
}

/** The Vega-Lite spec of the example's picture. */
export function viChartSpec(targets: Target2D[], fits: FitResult[]): TopLevelSpec {
  const rows = targets.map((target) => {
    const cells = densityGrid(target, 80);
    const own = fits.filter((f) => f.target === target.key);
    return { hconcat: own.map((fit) => fitPanel(target, fit, cells)), ...FLUSH_ROW };
  });
  const curves = {
    hconcat: targets.map((t) =>
      curvePanel(
        t,
        fits.filter((f) => f.target === t.key),
      ),
    ),
    ...FLUSH_ROW,
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Variational inference: a Gaussian q(z) fitted to p(z) by maximising the ELBO',
      subtitle: [
        'ELBO = E_q[log p̃(z) − log q(z)] = log Z − KL(q‖p), maximised by Adam with reparameterized draws of q.',
        'Blue: the target p(z) = p̃(z) / Z. Orange: q’s mean (+) and its 1σ and 2σ ellipses.',
        'A diagonal q is too narrow on a correlated target; no Gaussian can bend along the banana.',
      ],
      anchor: 'start',
      fontSize: 16,
    },
    vconcat: [...rows, curves],
    config: {
      view: { stroke: null },
      axis: { grid: false, titleFontSize: 13 },
      legend: { orient: 'right', labelLimit: 250 },
      title: { subtitleFontSize: 12 },
      concat: { spacing: 30 },
    },
  };
}
