/**
 * The sum of objective terms, with named parts for logging.
 */
import * as tf from '@tensorflow/tfjs-core';
import { failWith } from '../_internal/errors.js';
import { checkContext, checkTerm, partNamesOf } from './_checks.js';
import type { ObjectiveContext, Term, TermValue } from './types.js';

/** The term returned by {@link combine}. */
export interface CombinedTerm extends Term {
  /** The combined terms, in order. */
  readonly terms: readonly Term[];
  /** Every leaf part name, in order (unique). */
  readonly partNames: readonly string[];
}

/** Disposes the tensors of already-evaluated terms (each distinct tensor once). */
function disposeValues(values: readonly TermValue[]): void {
  for (const v of values) {
    v.total.dispose();
    for (const p of Object.values(v.parts)) p.dispose();
  }
}

/**
 * The sum of objective terms: total = Σ_k terms[k].total, and `parts` is the union of the
 * terms' parts, so a combined objective reports every named piece (loss, each penalty) for
 * logging. Nested combinations flatten into their leaves' names. Terms are evaluated in the
 * order given, all with the same context, so they share its memoised critic outputs.
 *
 * Part names must be unique across the combination: two terms that report the same name
 * are an error (at creation when the terms declare `partNames`, otherwise at evaluation).
 * Give one a different `name` option.
 *
 * Ownership: the caller owns `total` and every tensor in `parts`. If a term throws, the
 * tensors of the terms evaluated before it are disposed.
 *
 * @param terms - One or more {@link Term}s.
 * @throws If no term is given, an argument is not a Term, or two parts share a name.
 * @example
 * ```ts
 * const objective = combine(lossTerm(nsLoss(), 'discriminator'), r1Penalty({ gamma: 10 }));
 * const { total, parts } = objective.evaluate(ctx); // parts: { ns: …, r1: … }
 * ```
 */
export function combine(...terms: Term[]): CombinedTerm {
  const fn = 'combine';
  if (terms.length === 0) failWith(fn, 'terms must be one or more terms, but got none.');
  terms.forEach((t, i) => checkTerm(fn, `terms[${i}]`, t));
  const names: string[] = [];
  const owner = new Map<string, number>();
  terms.forEach((t, i) => {
    for (const n of partNamesOf(t)) {
      const j = owner.get(n);
      if (j !== undefined) {
        failWith(fn, `terms[${i}] reports a part named '${n}', which terms[${j}] already reports; part names must be unique, so give one of them another name (most terms take a \`name\` option)`);
      }
      owner.set(n, i);
      names.push(n);
    }
  });
  const frozenTerms = Object.freeze([...terms]);
  const evaluate = (context: ObjectiveContext): TermValue => {
    const ctx = checkContext(`${fn}.evaluate`, context);
    const values: TermValue[] = [];
    const parts: Record<string, tf.Scalar> = {};
    try {
      for (const t of frozenTerms) {
        const v = t.evaluate(ctx);
        values.push(v);
        for (const [n, p] of Object.entries(v.parts)) {
          if (n in parts) failWith(`${fn}.evaluate`, `two terms report a part named '${n}'; part names must be unique, so give one of the terms another name`);
          parts[n] = p;
        }
      }
    } catch (e) {
      disposeValues(values);
      throw e;
    }
    if (values.length === 1) return { total: values[0]!.total, parts };
    const total = tf.addN(values.map((v) => v.total)) as tf.Scalar;
    // Totals that are not also parts are intermediates now.
    const kept = new Set(Object.values(parts).map((p) => p.id));
    for (const v of values) if (!kept.has(v.total.id)) v.total.dispose();
    return { total, parts };
  };
  return Object.freeze({
    kind: 'term' as const,
    name: terms.map((t) => t.name).join('+'),
    terms: frozenTerms,
    partNames: Object.freeze(names),
    evaluate,
  });
}
