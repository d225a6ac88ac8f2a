/**
 * Pictures as data, for Node and the browser alike: image grids as rasters, Vega-Lite chart specs, and the standard
 * pictures of a VAE (reconstructions, latent scatter, latent manifold, interpolations, training curves), 2-D
 * densities and flow grids, and Gaussian mixtures with their ellipses. Nothing here loads a Node built-in or a
 * renderer; `./node.js` renders a {@link Figure} to PNG bytes or a PNG file.
 */
export { chartFigure, rasterFigure } from './figure.js';
export type { Figure, Raster, TopLevelSpec } from './figure.js';
export { PlotArgumentError } from './errors.js';
export { imageGrid } from './image-grid.js';
export type { ImageGridOptions } from './image-grid.js';
export { reconstructionsGrid } from './reconstructions.js';
export type { ReconstructionsOptions } from './reconstructions.js';
export { principalComponents } from './pca.js';
export type { PrincipalComponents } from './pca.js';
export { latentScatterSpec } from './latent-scatter.js';
export type { LatentScatterOptions } from './latent-scatter.js';
export { manifoldGrid, manifoldLatents, normalQuantile } from './manifold.js';
export type { ManifoldOptions } from './manifold.js';
export { interpolateLatents } from './interpolation.js';
export type { InterpolationOptions } from './interpolation.js';
export { curvesSpec } from './curves.js';
export type { CurvesOptions, CurveGroup } from './curves.js';
export {
  densityComparisonSpec,
  densityGrid,
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
export {
  discriminatorSpec,
  type DiscriminatorGrid,
  type DiscriminatorPanel,
  type DiscriminatorSpecOptions,
} from './discriminator2d.js';
export { mixtureEllipses, mixtureSpec, mixtureStripSpec } from './mixture.js';
export type {
  EllipsePoint,
  MixtureComponent,
  MixtureFrame,
  MixtureOptions,
  MixtureStripOptions,
} from './mixture.js';
