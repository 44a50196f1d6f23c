/**
 * Objective terms and their composition.
 * @module objectives
 */
export type { CriticFn, GeneratorFn, ObjectiveContext, Term, TermValue } from './types.js';
export { createObjectiveContext, type ObjectiveContextOptions } from './context.js';
