/**
 * Bijectors and transformed distributions: the building blocks of normalizing flows. Direction convention: a
 * bijector's `forward` is the sampling direction (noise z -> data x), its `inverse` the density direction.
 */
export { Bijector, BijectorError, sumRightmost } from './bijector.js';
export { Chain } from './chain.js';
export { Invert } from './invert.js';
export { Permute, Reverse } from './permute.js';
export type { PermuteOptions } from './permute.js';
export { Shift } from './shift.js';
export type { ShiftOptions } from './shift.js';
export { Scale, niceScaling } from './scale.js';
export type { ScaleOptions } from './scale.js';
export { alternatingMask, channelMask, checkerboardMask, halfMask } from './masks.js';
export type { MaskInput } from './conditioner.js';
export type { CouplingTransform } from './coupling-transform.js';
export { MaskedCoupling } from './masked-coupling.js';
export type { MaskedCouplingOptions } from './masked-coupling.js';
export { AdditiveCoupling, AdditiveTransform } from './additive-coupling.js';
export type { AdditiveCouplingOptions } from './additive-coupling.js';
export { AffineCoupling, AffineTransform } from './affine-coupling.js';
export type { AffineCouplingOptions, AffineTransformOptions } from './affine-coupling.js';
export { Logit, dequantize } from './logit.js';
export type { LogitOptions } from './logit.js';
export { TransformedDistribution } from './transformed.js';
export type { TransformedDistributionOptions } from './transformed.js';
export { ActNorm } from './actnorm.js';
export type { ActNormOptions } from './actnorm.js';
export { Invertible1x1Conv } from './invertible-1x1-conv.js';
export type { Invertible1x1ConvOptions } from './invertible-1x1-conv.js';
export { Squeeze } from './squeeze.js';
export { MultiScale } from './multiscale.js';
export type { MultiScaleOptions } from './multiscale.js';
