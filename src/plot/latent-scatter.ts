/**
 * Latent codes as a scatter plot coloured by class: how a VAE's encoder arranges the data in a 2-D latent space.
 */
import type { TopLevelSpec } from './figure.js';
import { checkLength, PlotArgumentError } from './errors.js';
import { VEGA_LITE_SCHEMA } from './scales.js';

/** Options of {@link latentScatterSpec}. */
export interface LatentScatterOptions {
  /** Chart title. Default none. */
  title?: string;
  /** Horizontal axis title. Default `z1`. */
  xTitle?: string;
  /** Vertical axis title. Default `z2`. */
  yTitle?: string;
  /** Legend names of the labels: label l is shown as `classNames[l]` (the number itself where missing). */
  classNames?: readonly string[];
  /** Plot width in chart units. Default 420. */
  width?: number;
  /** Plot height in chart units. Default 420. */
  height?: number;
}

/**
 * A Vega-Lite scatter plot of `n` points (`points` row-major, n x 2: [z1, z2] each), one colour per label
 * (category10, nominal, in increasing label order), small semi-transparent points so that dense regions show as
 * darker. With `labels` null all points have one colour and there is no legend. Points with a non-finite
 * coordinate are left out (Vega-Lite's default for invalid values). For a latent space of more than two
 * dimensions, project it first with `principalComponents` (and say so in the axis titles).
 *
 * Throws a {@link PlotArgumentError} naming the argument when `points` has an odd length or `labels` is not one
 * integer per point.
 *
 * @example
 * const spec = latentScatterSpec(means, labels, { title: 'Posterior means, test set', classNames: FASHION });
 * await writeFigure('out/latent.png', chartFigure(spec)); // in Node
 */
export function latentScatterSpec(
  points: ArrayLike<number>,
  labels: ArrayLike<number> | null,
  options: LatentScatterOptions = {},
): TopLevelSpec {
  const fn = 'latentScatterSpec';
  const { title, xTitle = 'z1', yTitle = 'z2', classNames, width = 420, height = 420 } = options;
  if (points.length % 2 !== 0)
    throw new PlotArgumentError(`${fn}: argument 'points' must hold n * 2 values, got ${points.length}`);
  const n = points.length / 2;
  if (labels !== null) {
    checkLength(labels, n, 'labels', fn, 'one per point, n');
    for (let i = 0; i < n; i++)
      if (!Number.isInteger(labels[i]))
        throw new PlotArgumentError(
          `${fn}: argument 'labels' must hold integers, got ${labels[i]} at index ${i}`,
        );
  }
  const name = (l: number) => classNames?.[l] ?? String(l);
  const values = Array.from({ length: n }, (_, i) => ({
    z1: points[2 * i],
    z2: points[2 * i + 1],
    ...(labels === null ? {} : { label: name(labels[i]) }),
  }));
  const domain = labels === null ? [] : [...new Set(Array.from(labels))].sort((a, b) => a - b).map(name);
  const axis = (field: string, axisTitle: string) => ({
    field,
    type: 'quantitative' as const,
    title: axisTitle,
    scale: { zero: false, nice: true },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title }),
    width,
    height,
    data: { values },
    mark: { type: 'circle', size: 12, opacity: 0.55 },
    encoding: {
      x: axis('z1', xTitle),
      y: axis('z2', yTitle),
      ...(labels === null
        ? {}
        : {
            color: {
              field: 'label',
              type: 'nominal' as const,
              title: 'class',
              scale: { domain, scheme: 'category10' },
              legend: { symbolOpacity: 1, symbolSize: 80 },
            },
          }),
    },
    config: {
      axis: { titleFontSize: 13, labelFontSize: 11 },
      legend: { labelFontSize: 12, titleFontSize: 13 },
    },
  };
}
