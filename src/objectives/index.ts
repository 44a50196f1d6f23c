/**
 * @module objectives
 */
export {};
