/**
 * @module train
 */
export {};
