/**
 * Training curves: one small panel per metric (ELBO, reconstruction term, KL, test ELBO, ...) against the epoch.
 */
import type { TopLevelSpec } from './figure.js';
import { PlotArgumentError } from './errors.js';
import { VEGA_LITE_SCHEMA } from './scales.js';

/** Several fields in one panel: one line each, coloured, with a legend of their titles. */
export interface CurveGroup {
  title: string;
  fields: readonly string[];
}

/** Options of {@link curvesSpec}. */
export interface CurvesOptions {
  /** The field of the horizontal axis. Default `epoch`. */
  x?: string;
  /**
   * What to draw, one panel per entry, in this order: a field (`'elbo'`), or a group of fields drawn together in one
   * panel, one coloured line each (`{ title: 'ELBO (nats)', fields: ['elbo', 'test_elbo'] }`).
   */
  series: ReadonlyArray<string | CurveGroup>;
  /** Chart title. Default none. */
  title?: string;
  /** Axis titles of the series (`{ elbo: 'ELBO (nats)' }`); a series without one is titled by its field. */
  seriesTitles?: Readonly<Record<string, string>>;
  /** Panels per row. Default min(number of panels, 2). */
  columns?: number;
  /** Panel width in chart units. Default 260. */
  width?: number;
  /** Panel height in chart units. Default 150. */
  height?: number;
}

/**
 * A Vega-Lite chart of training curves: one panel per series that has at least one finite value, each a line with
 * a point per row and the series as its y axis title. Every panel has its own y scale, not forced to include zero
 * (the ELBO is in hundreds of nats, the KL in tens); all share one x scale; the panels are wrapped `columns` to a
 * row. Rows without a finite `x`, and values that are missing or not finite (a test ELBO computed every few
 * epochs), are skipped; series without any value get no panel.
 *
 * Throws a {@link PlotArgumentError} when `series` is empty or no series has a value.
 *
 * @example
 * const rows = [{ epoch: 1, elbo: -180.2, kl: 20.1 }, { epoch: 2, elbo: -140.7, kl: 24.3, test_elbo: -139.9 }];
 * const spec = curvesSpec(rows, { series: ['elbo', 'kl', 'test_elbo'], seriesTitles: { kl: 'KL (nats)' } });
 */
export function curvesSpec(
  rows: ReadonlyArray<Readonly<Record<string, number>>>,
  options: CurvesOptions,
): TopLevelSpec {
  const fn = 'curvesSpec';
  const { x = 'epoch', series, title, seriesTitles = {}, width = 260, height = 150 } = options;
  if (series.length === 0) throw new PlotArgumentError(`${fn}: option 'series' must name at least one field`);
  const groups = series.map((entry) =>
    typeof entry === 'string' ? { title: seriesTitles[entry] ?? entry, fields: [entry] } : entry,
  );
  const panels = groups.flatMap(({ title: yTitle, fields }) => {
    const values = fields.flatMap((name) =>
      rows
        .filter((row) => Number.isFinite(row[x]) && Number.isFinite(row[name]))
        .map((row) => ({ x: row[x], y: row[name], series: seriesTitles[name] ?? name })),
    );
    if (values.length === 0) return [];
    const several = fields.length > 1;
    return [
      {
        width,
        height,
        data: { values },
        mark: { type: 'line' as const, point: { size: 25 }, strokeWidth: 1.5 },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative' as const,
            title: x,
            scale: { zero: false, nice: false },
            axis: { tickMinStep: 1, format: 'd' },
          },
          y: { field: 'y', type: 'quantitative' as const, title: yTitle, scale: { zero: false } },
          ...(several
            ? {
                color: {
                  field: 'series',
                  type: 'nominal' as const,
                  title: null,
                  sort: fields.map((f) => seriesTitles[f] ?? f),
                  legend: { orient: 'bottom' as const, direction: 'horizontal' as const },
                },
              }
            : {}),
        },
      },
    ];
  });
  if (panels.length === 0)
    throw new PlotArgumentError(
      `${fn}: argument 'rows' has no finite value of any series (${groups.flatMap((g) => g.fields).join(', ')}) with a finite '${x}'`,
    );
  const columns = options.columns ?? Math.min(panels.length, 2);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title: { text: title, anchor: 'start', fontSize: 15 } }),
    columns,
    concat: panels,
    resolve: { scale: { y: 'independent', x: 'shared', color: 'independent' } },
    config: {
      axis: { titleFontSize: 13, labelFontSize: 11 },
      concat: { spacing: 30 },
    },
  };
}
