/**
 * The messages between the studio page and its training worker. The worker owns the model and the TensorFlow.js
 * engine; the page only draws what the worker reports, so it stays responsive however long a step takes.
 */

import type { Figure } from '../src/plot/figure.js';
import type { Metrics } from '../src/families/family.js';

/**
 * The studio's panels: a normalizing flow on a 2-D density with its density drawn live, a Gaussian mixture fitted by
 * EM one iteration at a time, and one panel for each family trained by gradient steps, which shows that family's own
 * pictures and metrics as it trains.
 */
export const FAMILY_PANELS = ['vae', 'gan', 'aae', 'bigan', 'cyclegan', 'helmholtz'] as const;
export type FamilyPanel = (typeof FAMILY_PANELS)[number];
export type Panel = 'flow' | 'em' | FamilyPanel;
export const PANELS: readonly Panel[] = ['flow', 'em', ...FAMILY_PANELS];

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
  /** Whether the user set it (else it is the default). */
  given: boolean;
}

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
  /** A family panel's kind (`vae`, `beta-vae`, ...); empty for the family's first. */
  kind: string;
  /** A family panel's data: `mnist`, a toy 2-D density, `drawn` or `table`; empty for the family's default. */
  data: string;
  /** A family panel's options as text, by option name, as set by the user. */
  options: Record<string, string>;
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
  /** A family panel's run started: its kind and data as resolved, and its options with their values. */
  | { type: 'family'; kind: string; kinds: string[]; data: string; fields: OptionField[]; parameters: number }
  /** A family panel's step: the parts of its loss. */
  | { type: 'parts'; step: number; epoch: number; parts: Record<string, number>; playing: boolean }
  /** A family panel's held-out metrics and pictures after `step` steps. */
  | {
      type: 'view';
      step: number;
      metrics: Metrics;
      pictures: Array<{ name: string; figure: Figure }>;
      seconds: number;
    }
  | { type: 'error'; message: string };
