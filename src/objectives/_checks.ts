/**
 * Checks shared by objective terms and penalties.
 * @internal
 */
import { fail, failWith } from '../_internal/errors.js';
import type { ObjectiveContext, Term } from './types.js';

/** An {@link ObjectiveContext}: an object with `critic`, `real`, `fake`, `criticReal` and `criticFake`. */
export function checkContext(fn: string, context: unknown): ObjectiveContext {
  const c = context as Partial<ObjectiveContext> | null | undefined;
  if (
    c === null ||
    typeof c !== 'object' ||
    typeof c.critic !== 'function' ||
    typeof c.criticReal !== 'function' ||
    typeof c.criticFake !== 'function' ||
    c.real === undefined ||
    c.fake === undefined
  ) {
    fail(fn, 'context', 'an ObjectiveContext (build one with createObjectiveContext)', context);
  }
  return c as ObjectiveContext;
}

/** A {@link Term}: `kind: 'term'`, a name and an `evaluate` method. */
export function checkTerm(fn: string, arg: string, term: unknown): Term {
  const t = term as Partial<Term> | null | undefined;
  if (t === null || typeof t !== 'object' || t.kind !== 'term' || typeof t.evaluate !== 'function' || typeof t.name !== 'string') {
    fail(fn, arg, "a Term (an object with kind 'term', a name and evaluate())", term);
  }
  return t as Term;
}

/** A non-empty string used as a term name. */
export function checkName(fn: string, arg: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) fail(fn, arg, 'a non-empty string', name);
  return name;
}

/** Rejects option keys that `fn` does not know (a typo would otherwise be ignored silently). */
export function checkKnownKeys(fn: string, arg: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      failWith(fn, `${arg}.${key} is not a known option; the known options are ${known.join(', ')}`);
    }
  }
}

/** The part names a term reports, when it declares them. */
export function partNamesOf(term: Term): readonly string[] {
  return term.partNames ?? [term.name];
}
