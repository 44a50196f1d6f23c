import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../_internal/errors.js';
import { checkOptions } from '../_internal/validate.js';

/** Options of {@link jsonLinesFile}. */
export interface JsonLinesFileOptions {
  /** Append to an existing file (a resumed run) instead of truncating it. @defaultValue true */
  readonly append?: boolean;
}

/** A line sink writing to a file, with `close()`. */
export interface JsonLinesFile {
  (line: string): void;
  readonly path: string;
  /** Closes the file; later writes throw. */
  close(): void;
}

/**
 * A line sink for `jsonLinesLogger` that appends each line (plus a newline) to a file,
 * synchronously, so that the log is complete up to the last finished step even after a crash.
 * Parent directories are created.
 *
 * @throws If `path` is not a non-empty string, or the file cannot be opened; writing after
 *   `close()` throws.
 * @example
 * ```ts
 * import { jsonLinesLogger } from 'smoothgan/train';
 * import { jsonLinesFile } from 'smoothgan/node';
 * const log = jsonLinesFile('runs/ring/log.jsonl');
 * await trainer.fit({ steps: 1000, callbacks: [jsonLinesLogger(log)] });
 * log.close();
 * ```
 */
export function jsonLinesFile(path: string, options: JsonLinesFileOptions = {}): JsonLinesFile {
  const fn = 'jsonLinesFile';
  if (typeof path !== 'string' || path.length === 0) fail(fn, 'path', 'a non-empty path', path);
  const o = checkOptions(fn, 'options', options);
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, o.append === false ? 'w' : 'a');
  const sink = (line: string) => {
    if (fd === undefined) fail('jsonLinesFile', 'the file', 'open', 'a closed file');
    writeSync(fd, `${line}\n`);
  };
  return Object.freeze(
    Object.assign(sink, {
      path,
      close() {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
    }),
  );
}
