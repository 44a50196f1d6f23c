/**
 * @module bounds
 */
export {};
