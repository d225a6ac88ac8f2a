/**
 * Charts as PNG files, without a browser. A chart is a Vega-Lite spec (the same spec can later render in a browser
 * page); here Vega-Lite compiles it to Vega, Vega lays it out and draws it to SVG headlessly
 * (`renderer: 'none'`), and resvg rasterises the SVG to PNG.
 *
 * Text needs a font on the machine: resvg reads the system fonts (on Debian, the package `fonts-dejavu-core`
 * provides DejaVu Sans) or the font files given in {@link RenderOptions.fontFiles}. Without any font, labels are
 * silently left out.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec } from 'vega-lite';

/** Options of {@link renderVegaLite}, {@link renderVega} and {@link svgToPng}. */
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
 * Render a Vega-Lite spec to PNG bytes.
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
  let vegaSpec: vega.Spec;
  try {
    vegaSpec = compile(spec).spec;
  } catch (e) {
    throw new Error(`renderVegaLite: argument 'spec' is not a valid Vega-Lite spec: ${(e as Error).message}`);
  }
  return renderVega(vegaSpec, options);
}

/** Render a (compiled) Vega spec to PNG bytes; see {@link renderVegaLite}. */
export async function renderVega(spec: vega.Spec, options: RenderOptions = {}): Promise<Buffer> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    // Vega's own background would be drawn inside the SVG; resvg paints the page colour instead.
    return svgToPng(await view.toSVG(), options);
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG document to PNG bytes at `scale` pixels per SVG unit, on a `background` page. */
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
 * Write PNG bytes to `path` atomically: the bytes go to a temporary file in the same folder, which is then renamed
 * over `path`. A reader never sees a half-written picture, and when writing fails the temporary file is removed and
 * any earlier file at `path` is left as it was.
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
