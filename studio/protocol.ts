/**
 * The messages between the studio page and its training worker. The worker owns the model and the TensorFlow.js
 * engine; the page only draws what the worker reports, so it stays responsive however long a step takes.
 */

import type { Figure } from '../src/plot/figure.js';
import type { FlowArch } from '../src/families/flow/config.js';
import type { Metrics } from '../src/families/family.js';
import type { LayerStages } from '../src/families/flow/pictures.js';
import type { UserData } from './data.js';
import type { GivenFile } from './run-transfer.js';

/**
 * The studio's panels: a normalizing flow on a 2-D density with its density drawn live, a Gaussian mixture fitted by
 * EM one iteration at a time, and one panel for each family trained by gradient steps, which shows that family's own
 * pictures and metrics as it trains.
 */
export const FAMILY_PANELS = ['vae', 'gan', 'aae', 'bigan', 'cyclegan', 'helmholtz'] as const;
export type FamilyPanel = (typeof FAMILY_PANELS)[number];
export type Panel = 'flow' | 'em' | FamilyPanel;
export const PANELS: readonly Panel[] = ['flow', 'em', ...FAMILY_PANELS];

/**
 * The TensorFlow.js backends the page offers. A backend belongs to a worker: choosing another starts a new worker.
 * `wasm` runs the library's own kernels (see `src/engine/tf.ts`); `webgl` and `webgpu` run TensorFlow.js's stock
 * kernels on the GPU (in software where there is none); `cpu` is plain JavaScript.
 */
export const STUDIO_BACKENDS = ['wasm', 'webgl', 'webgpu', 'cpu'] as const;
export type StudioBackend = (typeof STUDIO_BACKENDS)[number];

/**
 * How the EM panel fits its mixture: `em`, maximum likelihood by EM (`GaussianMixture`), or `bayesian`, variational
 * Bayes with a Dirichlet prior on the weights (`BayesianGaussianMixture`), which prunes the components the data do
 * not need.
 */
export const MIXTURE_FITS = ['em', 'bayesian'] as const;
export type MixtureFit = (typeof MIXTURE_FITS)[number];

/** Whether `panel` is a family's generic panel. */
export const isFamilyPanel = (panel: Panel): panel is FamilyPanel =>
  (FAMILY_PANELS as readonly string[]).includes(panel);

/** One of a family's options as the page offers it: its declaration, and its value for the run in hand. */
export interface OptionField {
  name: string;
  type: string;
  help: string;
  choices?: readonly string[];
  /** The value as text, as a flag takes it. */
  value: string;
}

/** A panel's set-up: everything that decides a run, and what the page keeps in its URL. */
export interface StudioSetup {
  panel: Panel;
  /** The worker's TensorFlow.js backend. */
  backend: StudioBackend;
  /** A toy 2-D density of the registry (`moons`, `ring8`, ...). */
  density: string;
  seed: number;
  /** The flow panel's architecture: NICE (additive couplings), RealNVP (affine) or Glow (with act-norm and 1x1 mixing). */
  arch: FlowArch;
  /** Coupling layers of the flow. */
  layers: number;
  /** The width of the coupling networks' hidden layers (two of them). */
  hidden: number;
  learningRate: number;
  batchSize: number;
  /** The temperature T of the flow's samples, z ~ N(0, T^2 I): a view setting, changed without a new run. */
  temperature: number;
  /** The mixture's components (the EM panel). */
  components: number;
  /** How the EM panel fits the mixture. */
  mixture: MixtureFit;
  /** A family panel's kind (`vae`, `beta-vae`, ...); empty for the family's first. */
  kind: string;
  /** A family panel's data: `mnist`, a toy 2-D density, `drawn` or `table`; empty for the family's default. */
  data: string;
  /** A family panel's options as text, by option name, as set by the user. */
  options: Record<string, string>;
}

/** Page to worker. */
export type ToWorker =
  /** The first message: start the engine on `backend`; the worker answers 'ready'. */
  | { type: 'engine'; backend: StudioBackend }
  /** A new run; `generation` numbers the page's runs, and the worker stamps what it sends with its run's. */
  | { type: 'setup'; setup: StudioSetup; generation: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'speed'; delayMs: number }
  /** The flow panel's sample temperature moved: the worker redraws the samples at once, playing or not. */
  | { type: 'temperature'; temperature: number }
  /** The user's drawn points or dropped table, which set-ups name by `data: 'drawn'` or `'table'`. */
  | { type: 'data'; data: UserData }
  /** Save the family panel's run: the worker answers 'download' with the command line's files of it. */
  | { type: 'download' }
  /** Files given to the page (a run's .tar, its folder's or its checkpoint's files): open the run they hold. */
  | { type: 'open'; files: GivenFile[]; generation: number };

