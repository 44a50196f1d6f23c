/**
 * Node-only helpers (file-system IO, console progress). Never imported by the browser entries.
 * @module node
 */
export {};
