/**
 * The flow panel's canvases: the learned log q(x) with held-out data and samples, the true log p(x) beside it on the
 * same colour scale, and the grid of z pushed through the layers as small multiples. The worker computes all of it
 * (see flow-frame.ts); this file only draws.
 */
import type { LayerStages } from '../src/families/flow/pictures.js';
import type { DensityFrame } from './protocol.js';

/** The nats of log-density the colour scale spans below the highest value shown. */
const SPAN = 8;

/** A colour from dark blue (low) to yellow (high) for t in [0, 1]. */
function colour(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t));
  return [Math.round(30 + 225 * u), Math.round(20 + 210 * u ** 0.8), Math.round(90 + 60 * (1 - u))];
}

/**
 * The log-densities both pictures map to their colours: [top - 8, top], top the highest finite value of the learned
 * and the true density, so that equal colours mean equal densities.
 */
export function densityScale(frame: DensityFrame): [number, number] {
  let top = -Infinity;
  for (const values of [frame.logDensity, frame.truth ?? []])
    for (const v of values) if (Number.isFinite(v) && v > top) top = v;
  if (top === -Infinity) top = 0;
  return [top - SPAN, top];
}

/** `logDensity` on the frame's grid as a heatmap filling `canvas`. */
function drawHeat(
  canvas: HTMLCanvasElement,
  logDensity: Float32Array,
  size: number,
  [bottom, top]: number[],
) {
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(size, size);
  for (let k = 0; k < size * size; k++) {
    const [r, g, b] = colour((logDensity[k] - bottom) / (top - bottom));
    image.data.set([r, g, b, 255], 4 * k);
  }
  const cells = document.createElement('canvas');
  cells.width = size;
  cells.height = size;
  cells.getContext('2d')!.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(cells, 0, 0, canvas.width, canvas.height);
}

/** Points (x and y interleaved) on [-extent, extent]^2 as small squares. */
function drawDots(canvas: HTMLCanvasElement, extent: number, points: Float32Array, fill: string): void {
  const context = canvas.getContext('2d')!;
  context.fillStyle = fill;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const px = ((points[i] + extent) / (2 * extent)) * canvas.width;
    const py = ((extent - points[i + 1]) / (2 * extent)) * canvas.height;
    context.fillRect(px - 1, py - 1, 2, 2);
  }
}

/**
 * The learned density with the held-out data (blue) and samples at the frame's temperature (orange) into `learned`,
 * and the true density on the same scale into `truth` (grey with a note where the density has none).
 */
export function drawDensities(
  frame: DensityFrame,
  learned: HTMLCanvasElement,
  truth: HTMLCanvasElement,
): void {
  const scale = densityScale(frame);
  drawHeat(learned, frame.logDensity, frame.size, scale);
  drawDots(learned, frame.extent, frame.data, 'rgba(80, 160, 255, 0.6)');
  drawDots(learned, frame.extent, frame.samples, 'rgba(255, 140, 0, 0.8)');
  learned.dataset.temperature = String(frame.temperature);
  if (frame.truth !== null) drawHeat(truth, frame.truth, frame.size, scale);
  else {
    const context = truth.getContext('2d')!;
    context.fillStyle = '#eee';
    context.fillRect(0, 0, truth.width, truth.height);
    context.fillStyle = '#555';
    context.font = '14px system-ui, sans-serif';
    context.fillText('this data set has no known density', 20, truth.height / 2);
  }
}

/** The square [cx - h, cx + h] x [cy - h, cy + h] around a stage's finite points, a little wider than they reach. */
function squareAround(points: Float32Array): { cx: number; cy: number; half: number } {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let p = 0; p + 1 < points.length; p += 2) {
    const [x, y] = [points[p], points[p + 1]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  if (!(x1 >= x0 && y1 >= y0)) return { cx: 0, cy: 0, half: 1 };
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, half: Math.max(x1 - x0, y1 - y0, 1e-6) * 0.55 };
}

/** The panels per row of the grid picture. */
const COLUMNS = 3;

/**
 * The grid of z through the layers: one square panel per stage, each on its own square extent with equal units on
 * both axes (the stages live in different spaces), lines horizontal in z in blue and vertical in z in red, as the
 * flow family's `layers` picture draws them. The canvas's height follows the number of panels.
 */
export function drawLayers(canvas: HTMLCanvasElement, { stages, titles, lines }: LayerStages): void {
  const columns = Math.min(COLUMNS, stages.length);
  const side = Math.floor(canvas.width / columns);
  const height = side * Math.ceil(stages.length / columns);
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  stages.forEach((stage, s) => {
    const [left, top] = [(s % columns) * side, Math.floor(s / columns) * side];
    const { cx, cy, half } = squareAround(stage);
    const pad = 14;
    const scale = (side - 2 * pad) / (2 * half);
    const perLine = stage.length / (4 * lines);
    context.save();
    context.beginPath();
    context.rect(left, top, side, side);
    context.clip();
    context.strokeStyle = '#ddd';
    context.strokeRect(left + 0.5, top + 0.5, side - 1, side - 1);
    context.lineWidth = 1;
    for (let line = 0; line < 2 * lines; line++) {
      context.strokeStyle = line < lines ? 'rgba(31, 119, 180, 0.8)' : 'rgba(214, 39, 40, 0.8)';
      context.beginPath();
      let drawing = false;
      for (let k = 0; k < perLine; k++) {
        const p = 2 * (line * perLine + k);
        const [x, y] = [stage[p], stage[p + 1]];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          drawing = false;
          continue;
        }
        const px = left + side / 2 + (x - cx) * scale;
        const py = top + side / 2 - (y - cy) * scale;
        if (drawing) context.lineTo(px, py);
        else context.moveTo(px, py);
        drawing = true;
      }
      context.stroke();
    }
    context.fillStyle = '#222';
    context.font = '11px system-ui, sans-serif';
    context.fillText(titles[s], left + 4, top + 11);
    context.restore();
  });
}
