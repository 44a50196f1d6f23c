/**
 * Objective terms and their composition.
 * @module objectives
 */
export type { CriticFn, GeneratorFn, ObjectiveContext, Term, TermValue } from './types.js';
export { createObjectiveContext, type ObjectiveContextOptions } from './context.js';
export { lossTerm, type LossSide, type LossTerm, type LossTermOptions } from './lossTerm.js';
export { combine, type CombinedTerm } from './combine.js';
export { weighted, type WeightedTerm } from './weighted.js';
export {
  constantSchedule,
  linearRamp,
  piecewiseSchedule,
  type ConstantSchedule,
  type LinearRampOptions,
  type LinearRampSchedule,
  type PiecewiseSchedule,
  type PiecewiseScheduleOptions,
  type Schedule,
} from './schedules.js';
