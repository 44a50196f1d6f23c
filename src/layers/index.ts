/**
 * @module layers
 */
export {};
