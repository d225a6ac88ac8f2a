/**
 * Pictures: Vega-Lite charts rendered to PNG, image grids, and the standard pictures of a VAE (reconstructions,
 * latent scatter, latent manifold, interpolations, training curves), 2-D densities and flow grids, and Gaussian
 * mixtures with their ellipses.
 */
export { PNG_SIGNATURE, renderVega, renderVegaLite, svgToPng, writePng } from './chart.js';
export type { RenderOptions, TopLevelSpec } from './chart.js';
export { PlotArgumentError } from './errors.js';
export { imageGridPng, writeImageGrid } from './image-grid.js';
export type { ImageGridOptions } from './image-grid.js';
export { reconstructionsPng } from './reconstructions.js';
export type { ReconstructionsOptions } from './reconstructions.js';
export { principalComponents } from './pca.js';
export type { PrincipalComponents } from './pca.js';
export { latentScatterPng, latentScatterSpec } from './latent-scatter.js';
export type { LatentScatterOptions } from './latent-scatter.js';
export { manifoldLatents, manifoldPng, normalQuantile } from './manifold.js';
export type { ManifoldOptions } from './manifold.js';
export { interpolateLatents } from './interpolation.js';
export type { InterpolationOptions } from './interpolation.js';
export { curvesPng, curvesSpec } from './curves.js';
export type { CurvesOptions, CurveGroup } from './curves.js';
export {
  densityComparisonPng,
  densityComparisonSpec,
  densityGrid,
  gridWarpPng,
  gridWarpSpec,
  integrateDensity2d,
  makeGridLines,
} from './density2d.js';
export type {
  DensityComparisonOptions,
  DensityGrid,
  DensityGridOptions,
  GridWarpOptions,
} from './density2d.js';
export { mixtureEllipses, mixturePng, mixtureSpec, mixtureStripPng, mixtureStripSpec } from './mixture.js';
export type {
  EllipsePoint,
  MixtureComponent,
  MixtureFrame,
  MixtureOptions,
  MixtureStripOptions,
} from './mixture.js';
