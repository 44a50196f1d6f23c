/**
 * @module divergences
 */
export {};
