/**
 * Figures as PNG files, in Node. A raster is encoded as it is (8-bit grey or RGB, with pngjs). A chart is a
 * Vega-Lite spec: Vega-Lite compiles it to Vega, Vega lays it out and draws it to SVG headlessly
 * (`renderer: 'none'`), and resvg rasterises the SVG to PNG.
 *
 * This is the only module of `src/plot/` that loads Node built-ins, pngjs, Vega or resvg; everything that makes a
 * figure (`figure.ts` and the builders) runs in a browser too.
 *
 * Text needs a font on the machine: resvg reads the system fonts (on Debian, the package `fonts-dejavu-core`
 * provides DejaVu Sans) or the font files given in {@link RenderOptions.fontFiles}. Without any font, labels are
 * silently left out.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { PlotArgumentError } from './errors.js';
import type { Figure, Raster } from './figure.js';

/**
 * Options of {@link renderChart}, {@link renderVegaLite}, {@link renderVega} and {@link svgToPng}; a raster
 * figure ignores them (its size and colours are fixed by the builder that made it).
 */
export interface RenderOptions {
  /** Pixels per chart unit: 2 gives a sharp picture on high-density screens and in print. Default 2. */
  scale?: number;
  /** Page colour behind the chart, any CSS colour. Default `white`. */
  background?: string;
  /**
   * Font used for the generic `sans-serif` (Vega's default) and for text whose font is missing. Default
   * `DejaVu Sans`; resvg falls back to the first font it finds when this one is not installed.
   */
  fontFamily?: string;
  /** Font files (`.ttf`, `.otf`) to load in addition to, or instead of, the system fonts. */
  fontFiles?: string[];
  /** Whether to load the fonts installed on the system. Default true. */
  loadSystemFonts?: boolean;
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Encode a raster as PNG bytes: 8-bit grey for 1 channel, 8-bit RGB for 3, `width` x `height` pixels.
 *
 * Throws a {@link PlotArgumentError} when the size is not positive integers, `channels` is not 1 or 3, or `data`
 * does not hold width * height * channels bytes.
 *
 * @example
 * const png = encodePng({ width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 255) }); // black, white
 */
export function encodePng(raster: Raster): Buffer {
  const fn = 'encodePng';
  const { width, height, channels, data } = raster;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const)
    if (!Number.isInteger(value) || value < 1)
      throw new PlotArgumentError(`${fn}: argument 'raster.${name}' must be an integer >= 1, got ${value}`);
  if (channels !== 1 && channels !== 3)
    throw new PlotArgumentError(
      `${fn}: argument 'raster.channels' must be 1 (grey) or 3 (RGB), got ${String(channels)}`,
    );
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels)
    throw new PlotArgumentError(
      `${fn}: argument 'raster.data' must be a Uint8Array of width * height * channels = ` +
        `${width * height * channels} bytes, got ${data instanceof Uint8Array ? data.length : typeof data}`,
    );
  const colorType = channels === 1 ? 0 : 2;
  const png = new PNG({ width, height, colorType, inputColorType: colorType });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType });
}

/** Compile a Vega-Lite spec and render it; errors name `fn`. */
async function renderCompiled(spec: TopLevelSpec, options: RenderOptions, fn: string): Promise<Buffer> {
  let vegaSpec: vega.Spec;
  try {
    vegaSpec = compile(spec).spec;
  } catch (e) {
    throw new Error(`${fn}: argument 'spec' is not a valid Vega-Lite spec: ${(e as Error).message}`);
  }
  return renderVega(vegaSpec, options);
}

/**
 * Render a Vega-Lite chart to PNG bytes, `scale` pixels per chart unit on a `background` page: the chart half of
 * {@link renderFigure}.
 *
 * @example
 * const png = await renderChart(curvesSpec(history, { series: ['elbo', 'kl'] }), { scale: 1 });
 *
 * References: A. Satyanarayan et al., "Vega-Lite: A Grammar of Interactive Graphics", IEEE TVCG 2017,
 * https://idl.cs.washington.edu/papers/vega-lite/
 */
