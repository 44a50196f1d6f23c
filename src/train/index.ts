/**
 * The alternating min-max trainer: players, post-gradient transforms, projections, EMA,
 * checkpoints, callbacks, the GAN convenience and the `smoothGan` preset.
 * @module train
 */
export type {
  BeforeUpdateHook,
  CallbackSignal,
  Ema,
  FitInfo,
  FitOptions,
  FitResult,
  Player,
  PlayerObjective,
  PlayerStepReport,
  ReportHook,
  StepEvent,
  TermObjective,
  Trainer,
  TrainerCallback,
  UpdateInfo,
} from './types.js';
export { createPlayer, type PlayerOptions } from './player.js';
export { createTrainer, type TrainerOptions, type TrainerEmaOptions } from './trainer.js';
export type { NonFiniteAction } from './update.js';
export {
  chainTransforms,
  type GradientInfo,
  type GradientMap,
  type GradientTransform,
  type TransformResult,
} from './transform.js';
export { clipByGlobalNorm } from './clipByGlobalNorm.js';
export { skipNonFinite, type SkipNonFiniteOptions, type SkipNonFiniteState } from './skipNonFinite.js';
export { clipWeights, type Projection } from './projection.js';
export { createEma, withEmaWeights, type EmaOptions } from './ema.js';
export { memoryIOHandler, type MemoryIOHandler } from './memoryIOHandler.js';
export { CHECKPOINT_FORMAT } from './checkpoint.js';
export { flattenStepEvent } from './flattenStepEvent.js';
export { jsonLinesLogger, type JsonLinesLoggerOptions } from './jsonLinesLogger.js';
export { earlyStopping, type EarlyStopping, type EarlyStoppingOptions, type StoppingMetric } from './earlyStopping.js';
export { periodicCheckpoint, type PeriodicCheckpointOptions } from './periodicCheckpoint.js';
export { datasetSampler, normalNoise, type DatasetSamplerOptions, type NormalNoiseOptions, type SampleArgs, type Sampler } from './samplers.js';
export {
  createGanTrainer,
  ganPlayers,
  type GanFunctionNetwork,
  type GanNetwork,
  type GanPlayers,
  type GanPlayersOptions,
  type GanSampleOptions,
  type GanTrainer,
  type GanTrainerOptions,
  type LayersModelLike,
} from './gan.js';
export { smoothGan, type SmoothGan, type SmoothGanOptions } from './smoothGan.js';
