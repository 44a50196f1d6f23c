/**
 * smoothgan: smoothness-aware GAN components for TensorFlow.js.
 *
 * The root entry re-exports every family. Prefer the subpath entries
 * (`smoothgan/losses`, `smoothgan/layers`, ...) to load only what you use.
 * @module smoothgan
 */
export * from './autodiff/index.js';
export * from './objectives/index.js';
export * from './regularizers/index.js';
export * from './losses/index.js';
export * from './divergences/index.js';
export * from './metrics/index.js';
export * from './train/index.js';
export * from './layers/index.js';
export * from './bounds/index.js';
