/**
 * What the flow panel shows of a flow, computed in the worker from the library's own code: the flow's log q(x) on a
 * square grid, the density's true log p(x) on the same grid (`toy2dLogDensity`), samples at a temperature
 * (`FlowModel.sample`), and a grid of lines in z pushed through the layers (the flow family's `layerStages`, which its
 * `layers` picture draws).
 */
import * as tf from '../src/engine/tf.js';
import { toy2dLogDensity } from '../src/data/toy2d.js';
import type { FlowModel } from '../src/families/flow/model.js';
import { layerStages } from '../src/families/flow/pictures.js';
import type { DensityFrame } from './protocol.js';
import { PLANE_EXTENT } from './data.js';

/** The grid of the density pictures: cells per side, and the square [-EXTENT, EXTENT]^2 it covers. */
export const GRID = 64;
/** The plane's square, the one the user draws in too. */
export const EXTENT = PLANE_EXTENT;
/** The samples drawn for each frame. */
const SAMPLES = 500;

/** The centres of a `size x size` grid of cells on [-extent, extent]^2, row by row from the top, x and y interleaved. */
export function gridCentres(size = GRID, extent = EXTENT): Float32Array {
  const centres = new Float32Array(size * size * 2);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) {
      centres[2 * (i * size + j)] = -extent + ((j + 0.5) * 2 * extent) / size;
      centres[2 * (i * size + j) + 1] = extent - ((i + 0.5) * 2 * extent) / size;
    }
  return centres;
}

/**
 * The true log p(x) of toy density `density` at the cells of {@link gridCentres}, or null where the data set has no
 * known density. Computed once per run: the curves' densities are quadratures over thousands of nodes.
 *
 * @example
 * trueLogDensity('ring8'); // 4096 values, -Infinity nowhere: the mixture's tails are finite
 */
export function trueLogDensity(density: string, size = GRID, extent = EXTENT): Float32Array | null {
  const logp = toy2dLogDensity(density);
  return logp === null ? null : Float32Array.from(logp(Float64Array.from(gridCentres(size, extent))));
}

/** What {@link flowFrame} draws beside the flow. */
export interface FlowFrameOptions {
  /** Held-out points, x and y interleaved. */
  data: Float32Array;
  /** {@link trueLogDensity} of the run's density. */
  truth: Float32Array | null;
  /** T of the samples, z ~ N(0, T^2 I). */
  temperature: number;
  /** The samples' seed. */
  seed: number;
}

/**
 * The flow panel's picture of `flow`: log q(x) on the grid, samples at `temperature`, the true density and the grid
 * of z through the layers.
 *
 * @example
 * post({ type: 'frame', step, frame: flowFrame(run.flow, { data, truth, temperature: 0.7, seed: step }) });
 */
export function flowFrame(
  flow: FlowModel,
  { data, truth, temperature, seed }: FlowFrameOptions,
): DensityFrame {
  const [logDensity, samples] = tf.tidy(() => [
    flow.logProb(tf.tensor2d(gridCentres(), [GRID * GRID, 2])).dataSync() as Float32Array,
    flow.sample(SAMPLES, { seed, temperature }).dataSync() as Float32Array,
  ]);
  return {
    logDensity,
    size: GRID,
    extent: EXTENT,
    samples,
    temperature,
    data,
    truth,
    layers: layerStages(flow),
  };
}
