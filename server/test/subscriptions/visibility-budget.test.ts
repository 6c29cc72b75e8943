import { describe, expect, it } from 'vitest';
import { createEngine, toIdentity } from '../../src/engine';
import { createSubscriptions } from '../../src/engine/tooling';
import { TickspaceError } from '../../src/protocol';
import { createFrameCache } from '../kit/frame-cache';
import { runaway as module, slowRule, trap } from './runaway-rule-fixture';

const ann = toIdentity('0'.repeat(31) + 'a');
const bob = toIdentity('0'.repeat(31) + 'b');
// Far above what the quick work here costs even on a loaded machine (a stretch of a few ms can take
// tens of ms of wall time when the cores are shared), so only the runaway and the slow rule reach it.
const BUDGET_MS = 250;

function setup() {
  trap.on = false;
  slowRule.ms = 0;
  const engine = createEngine({ module, tickMs: 50 });
  const errors: string[] = [];
  const subs = createSubscriptions(engine, {
    visibilityBudgetMs: BUDGET_MS,
    logger: { error: (m) => void errors.push(m), warn: (m) => void errors.push(m) },
  });
  const client = (who: typeof ann) => {
    const cache = createFrameCache(subs.schema.wire);
    const handle = subs.addClient(who, { bufferedAmount: 0, send: (f) => void cache.apply(f) });
    return { handle, cache };
  };
  const call = (who: typeof ann, reducer: string, args: Record<string, unknown>) => {
    engine.enqueue(who, reducer, args);
    return engine.runTick();
  };
  return { engine, subs, errors, client, call };
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.id);
const stoppedSecret = new RegExp(
  `visibility rule of table 'secret' ran past the visibility budget of ${BUDGET_MS} ms`,
);

describe('the visibility budget (visibilityBudgetMs)', () => {
  it('stops a rule that never returns in a tick: its rows are hidden, the other tables and the ticks go on', () => {
    const w = setup();
    const a = w.client(ann);
    const b = w.client(bob);
    for (const c of [a, b]) {
      w.subs.subscribe(c.handle, 1, { table: 'secret' });
      w.subs.subscribe(c.handle, 2, { table: 'mine' });
    }
    w.call(ann, 'put', { id: 1, loop: false });
    w.call(bob, 'note', { id: 7 });
    expect(ids(a.cache.rows('secret'))).toEqual([1]);
    expect(ids(b.cache.rows('mine'))).toEqual([7]);

    const stopped = w.call(ann, 'put', { id: 2, loop: true });
    expect(stopped.calls[0]!.result).toEqual({ ok: true });
    expect(w.errors).toEqual([expect.stringMatching(stoppedSecret)]);
    expect(w.errors[0]).toMatch(/hidden from every client until the server restarts/);
    expect(w.subs.stats().stoppedVisibilityRules).toEqual(['secret']);
    // Fail closed: the rows the rule admitted leave the caches (a RESET); the other table stays.
    expect(a.cache.rows('secret')).toEqual([]);
    expect(ids(b.cache.rows('mine'))).toEqual([7]);

    w.call(ann, 'note', { id: 8 });
    w.call(ann, 'put', { id: 3, loop: false });
    expect(ids(a.cache.rows('mine'))).toEqual([8]);
    expect(a.cache.rows('secret')).toEqual([]);
    expect(w.engine.tick).toBe(5);
    expect(w.errors).toHaveLength(1);
  });

  it('refuses a subscribe whose rule never returns with BUDGET_EXCEEDED naming the table; later subscribes work', () => {
    const w = setup();
    const b = w.client(bob);
    w.subs.subscribe(b.handle, 1, { table: 'secret' });
    w.call(bob, 'put', { id: 1, loop: false });
    w.call(ann, 'note', { id: 7 });
    expect(ids(b.cache.rows('secret'))).toEqual([1]);
    const a = w.client(ann);
    let refused: unknown;
    trap.on = true;
    try {
      w.subs.subscribe(a.handle, 1, { table: 'secret' });
    } catch (error) {
      refused = error;
    }
    trap.on = false;
    expect(refused).toBeInstanceOf(TickspaceError);
    expect(refused).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      details: { table: 'secret', visibilityBudgetMs: BUDGET_MS },
    });
    expect((refused as Error).message).toMatch(stoppedSecret);
    expect(w.subs.stats().queries).toBe(1);
    // Another client's rows of the stopped rule leave its cache at once.
    expect(b.cache.rows('secret')).toEqual([]);
    // The same query id is free again, and the stopped rule hides every row.
    w.subs.subscribe(a.handle, 1, { table: 'secret' });
    w.subs.subscribe(a.handle, 2, { table: 'mine' });
    expect(a.cache.rows('secret')).toEqual([]);
    expect(ids(a.cache.rows('mine'))).toEqual([7]);
  });

  it('an unsubscribe that meets a runaway rule still completes, after every view is rebuilt without it', () => {
    const w = setup();
    const a = w.client(ann);
    w.subs.subscribe(a.handle, 1, { table: 'secret' });
    w.call(ann, 'put', { id: 1, loop: false });
    expect(ids(a.cache.rows('secret'))).toEqual([1]);
    trap.on = true;
    w.subs.unsubscribe(a.handle, 1);
    trap.on = false;
    expect(w.errors).toEqual([expect.stringMatching(stoppedSecret)]);
    expect(a.cache.rows('secret')).toEqual([]);
    expect(w.subs.stats().queries).toBe(0);
    w.call(ann, 'put', { id: 2, loop: false });
    expect(a.cache.rows('secret')).toEqual([]);
  });

  it('never stops a rule that is slow but answers: a fan-out that runs long through many quick calls is the work, resynced, its rows kept', () => {
    const w = setup();
    const a = w.client(ann);
    w.subs.subscribe(a.handle, 1, { table: 'slow' });
    // 100 rows at 4 ms each: the fan-out runs past the 250 ms budget inside the rule, which alone
    // answers in 4 ms.
    slowRule.ms = 4;
    w.call(ann, 'many', { from: 1, count: 100 });
    expect(w.errors).toEqual([expect.stringMatching(/with no visibility rule running long.*; resyncing$/)]);
    expect(w.subs.stats().stoppedVisibilityRules).toEqual([]);
    expect(a.cache.rows('slow')).toHaveLength(100);
    // And the rule keeps working at the next tick.
    slowRule.ms = 0;
    w.call(ann, 'many', { from: 1000, count: 2 });
    expect(a.cache.rows('slow')).toHaveLength(102);
  });

  it('refuses a budget that is neither 0 nor a number of ms >= 1', () => {
    const engine = createEngine({ module });
    for (const bad of [-1, 0.5, NaN, Infinity])
      expect(() => createSubscriptions(engine, { visibilityBudgetMs: bad })).toThrow(
        /visibilityBudgetMs must be 0 \(none\) or a number of ms >= 1/,
      );
  });
});
