/**
 * Error helpers. Every message has the form
 * `Error in <fn>: <arg> must be <expected>, but got <actual>.` (STYLE.md), so that
 * tests can match it and users can see what to fix.
 * @internal
 */

const article = (word: string): string => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

/** Formats a value for an error message: shapes as `[2,3]`, strings quoted. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(',')}]`;
  if (typeof value === 'object') {
    const v = value as { shape?: unknown; dtype?: unknown; constructor?: { name?: string } };
    if (Array.isArray(v.shape) && typeof v.dtype === 'string') {
      return `${article(v.dtype)} tensor of shape [${(v.shape as number[]).join(',')}]`;
    }
    const name = v.constructor?.name;
    return name && name !== 'Object' ? article(name) : 'an object';
  }
  return String(value);
}

/** Builds the standard message. `hint`, when given, says how to fix it. */
export function errorMessage(fn: string, what: string, hint?: string): string {
  return `Error in ${fn}: ${what}${what.endsWith('.') ? '' : '.'}${hint ? ` ${hint}` : ''}`;
}

/** Throws `Error in <fn>: <arg> must be <expected>, but got <actual>.` */
export function fail(fn: string, arg: string, expected: string, actual: unknown, hint?: string): never {
  throw new Error(errorMessage(fn, `${arg} must be ${expected}, but got ${describeValue(actual)}`, hint));
}

/** Throws a free-form `Error in <fn>: <message>`. */
export function failWith(fn: string, message: string): never {
  throw new Error(errorMessage(fn, message));
}