export async function renderChart(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Buffer> {
  return renderCompiled(spec, options, 'renderChart');
}

/**
 * Render a Vega-Lite spec to PNG bytes; the same as {@link renderChart}, under the name its errors give.
 *
 * @example
 * const png = await renderVegaLite({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: 'line',
 *   encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
 * });
 * await writePng('out/line.png', png);
 *
 * References: A. Satyanarayan et al., "Vega-Lite: A Grammar of Interactive Graphics", IEEE TVCG 2017,
 * https://idl.cs.washington.edu/papers/vega-lite/
 */
export async function renderVegaLite(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Buffer> {
  return renderCompiled(spec, options, 'renderVegaLite');
}

/**
 * Render a (compiled) Vega spec to PNG bytes; see {@link renderVegaLite}.
 *
 * @example
 * const png = await renderVega(compile(spec).spec, { scale: 1 });
 */
export async function renderVega(spec: vega.Spec, options: RenderOptions = {}): Promise<Buffer> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    // Vega's own background would be drawn inside the SVG; resvg paints the page colour instead.
    return svgToPng(await view.toSVG(), options);
  } finally {
    view.finalize();
  }
}

/**
 * Rasterise an SVG document to PNG bytes at `scale` pixels per SVG unit, on a `background` page.
 *
 * @example
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', { scale: 3 }); // 30 x 30
 */
export function svgToPng(svg: string, options: RenderOptions = {}): Buffer {
  const {
    scale = 2,
    background = 'white',
    fontFamily = 'DejaVu Sans',
    fontFiles = [],
    loadSystemFonts = true,
  } = options;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new Error(`svgToPng: option 'scale' must be positive and finite, got ${scale}`);
  const resvg = new Resvg(svg, {
    background,
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts, fontFiles, defaultFontFamily: fontFamily, sansSerifFamily: fontFamily },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

/**
 * A figure as PNG bytes: a raster encoded as it is ({@link encodePng}, `options` unused), a chart rendered with
 * {@link renderChart} and `options`.
 *
 * Throws a {@link PlotArgumentError} when `figure` is neither kind.
 *
 * @example
 * const png = await renderFigure(rasterFigure(imageGrid(pixels, { count: 16, height: 28, width: 28 })));
 */
export async function renderFigure(figure: Figure, options: RenderOptions = {}): Promise<Buffer> {
  switch (figure.kind) {
    case 'raster':
      return encodePng(figure.raster);
    case 'chart':
      return renderChart(figure.spec, options);
    default:
      throw new PlotArgumentError(
        `renderFigure: argument 'figure' must have kind 'raster' or 'chart', got ${String((figure as { kind?: unknown }).kind)}`,
      );
  }
}

/**
 * Render a figure with {@link renderFigure} and write the PNG to `path` atomically (see {@link writePng}).
 *
 * @example
 * await writeFigure('out/curves.png', chartFigure(curvesSpec(history, { series: ['elbo', 'kl'] })));
 */
export async function writeFigure(path: string, figure: Figure, options: RenderOptions = {}): Promise<void> {
  await writePng(path, await renderFigure(figure, options));
}

/**
 * Write PNG bytes to `path` atomically: the bytes go to a temporary file in the same folder, which is then renamed
 * over `path`. A reader never sees a half-written picture, and when writing fails the temporary file is removed and
 * any earlier file at `path` is left as it was.
 *
 * @example
 * await writePng('out/line.png', await renderChart(spec));
 */
export async function writePng(path: string, png: Uint8Array): Promise<void> {
  if (png.length < PNG_SIGNATURE.length || !PNG_SIGNATURE.equals(png.subarray(0, PNG_SIGNATURE.length)))
    throw new Error(`writePng: argument 'png' does not start with the PNG signature`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, png, { flush: true });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