/** What the page's code sends: a {@link ToWorker} before its `send` stamps a new run's generation on it. */
export type PageMessage = ToWorker extends infer T
  ? T extends unknown
    ? Omit<T, 'generation'>
    : never
  : never;

/**
 * What the worker sends, stamped with the generation of the run it is about (0 before the first), so that the page
 * drops what an earlier run sent after a reset.
 */
export type Stamped = FromWorker & { generation: number };

/** The model's density on a square grid, with samples, for the canvas. */
export interface DensityFrame {
  /** log q(x) at the grid's cell centres, row by row from the top. */
  logDensity: Float32Array;
  size: number;
  /** The square [-extent, extent]^2 the grid covers. */
  extent: number;
  /** Samples of the model at `temperature`, x and y interleaved. */
  samples: Float32Array;
  temperature: number;
  /** Held-out points of the data, x and y interleaved. */
  data: Float32Array;
  /** The density's true log p(x) on the same grid, or null where it has none. */
  truth: Float32Array | null;
  /** A grid of lines in z pushed through the flow's layers (the flow family's `layerStages`). */
  layers: LayerStages;
}

/** One iteration of EM: the mixture's parameters after its M-step, and the bound its E-step computed. */
export interface MixtureFrame {
  /** EM, or variational Bayes (whose parameters are the expectations under q, and whose bound is the ELBO). */
  fit: MixtureFit;
  /** 0 after the initial M-step, then t after the M-step of iteration t. */
  iteration: number;
  /** The iterations the fit took in all. */
  iterations: number;
  /**
   * EM: the mean log-likelihood of iteration t's E-step; variational Bayes: the evidence lower bound, summed over
   * the points, up to a constant. NaN at iteration 0.
   */
  lowerBound: number;
  converged: boolean;
  weights: Float64Array;
  /** k x 2, row by row. */
  means: Float64Array;
  /** k full 2 x 2 covariances, row by row. */
  covariances: Float64Array;
  /** The training points, x and y interleaved. */
  data: Float32Array;
  /** r_ij = p(z_i = j | x_i) under this iteration's parameters (q(z_i = j) for variational Bayes), n x k. */
  responsibilities: Float32Array;
  /** Variational Bayes: the components whose expected weight is above the pruning threshold; EM: null. */
  active: number[] | null;
}

/** Worker to page. */
export type FromWorker =
  /**
   * The engine started: the backend that runs (`requested` unless it is missing here, which `note` explains), and
   * which of the library's own kernels are in force on it (see `studio/engine.ts`).
   */
  | { type: 'ready'; backend: string; requested: StudioBackend; note: string | null; kernels: string[] }
  /** A flow step: its loss, the held-out loss every few steps, and `ms`, the milliseconds of the step alone. */
  | { type: 'progress'; step: number; loss: number; ms: number; heldOut: number | null }
  | { type: 'frame'; frame: DensityFrame }
  | { type: 'mixture'; frame: MixtureFrame }
  /** A family panel's run started: its kind and data as resolved, and its options with their values. */
  | { type: 'family'; kind: string; kinds: string[]; data: string; fields: OptionField[]; parameters: number }
  /** A family panel's step: the parts of its loss, and `ms`, the milliseconds of the step alone. */
  | {
      type: 'parts';
      step: number;
      epoch: number;
      parts: Record<string, number>;
      ms: number;
      playing: boolean;
    }
  /** A family panel's held-out metrics and pictures after `step` steps. */
  | {
      type: 'view';
      step: number;
      metrics: Metrics;
      pictures: Array<{ name: string; figure: Figure }>;
    }
  /** The family panel's run as the run directory `latentlab train` writes, in one tar archive named `name`. */
  | { type: 'download'; name: string; bytes: Uint8Array }
  /**
   * A run was opened from files (`source` names them) at `step`: the page takes its panel and set-up. Its 'family'
   * message comes just before, its 'view' just after.
   */
  | {
      type: 'opened';
      source: string;
      step: number;
      setup: Pick<StudioSetup, 'panel' | 'kind' | 'data' | 'seed' | 'options'>;
    }
  | { type: 'error'; message: string };
