/**
 * The studio's data: the toy 2-D densities and the embedded MNIST digits by name, as the command line's `--data`
 * names them, and the user's own data, which no name reaches: points drawn with the mouse, and a CSV, TSV or JSON
 * table dropped on the page, read by the command line's own parser (`parseTableFile`, the code behind
 * `--data points.csv`), so a malformed table gets the very message, line and column the command line prints.
 *
 * A table has no held-out part, as `loadDataset` gives it to `latentlab train` (which then records no held-out
 * metrics); drawn points have one, a seeded tenth, so the panels evaluate on points the model never trained on.
 */
import { splitMnist } from '../src/data/mnist-split.js';
import { isToy2dName, toy2dDataset } from '../src/data/toy2d.js';
import {
  subset,
  vectorDataset,
  type DataSplit,
  type Dataset,
  type TrainTestSplit,
} from '../src/data/dataset.js';
import { parseTableFile } from '../src/data/table.js';
import { deriveSeed, Random } from '../src/engine/random.js';
import { decodeMnistBytes } from './mnist-bytes.js';
import type { StudioSetup } from './protocol.js';

/** The square [-extent, extent]^2 of the plane that the flow and EM pictures and the drawing canvas show. */
export const PLANE_EXTENT = 4;

/** The user's own data, by the name the URL's `data=` keeps for it (the points themselves it cannot keep). */
export type UserDataName = 'drawn' | 'table';

/** Every {@link UserDataName}. */
export const USER_DATA_NAMES: readonly UserDataName[] = ['drawn', 'table'];

/** Whether `name` (a set-up's `data`) names the user's own data rather than a data set the studio can load. */
export const isUserDataName = (name: string): name is UserDataName =>
  (USER_DATA_NAMES as readonly string[]).includes(name);

/** The share of drawn points held out for evaluation. */
export const HELD_OUT_FRACTION = 0.1;

/** Fewer drawn points than this are not a data set to train on. */
export const MIN_DRAWN_POINTS = 20;

/** The brush stops adding points at this many, which a 2-D model fits in a few hundred steps. */
export const MAX_DRAWN_POINTS = 5000;

/**
 * The user's own data, as the page sends it to the worker: `n` rows of `d` numbers, row-major, and where they came
 * from (`drawn`, or the dropped file's name, which error messages and the data set's name use).
 */
export interface UserData {
  name: UserDataName;
  source: string;
  values: Float64Array;
  n: number;
  d: number;
}

/** The user's data that the page has sent, at most one of each kind. */
export type UserDataStore = Partial<Record<UserDataName, UserData>>;

/** How a {@link Brush} sprays. */
export interface BrushOptions {
  /** Points added per call of `spray` (a mouse move). */
  perMove?: number;
  /** The standard deviation of each point's offset from the pointer, in plane units. */
  radius?: number;
}

/**
 * A spray brush for drawing a 2-D data set with the mouse: each `spray(x, y)` adds a few points scattered around
 * (x, y) by a normal jitter, kept inside the plane's square. The jitter is drawn from a seeded stream, restarted by
 * `clear`, so the same strokes give the same points.
 *
 * @example
 * const brush = new Brush(0);
 * brush.spray(1, -0.5); // 3 points near (1, -0.5)
 * const data = brush.data(); // once it holds MIN_DRAWN_POINTS or more
 */
export class Brush {
  /** The points so far, x and y interleaved. */
  readonly points: number[] = [];
  private random: Random;
  private readonly perMove: number;
  private readonly radius: number;

  constructor(
    readonly seed: number,
    { perMove = 3, radius = 0.15 }: BrushOptions = {},
  ) {
    if (!Number.isInteger(perMove) || perMove < 1)
      throw new RangeError(`Brush: option 'perMove' must be a positive integer, got ${perMove}`);
    if (!(radius >= 0)) throw new RangeError(`Brush: option 'radius' must be a number >= 0, got ${radius}`);
    this.perMove = perMove;
    this.radius = radius;
    this.random = new Random(deriveSeed(seed, 'brush'));
  }

  /** The number of points drawn. */
  get n(): number {
    return this.points.length / 2;
  }

  /** Add points around (x, y), in plane coordinates; returns how many were added (none once the brush is full). */
  spray(x: number, y: number): number {
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new RangeError(`Brush.spray: arguments 'x' and 'y' must be finite, got (${x}, ${y})`);
    const added = Math.min(this.perMove, MAX_DRAWN_POINTS - this.n);
    const clip = (v: number) => Math.min(PLANE_EXTENT, Math.max(-PLANE_EXTENT, v));
    for (let i = 0; i < added; i++)
      this.points.push(
        clip(x + this.radius * this.random.normal()),
        clip(y + this.radius * this.random.normal()),
      );
    return added;
  }

  /** Remove every point, and restart the jitter's stream. */
  clear(): void {
    this.points.length = 0;
    this.random = new Random(deriveSeed(this.seed, 'brush'));
  }

  /** The points as the user's data; throws when there are too few to train on. */
  data(): UserData {
    if (this.n < MIN_DRAWN_POINTS)
      throw new RangeError(
        `draw at least ${MIN_DRAWN_POINTS} points to train on (drag the mouse over the canvas), there are ${this.n}`,
      );
    return { name: 'drawn', source: 'drawn', values: Float64Array.from(this.points), n: this.n, d: 2 };
  }
}

