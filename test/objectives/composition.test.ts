import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  combine,
  createObjectiveContext,
  linearRamp,
  lossTerm,
  piecewiseSchedule,
  weighted,
  type ObjectiveContext,
  type Term,
  type TermValue,
} from 'smoothgan/objectives';
import { r1Penalty, r2Penalty, rkhsNormPenalty, wganGp } from 'smoothgan/regularizers';
import { expectNoLeak, randn, values } from '../helpers/tensors';
import { mlp, relativisticForTests, wassersteinForTests, type Mlp } from '../regularizers/_critics';

/** tf.tidy for a TermValue (an interface without an index signature, so not a TensorContainer to TypeScript). */
const tidyValue = (f: () => TermValue): TermValue => tf.tidy(() => f() as unknown as tf.TensorContainer) as unknown as TermValue;

let net: Mlp;
let real: tf.Tensor;
let fake: tf.Tensor;
beforeEach(() => {
  net = mlp(3, 4, 301, 'softplus');
  real = randn([5, 3], 302);
  fake = randn([5, 3], 303);
});
afterEach(() => {
  net.dispose();
  real.dispose();
  fake.dispose();
});

const ctxOf = (extra: Partial<Parameters<typeof createObjectiveContext>[0]> = {}): ObjectiveContext =>
  createObjectiveContext({ critic: net.critic, real, fake, ...extra });
async function read(v: TermValue): Promise<{ total: number; parts: Record<string, number> }> {
  const total = (await values(v.total))[0]!;
  const parts: Record<string, number> = {};
  for (const [k, t] of Object.entries(v.parts)) parts[k] = (await values(t))[0]!;
  return { total, parts };
}
const evalRead = async (term: Term, extra = {}) => {
  const v = tidyValue(() => term.evaluate(ctxOf(extra)));
  const out = await read(v);
  tf.dispose([v.total, ...Object.values(v.parts)]);
  return out;
};
/** A leaf term with a constant value. */
const constant = (name: string, value: number): Term => ({
  kind: 'term',
  name,
  evaluate: () => {
    const t = tf.scalar(value);
    return { total: t, parts: { [name]: t } };
  },
});

