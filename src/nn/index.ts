/** Neural-network layers with named parameters: the building blocks of the encoders, decoders and critics. */
export { Module } from './module.js';
export { ACTIVATIONS, LEAKY_RELU_SLOPE, activate, parseActivation, type Activation } from './activations.js';
export { BatchNorm, type BatchNormOptions } from './batch-norm.js';
export { Dense, type DenseOptions } from './dense.js';
export { MLP, type MLPOptions } from './mlp.js';
export { Conv2d, type ConvOptions } from './conv2d.js';
export { ConvTranspose2d } from './conv-transpose2d.js';
export { ConvEncoder, ConvDecoder, type ConvNetOptions } from './conv-net.js';
export { PADDINGS, type Padding } from './conv-util.js';
export { INITS, type Init } from './init.js';
export { ModuleArgumentError } from './errors.js';
