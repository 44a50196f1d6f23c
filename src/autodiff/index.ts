/**
 * Backend support: correct second-order gradients and the training kernels a conv GAN
 * needs on wasm and cpu.
 * @module autodiff
 */
export {
  enableSecondOrderGradients,
  secondOrderGradientsEnabled,
  SECOND_ORDER_PATCHES,
  type SecondOrderPatchInfo,
  type SecondOrderPatchReason,
} from './secondOrder.js';
export {
  registerTrainingKernels,
  TRAINING_KERNELS,
  WASM_CONV_TRANSPOSE_MIN_CHANNELS,
  type TrainingKernelInfo,
} from './trainingKernels.js';
export {
  checkSecondOrderSupport,
  secondOrderProbeNames,
  type CheckSecondOrderSupportOptions,
  type SecondOrderCaseResult,
  type SecondOrderSupportReport,
} from './capability.js';