describe('lossTerm', () => {
  it('discriminator side: loss.discriminator on the memoised critic outputs', async () => {
    const term = lossTerm(wassersteinForTests, 'discriminator');
    expect(term).toMatchObject({ kind: 'term', name: 'wasserstein', side: 'discriminator', partNames: ['wasserstein'] });
    const got = await evalRead(term);
    const [dr, df] = [await values(tf.tidy(() => net.critic(real))), await values(tf.tidy(() => net.critic(fake)))];
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(got.total).toBeCloseTo(mean(df) - mean(dr), 5);
    expect(got.parts).toEqual({ wasserstein: got.total });
  });
  it('generator side: no D(real) unless the loss needs it', async () => {
    const calls: string[] = [];
    const critic = (x: tf.Tensor) => {
      calls.push(x === real ? 'real' : x === fake ? 'fake' : 'other');
      return net.critic(x);
    };
    tf.tidy(() => lossTerm(wassersteinForTests, 'generator', { name: 'g' }).evaluate(createObjectiveContext({ critic, real, fake })).total);
    expect(calls).toEqual(['fake']);
    calls.length = 0;
    tf.tidy(() => lossTerm(relativisticForTests, 'generator').evaluate(createObjectiveContext({ critic, real, fake })).total);
    expect(calls.sort()).toEqual(['fake', 'real']);
  });
  it.each([
    [() => lossTerm({} as never, 'discriminator'), "Error in lossTerm: loss must be an AdversarialLoss (kind 'adversarial-loss', from smoothgan/losses), but got an object."],
    [() => lossTerm(wassersteinForTests, 'critic' as never), "Error in lossTerm: side must be one of 'discriminator', 'generator', but got 'critic'."],
    [() => lossTerm(wassersteinForTests, 'generator', { name: '' }), "Error in lossTerm: options.name must be a non-empty string, but got ''."],
  ])('%#: rejects bad arguments', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('memoisation: the critic runs once on real and once on fake per objective', () => {
  /** Counts critic calls by input; inside tf.variableGrads, as a trainer evaluates it. */
  async function countCalls(objective: Term): Promise<Record<string, number>> {
    const calls: Record<string, number> = { real: 0, fake: 0, other: 0 };
    const critic = (x: tf.Tensor) => {
      calls[x === real ? 'real' : x === fake ? 'fake' : 'other']! += 1;
      return net.critic(x);
    };
    await expectNoLeak(() =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => objective.evaluate(createObjectiveContext({ critic, real, fake })).total, net.vars);
        return [value, ...Object.values(grads)];
      }),
    ).then((ts) => tf.dispose(ts));
    return calls;
  }
  it('loss + R1 + R2 + RKHS (real and fake): one call each', async () => {
    const objective = combine(lossTerm(wassersteinForTests, 'discriminator'), r1Penalty(), r2Penalty(), rkhsNormPenalty({ beta2: 1 }));
    expect(await countCalls(objective)).toEqual({ real: 1, fake: 1, other: 0 });
  });
  it('penalty first, loss second: still one call each', async () => {
    const objective = combine(r1Penalty(), lossTerm(wassersteinForTests, 'discriminator'));
    expect(await countCalls(objective)).toEqual({ real: 1, fake: 1, other: 0 });
  });
  it('WGAN-GP adds exactly one call, on the interpolates', async () => {
    const objective = combine(lossTerm(wassersteinForTests, 'discriminator'), wganGp());
    expect(await countCalls(objective)).toEqual({ real: 1, fake: 1, other: 1 });
  });
  it('outside a recording gradient there is no tape to reuse, so R1 re-runs the critic', async () => {
    const calls: string[] = [];
    const critic = (x: tf.Tensor) => {
      calls.push(x === real ? 'real' : 'other');
      return net.critic(x);
    };
    tf.tidy(() => combine(lossTerm(wassersteinForTests, 'discriminator'), r1Penalty()).evaluate(createObjectiveContext({ critic, real, fake })).total);
    expect(calls.filter((c) => c === 'real')).toHaveLength(2);
  });
});

describe('combine', () => {
  it('equals the sum of its terms evaluated by hand, with every part named', async () => {
    const a = lossTerm(wassersteinForTests, 'discriminator');
    const b = r1Penalty({ gamma: 2 });
    const c = rkhsNormPenalty({ beta2: 0.5 });
    const byHand = [await evalRead(a), await evalRead(b), await evalRead(c)];
    const got = await evalRead(combine(a, b, c));
    expect(got.total).toBeCloseTo(byHand.reduce((s, v) => s + v.total, 0), 5);
    expect(got.parts).toEqual({ wasserstein: byHand[0]!.total, r1: byHand[1]!.total, 'rkhs-norm': byHand[2]!.total });
  });
  it('flattens nested combinations into leaf parts', async () => {
    const inner = combine(constant('a', 1), constant('b', 2));
    const outer = combine(inner, constant('c', 4));
    expect(outer.partNames).toEqual(['a', 'b', 'c']);
    expect(outer.name).toBe('a+b+c');
    expect(await evalRead(outer)).toEqual({ total: 7, parts: { a: 1, b: 2, c: 4 } });
  });
  it('rejects duplicate part names when built', () => {
    expect(() => combine(r1Penalty(), lossTerm(wassersteinForTests, 'discriminator'), r1Penalty({ gamma: 1 }))).toThrow(
      "Error in combine: terms[2] reports a part named 'r1', which terms[0] already reports; part names must be unique",
    );
    expect(() => combine(combine(constant('x', 1)), constant('x', 2))).toThrow("terms[1] reports a part named 'x'");
    expect(() => combine(r1Penalty(), r1Penalty({ name: 'r1-lazy' }))).not.toThrow();
  });
  it('rejects duplicate part names at evaluation for terms that do not declare them, and leaks nothing', async () => {
    const sneaky: Term = {
      kind: 'term',
      name: 'sneaky',
      evaluate: () => {
        const t = tf.scalar(1);
        return { total: t, parts: { a: t } };
      },
    };
    const objective = combine(constant('a', 1), sneaky);
    await expectNoLeak(() => {
      expect(() => objective.evaluate(ctxOf())).toThrow("Error in combine.evaluate: two terms report a part named 'a'");
    });
  });
  it('rejects no terms and non-terms', () => {
    expect(() => combine()).toThrow("Error in combine: terms must be one or more terms, but got none.");
    expect(() => combine(constant('a', 1), {} as never)).toThrow("Error in combine: terms[1] must be a Term (an object with kind 'term', a name and evaluate()), but got an object.");
  });
  it('disposes the values of earlier terms when a later one throws', async () => {
    const boom: Term = { kind: 'term', name: 'boom', evaluate: () => { throw new Error('boom'); } };
    const objective = combine(constant('a', 1), constant('b', 1), boom);
    await expectNoLeak(() => {
      expect(() => objective.evaluate(ctxOf())).toThrow('boom');
    });
  });
});

