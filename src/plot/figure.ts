/**
 * A picture as data, so that the code that makes it runs anywhere: an image grid is a {@link Raster} of bytes, a
 * chart is a Vega-Lite spec. A browser draws either (a canvas `ImageData`, `vega-embed`); in Node, `renderFigure`
 * and `writeFigure` (`src/plot/render.ts`) turn one into PNG bytes or a PNG file.
 *
 * Only types come from `vega-lite` here: this module, and every builder that returns a figure, loads nothing at run
 * time that a browser lacks.
 */
import type { TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec } from 'vega-lite';

/**
 * Pixels, row-major, `channels` interleaved bytes per pixel: 1 grey, 3 RGB. Pixel (x, y) starts at byte
 * `(y * width + x) * channels`, and `data` holds exactly `width * height * channels` bytes.
 */
export interface Raster {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** A picture as data: pixels, or a Vega-Lite chart (rendered to PNG in Node, live in a browser). */
export type Figure = { kind: 'raster'; raster: Raster } | { kind: 'chart'; spec: TopLevelSpec };

/**
 * The figure of a raster.
 *
 * @example
 * const figure = rasterFigure(imageGrid(pixels, { count: 64, height: 28, width: 28 }));
 * await writeFigure('out/samples.png', figure); // in Node
 */
export function rasterFigure(raster: Raster): Figure {
  return { kind: 'raster', raster };
}

/**
 * The figure of a Vega-Lite chart.
 *
 * @example
 * const figure = chartFigure(curvesSpec(history, { series: ['elbo', 'kl'] }));
 * await writeFigure('out/curves.png', figure); // in Node
 */
export function chartFigure(spec: TopLevelSpec): Figure {
  return { kind: 'chart', spec };
}
