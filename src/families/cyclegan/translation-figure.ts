/**
 * The picture of a CycleGAN on 2-D data: for each direction, a sample of points x of one domain with an arrow to
 * their translation T(x) and a second one on to the translation back, over the real points of both domains, so
 * that where the translations land, and how nearly the way back returns to x, can be seen at once.
 */
import type { TopLevelSpec } from '../../plot/figure.js';
import { checkRange, PlotArgumentError } from '../../plot/errors.js';
import { VEGA_LITE_SCHEMA } from '../../plot/scales.js';

/** One panel of {@link translationSpec}: one direction of the translation. */
export interface TranslationPanel {
  /** The panel's title, e.g. 'A -> G(a) -> F(G(a))'. */
  title: string;
  /** The names of the two domains in the legend, source first: ['A', 'B']. */
  domains: readonly [string, string];
  /** Real points of the source and of the target domain, `n * 2` values each, drawn faintly. */
  source: ArrayLike<number>;
  target: ArrayLike<number>;
  /** The arrows' three points, `m * 2` values each: x, its translation T(x), and the translation back. */
  from: ArrayLike<number>;
  there: ArrayLike<number>;
  back: ArrayLike<number>;
  /** The legend's names of the two legs: ['a -> G(a)', 'G(a) -> F(G(a))']. */
  legs: readonly [string, string];
}

/** Options of {@link translationSpec}. */
export interface TranslationSpecOptions {
  panels: readonly TranslationPanel[];
  title: string;
  /** The square every panel shows, [lo, hi] on both axes. */
  range: readonly [number, number];
  /** Panel width and height. Default 320. */
  size?: number;
}

const POINT_COLOURS = ['#b0b0b0', '#9ecae1'];
const LEG_COLOURS = ['#e6550d', '#6a3d9a'];

/** Points of `values` (n * 2) as records with `kind`, non-finite ones left out. */
function records(values: ArrayLike<number>, kind: string) {
  const out: { x: number; y: number; kind: string }[] = [];
  for (let i = 0; i + 1 < values.length; i += 2)
    if (Number.isFinite(values[i]) && Number.isFinite(values[i + 1]))
      out.push({ x: values[i], y: values[i + 1], kind });
  return out;
}

/** Segments from `p` to `q` (both m * 2) as records with `kind` and the arrowhead's angle. */
function segments(p: ArrayLike<number>, q: ArrayLike<number>, kind: string) {
  const out: { x: number; y: number; x2: number; y2: number; angle: number; kind: string }[] = [];
  for (let i = 0; i + 1 < p.length; i += 2) {
    const [x, y, x2, y2] = [p[i], p[i + 1], q[i], q[i + 1]];
    if (![x, y, x2, y2].every(Number.isFinite) || (x === x2 && y === y2)) continue;
    // Degrees clockwise from up: the rotation that turns 'triangle-up' along the segment (equal units on both axes).
    out.push({ x, y, x2, y2, angle: (Math.atan2(x2 - x, y2 - y) * 180) / Math.PI, kind });
  }
  return out;
}

/**
 * A Vega-Lite chart of translations between two 2-D domains, one panel per direction side by side: the real points
 * of the source domain (grey) and of the target domain (light blue), and for each sampled point x (black) an arrow
 * to its translation (orange, wide) and one on from there to the translation back (purple, dashed), ending in small
 * triangles.
 * With G and F inverse to each other the purple arrows end where the black points are; with G(A) on B's density the
 * orange ones end on the blue cloud. Throws a `PlotArgumentError` naming the option when the three arrow arrays
 * differ in length, an array has an odd length, there is no panel, or `range` is not a finite [lo, hi].
 *
 * References: J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1703.10593 (Figure 3's diagram).
 *
 * @example
 * const spec = translationSpec({
 *   panels: [{ title: 'A -> B -> A', domains: ['A', 'B'], source: a, target: b, from, there, back,
 *              legs: ['a -> G(a)', 'G(a) -> F(G(a))'] }],
 *   title: 'CycleGAN ring8 <-> 8gaussians',
 *   range: [-4, 4],
 * });
 */
export function translationSpec({ panels, title, range, size = 320 }: TranslationSpecOptions): TopLevelSpec {
  const fn = 'translationSpec';
  if (panels.length === 0) throw new PlotArgumentError(`${fn}: option 'panels' must hold at least one panel`);
  checkRange(range, 'range', fn);
  panels.forEach((p, i) => {
    for (const key of ['source', 'target', 'from', 'there', 'back'] as const)
      if (p[key].length % 2 !== 0)
        throw new PlotArgumentError(
          `${fn}: option 'panels[${i}].${key}' must hold n * 2 values, got ${p[key].length}`,
        );
    if (p.there.length !== p.from.length || p.back.length !== p.from.length)
      throw new PlotArgumentError(
        `${fn}: options 'panels[${i}].from', '.there' and '.back' must be of one length, got ${p.from.length}, ${p.there.length} and ${p.back.length}`,
      );
  });
  const axis = (field: string, name: string) => ({
    field,
    type: 'quantitative' as const,
    title: name,
    scale: { domain: [...range], nice: false, zero: false },
  });
  const [x, y] = [axis('x', 'x1'), axis('y', 'x2')];
  const layers = (p: TranslationPanel) => {
    const legs = [...segments(p.from, p.there, p.legs[0]), ...segments(p.there, p.back, p.legs[1])];
    const colour = {
      field: 'kind',
      type: 'nominal' as const,
      title: null,
      scale: {
        domain: [`${p.domains[0]} (real)`, `${p.domains[1]} (real)`, ...p.legs, 'start'],
        range: [...POINT_COLOURS, ...LEG_COLOURS, '#111111'],
      },
    };
    return [
      {
        data: {
          values: [
            ...records(p.source, `${p.domains[0]} (real)`),
            ...records(p.target, `${p.domains[1]} (real)`),
          ],
        },
        mark: { type: 'circle', size: 10, opacity: 0.5, clip: true },
        encoding: { x, y, color: colour },
      },
      // The way back often retraces the way there: a wide faint line under a thin dashed one keeps both visible.
      {
        data: { values: legs.filter((l) => l.kind === p.legs[0]) },
        mark: { type: 'rule', strokeWidth: 2.2, opacity: 0.55, clip: true },
        encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, color: colour },
      },
      {
        data: { values: legs.filter((l) => l.kind === p.legs[1]) },
        mark: { type: 'rule', strokeWidth: 0.9, strokeDash: [3, 2], clip: true },
        encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, color: colour },
      },
      {
        data: { values: legs },
        mark: { type: 'point', shape: 'triangle-up', filled: true, size: 14, clip: true },
        encoding: {
          x: { ...x, field: 'x2' },
          y: { ...y, field: 'y2' },
          angle: { field: 'angle', type: 'quantitative', scale: null },
          color: colour,
        },
      },
      {
        data: { values: records(p.from, 'start') },
        mark: { type: 'circle', size: 14, opacity: 1, clip: true },
        encoding: { x, y, color: colour },
      },
    ];
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, anchor: 'start', fontSize: 15 },
    hconcat: panels.map((p) => ({ title: p.title, width: size, height: size, layer: layers(p) })),
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' } },
    config: {
      axis: { titleFontSize: 12, labelFontSize: 10, grid: false },
      title: { fontSize: 13 },
      legend: { labelFontSize: 11, symbolOpacity: 1 },
      concat: { spacing: 24 },
    },
  } as TopLevelSpec;
}
