/**
 * The messages between the studio page and its training worker. The worker owns the model and the TensorFlow.js
 * engine; the page only draws what the worker reports, so it stays responsive however long a step takes.
 */

/** The studio's panels: a normalizing flow trained by gradient steps, or a Gaussian mixture fitted by EM. */
export type Panel = 'flow' | 'em';
export const PANELS: readonly Panel[] = ['flow', 'em'];

/** A panel's set-up: everything that decides a run, and what the page keeps in its URL. */
export interface StudioSetup {
  panel: Panel;
  /** A toy 2-D density of the registry (`moons`, `ring8`, ...). */
  density: string;
  seed: number;
  /** Coupling layers of the RealNVP flow. */
  layers: number;
  /** The width of the coupling networks' hidden layers (two of them). */
  hidden: number;
  learningRate: number;
  batchSize: number;
  /** The mixture's components (the EM panel). */
  components: number;
}

/** Page to worker. */
export type ToWorker =
  | { type: 'setup'; setup: StudioSetup }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'speed'; delayMs: number };

/** The model's density on a square grid, with samples, for the canvas. */
export interface DensityFrame {
  /** log q(x) at the grid's cell centres, row by row from the top. */
  logDensity: Float32Array;
  size: number;
  /** The square [-extent, extent]^2 the grid covers. */
  extent: number;
  /** Samples of the model, x and y interleaved. */
  samples: Float32Array;
  /** Held-out points of the data, x and y interleaved. */
  data: Float32Array;
}

/** One iteration of EM: the mixture's parameters after its M-step, and the bound its E-step computed. */
export interface MixtureFrame {
  /** 0 after the initial M-step, then t after the M-step of iteration t. */
  iteration: number;
  /** The iterations the fit took in all. */
  iterations: number;
  /** The mean log-likelihood of iteration t's E-step (NaN at iteration 0). */
  lowerBound: number;
  converged: boolean;
  weights: Float64Array;
  /** k x 2, row by row. */
  means: Float64Array;
  /** k full 2 x 2 covariances, row by row. */
  covariances: Float64Array;
  /** The training points, x and y interleaved. */
  data: Float32Array;
}

/** Worker to page. */
export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; step: number; loss: number; heldOut: number | null; playing: boolean }
  | { type: 'frame'; step: number; frame: DensityFrame }
  | { type: 'mixture'; frame: MixtureFrame }
  | { type: 'error'; message: string };
