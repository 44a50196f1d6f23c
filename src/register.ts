/**
 * The one entry with side effects: `import 'smoothgan/register'` enables correct second-order
 * gradients and registers the training kernels for every backend registered so far.
 *
 * It imports `@tensorflow/tfjs-layers` first, because tfjs-core's Node bundle registers no
 * gradients by itself and tfjs-layers does. Import your backends (e.g.
 * `@tensorflow/tfjs-backend-wasm`) before this entry, or call
 * {@link registerTrainingKernels} again after registering another backend. It also registers
 * the `SpectralNormalization` layer class with tfjs-layers, so `tfl.loadLayersModel` can revive
 * saved critics.
 * @module register
 */
import '@tensorflow/tfjs-layers';
import { enableSecondOrderGradients } from './autodiff/secondOrder.js';
import { registerTrainingKernels } from './autodiff/trainingKernels.js';
// Registers the SpectralNormalization layer class, so saved models that use it load.
import './layers/spectralNormalization.js';

enableSecondOrderGradients();
registerTrainingKernels();