/**
 * A dropped table file's text as the user's data, parsed as `--data FILE` parses it: by `parseTableFile`, the format
 * told by the file name's extension. Throws `TableFormatError`, whose message names the file, line and column.
 *
 * @example
 * tableData('x,y\n0,1\n2,3\n', 'points.csv'); // { name: 'table', source: 'points.csv', n: 2, d: 2, ... }
 */
export function tableData(text: string, fileName: string): UserData {
  const table = parseTableFile(text, fileName);
  return { name: 'table', source: fileName, values: table.data, n: table.n, d: table.d };
}

/**
 * Drawn points split into training points and a held-out tenth (at least one point), picked by a permutation of
 * `seed`, so the same points and seed give the same split.
 *
 * @example
 * const { train, test } = drawnSplit(brush.data().values, 0); // 90 and 10 of 100 points
 */
export function drawnSplit(values: Float64Array, seed: number): TrainTestSplit {
  const all = vectorDataset('drawn', values, 2);
  if (all.n < 2)
    throw new RangeError(`drawnSplit: argument 'values' must hold 2 points or more, got ${all.n}`);
  const held = Math.max(1, Math.round(all.n * HELD_OUT_FRACTION));
  const order = new Random(deriveSeed(seed, 'drawn-split')).permutation(all.n);
  return {
    name: 'drawn',
    train: subset(all, order.subarray(held), 'drawn-train'),
    test: subset(all, order.subarray(0, held), 'drawn-test'),
  };
}

/**
 * The user's data as a data split: drawn points with their seeded held-out tenth ({@link drawnSplit}); a table as
 * `loadDataset` gives a table file to the command line, whole, named by its file, with no test part.
 */
export function userSplit(data: UserData, seed: number): DataSplit {
  if (data.name === 'drawn') return drawnSplit(data.values, seed);
  // The split is named as the page names the data (`table`), so that a run records the name the page can load
  // again; the training set keeps the file's name, for pictures and messages.
  return { name: data.name, train: vectorDataset(data.source, data.values, data.d), test: null };
}

/** What to do when the user's data named `name` has not been given (after a reload: a URL cannot hold it). */
export function missingUserData(name: UserDataName): string {
  return name === 'drawn'
    ? "draw points on the canvas (drag the mouse), then press 'train on these'; drawn points are not kept in the URL, so a reload asks for them again"
    : 'drop a CSV, TSV or JSON table on the page, or choose its file; a table is not kept in the URL, so a reload asks for it again';
}

/** The user's data named `name`, or an error saying how to give it. */
function userData(name: UserDataName, store: UserDataStore): UserData {
  const data = store[name];
  if (data === undefined) throw new Error(missingUserData(name));
  return data;
}

/** The embedded MNIST digits, fetched once from the site's data/ folder. */
let mnistDigits: Promise<Dataset> | null = null;

/**
 * The data set a family panel trains on: `mnist` (the embedded digits, split as the command line splits them), a
 * toy 2-D density (as `loadDataset` makes it), or the user's own (`drawn`, `table`).
 */
export async function loadData(name: string, seed: number, store: UserDataStore): Promise<DataSplit> {
  if (isToy2dName(name)) return toy2dDataset(name);
  if (isUserDataName(name)) return userSplit(userData(name, store), seed);
  if (name === 'mnist') {
    // The site's data/ folder is a level above the bundled worker's assets/ folder.
    mnistDigits ??= fetch(new URL(/* @vite-ignore */ '../data/mnist.bin', import.meta.url)).then(
      async (r) => {
        if (!r.ok) throw new Error(`cannot load the embedded MNIST digits: ${r.status} ${r.statusText}`);
        return decodeMnistBytes(new Uint8Array(await r.arrayBuffer()), 'data/mnist.bin');
      },
    );
    // The command line's `mnist` is split by seed 0 whatever the run's seed; so is the page's.
    return splitMnist(await mnistDigits, 0);
  }
  throw new RangeError(`the studio has no data set '${name}' (mnist, a 2-D density, drawn or table)`);
}

/**
 * The points in the plane that the flow and EM panels fit: the set-up's toy density, `trainSize` and `testSize`
 * points of it drawn by the set-up's seed, or the user's own points when the set-up's `data` names them (a table
 * must then have two columns, and the EM panel needs a training point for each of its components to start from).
 */
export function planeData(
  setup: Pick<StudioSetup, 'panel' | 'density' | 'data' | 'seed' | 'components'>,
  store: UserDataStore,
  { trainSize, testSize }: { trainSize: number; testSize: number },
): DataSplit {
  if (!isUserDataName(setup.data))
    return toy2dDataset(setup.density, { trainSize, testSize, seed: setup.seed });
  const data = userData(setup.data, store);
  if (data.d !== 2)
    throw new RangeError(
      `${data.source} has ${data.d} columns, and the ${setup.panel} panel fits points in the plane (2 columns); a family panel (gan, vae, ...) takes wider tables`,
    );
  const split = userSplit(data, setup.seed);
  if (setup.panel === 'em' && split.train.n < setup.components)
    throw new RangeError(
      `EM starts its ${setup.components} components at as many training points, and ${data.source} gives ${split.train.n}: ${data.name === 'drawn' ? 'draw more points' : 'use a longer table'} or lower the components`,
    );
  return split;
}
