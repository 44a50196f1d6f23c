/**
 * @module regularizers
 */
export {};
