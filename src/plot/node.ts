/**
 * The Node-only part of the pictures: figures rendered to PNG bytes and written to PNG files (pngjs, Vega, resvg,
 * `node:fs`). Import it from Node code only; `./index.js` holds everything that builds a figure and runs in a
 * browser as well.
 */
export {
  encodePng,
  PNG_SIGNATURE,
  renderChart,
  renderFigure,
  renderVega,
  renderVegaLite,
  svgToPng,
  writeFigure,
  writePng,
} from './render.js';
export type { RenderOptions } from './render.js';
