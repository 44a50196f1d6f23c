import { failWith } from '../_internal/errors.js';

/**
 * `Error in <fn>: <arg> must be <expected>, but got <actual>.` where `actual` is already
 * formatted text (not a value to describe, which `fail` would quote).
 * @internal
 */
export function failRaw(fn: string, arg: string, expected: string, actual: string, hint?: string): never {
  failWith(fn, `${arg} must be ${expected}, but got ${actual}.${hint ? ` ${hint}` : ''}`);
}
