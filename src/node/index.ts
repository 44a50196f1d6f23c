/**
 * Node-only helpers (file-system IO, console progress, log files). Never imported by the
 * browser entries.
 * @module node
 */
export { fileIOHandler, type FileIOHandler, type FileIOHandlerOptions } from './fileIOHandler.js';
export { jsonLinesFile, type JsonLinesFile, type JsonLinesFileOptions } from './jsonLinesFile.js';
export { progressBar, formatDuration, type ProgressBarOptions, type ProgressStream } from './progressBar.js';