describe('weighted', () => {
  it('scales the total and every part (parts still add up)', async () => {
    const w = weighted(combine(constant('a', 1), constant('b', 3)), 2.5);
    expect(w).toMatchObject({ kind: 'term', name: 'a+b', weight: 2.5, partNames: ['a', 'b'] });
    expect(await evalRead(w)).toEqual({ total: 10, parts: { a: 2.5, b: 7.5 } });
  });
  it('equals weight × the inner term on a real penalty', async () => {
    const inner = r1Penalty();
    const plain = await evalRead(inner);
    expect((await evalRead(weighted(inner, 0.3))).total).toBeCloseTo(0.3 * plain.total, 5);
  });
  it('follows a schedule at context.step', async () => {
    const w = weighted(constant('a', 2), linearRamp({ to: 10, endStep: 10 }));
    expect((await evalRead(w, { step: 0 })).total).toBe(0);
    expect((await evalRead(w, { step: 5 })).total).toBe(10);
    expect((await evalRead(w, { step: 50 })).total).toBe(20);
  });
  it('does not evaluate the inner term at weight 0 (lazy regularisation)', async () => {
    let calls = 0;
    const critic = (x: tf.Tensor) => {
      calls++;
      return net.critic(x);
    };
    const lazyR1 = weighted(r1Penalty(), piecewiseSchedule({ boundaries: [1], values: [0, 5] }));
    const v = tidyValue(() => lazyR1.evaluate(createObjectiveContext({ critic, real, fake, step: 0 })));
    expect(calls).toBe(0);
    expect(await read(v)).toEqual({ total: 0, parts: { r1: 0 } });
    tf.dispose([v.total, ...Object.values(v.parts)]);
    tf.tidy(() => lazyR1.evaluate(createObjectiveContext({ critic, real, fake, step: 1 })).total);
    expect(calls).toBe(1);
  });
  it('rejects bad weights', () => {
    expect(() => weighted(constant('a', 1), Number.NaN)).toThrow('Error in weighted: weight must be a finite number, but got NaN.');
    expect(() => weighted(constant('a', 1), 'ten' as never)).toThrow("Error in weighted: weight must be a finite number or a Schedule (constantSchedule, linearRamp, piecewiseSchedule), but got 'ten'.");
    expect(() => weighted({} as never, 1)).toThrow('Error in weighted: term must be a Term');
    const bad = weighted(constant('a', 1), { kind: 'schedule', name: 'bad', valueAt: () => Number.NaN });
    expect(() => bad.evaluate(ctxOf())).toThrow("Error in weighted.evaluate: the schedule's value at step 0 must be a finite number, but got NaN.");
  });
});
