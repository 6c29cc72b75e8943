import { describe, expect, it } from 'vitest';
import {
  CALL_ORIGIN,
  createEngine,
  createSchema,
  defineModule,
  ReducerError,
  t,
  table,
  toIdentity,
  type CallResult,
  type Engine,
  type ModuleDef,
} from '../../src/engine';
import { SCHEDULE_TABLE } from '../../src/engine/system-tables';

/**
 * V8 stops a tick's timed run wherever the budget runs out, and that can be between a call's
 * bookkeeping and its reducer: after a one-shot schedule row was consumed, or after a queued
 * call was taken off the queue. The abort's rollback must put the call back as if it had not
 * begun (the schedule row restored), and the tick, resumed, runs it: no call is lost and none is
 * charged an abort its reducer never ran into. Once its reducer has run, a call keeps its outcome.
 *
 * The stop is placed exactly: the engine consults the aborts to reproduce (a replay's) between
 * the bookkeeping and the reducer, and the map given here spins there once until V8 stops it.
 */
const alice = toIdentity('e'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };

const schema = createSchema({
  fired: table({}, { id: t.u32().primaryKey().autoInc(), what: t.string(), tick: t.u32() }),
});
const fire = schema.reducer('fire', { what: t.string() }, (ctx, { what }) => {
  ctx.db.fired.insert({ id: 0, what, tick: ctx.tick });
});
const failing = schema.reducer('failing', {}, () => {
  throw new ReducerError('REFUSED', 'refused on purpose');
});
const arm = schema.reducer(
  'arm',
  { reducer: t.string(), what: t.string(), everyMs: t.u32() },
  (ctx, { reducer, what, everyMs }) => {
    ctx.schedule(reducer, reducer === 'fire' ? { what } : {}, { atTick: ctx.tick + 1, everyMs });
  },
);
const module = defineModule(schema, { reducers: [fire, failing, arm] });

/** Reproduces no abort; spins once, until V8 stops it, when asked about call `index`. */
class SpinOnceAt extends Map<number, string> {
  spun = 0;
  readonly #index: number;
  constructor(index: number) {
    // One entry, so the engine consults the map at all; at an index no call of the test has.
    super([[1_000_000, 'never']]);
    this.#index = index;
  }
  override get(index: number): string | undefined {
    if (index === this.#index && this.spun === 0) {
      this.spun++;
      for (;;);
    }
    return undefined;
  }
}

function engines(): [Engine<ModuleDef>, Engine<ModuleDef>] {
  return [
    createEngine({ module, tickBudgetMs: 50, logger: quiet }),
    createEngine({ module, tickBudgetMs: 50, logger: quiet }),
  ];
}

const summary = (engine: Engine<ModuleDef>) => ({
  stateHash: engine.stateHash,
  fired: engine.tables.fired!.iter(),
  schedules: engine.tables[SCHEDULE_TABLE]!.iter(),
});

const calls = (record: ReturnType<Engine<ModuleDef>['runTick']>) =>
  record.calls.map((c) => ({ origin: c.origin, reducer: c.reducer, result: c.result as CallResult }));

describe('a budget abort before the reducer of a call starts', () => {
  it('restores a one-shot schedule row it consumed, and the resumed tick runs the call once', () => {
    const [live, reference] = engines();
    for (const e of [live, reference]) {
      e.enqueue(alice, 'arm', { reducer: 'fire', what: 'once', everyMs: 0 });
      e.runTick();
    }
    // Due now: the one-shot's call is the tick's only call, index 0.
    const stop = new SpinOnceAt(0);
    live.reproduceAborts(stop);
    const record = live.runTick();
    expect(stop.spun).toBe(1);
    expect(live.writeRepairs).toBe(0);
    expect(calls(record)).toEqual([{ origin: CALL_ORIGIN.SCHEDULE, reducer: 'fire', result: { ok: true } }]);
    expect(calls(record)).toEqual(calls(reference.runTick()));
    expect(summary(live)).toEqual(summary(reference));
    expect(live.tables.fired!.iter()).toMatchObject([{ what: 'once', tick: 2 }]);
    expect(live.tables[SCHEDULE_TABLE]!.count()).toBe(0);
    // Nothing fires twice later.
    for (const e of [live, reference]) e.runTick();
    expect(summary(live)).toEqual(summary(reference));
  });

  it('keeps a repeating schedule on time: the stopped occurrence runs, the next is where it was', () => {
    const [live, reference] = engines();
    for (const e of [live, reference]) {
      e.enqueue(alice, 'arm', { reducer: 'fire', what: 'every', everyMs: 100 });
      e.runTick();
    }
    const stop = new SpinOnceAt(0);
    live.reproduceAborts(stop);
    const record = live.runTick();
    expect(stop.spun).toBe(1);
    expect(calls(record)).toEqual(calls(reference.runTick()));
    for (let i = 0; i < 4; i++) {
      const a = live.runTick();
      expect(calls(a)).toEqual(calls(reference.runTick()));
    }
    expect(summary(live)).toEqual(summary(reference));
    expect(live.tables.fired!.iter().map((r) => r.tick)).toEqual([2, 4, 6]);
  });

  it('runs a queued call taken off the queue: it is neither lost nor charged an abort', () => {
    const [live, reference] = engines();
    const results: (CallResult | undefined)[] = [];
    for (const [i, e] of [live, reference].entries())
      for (const what of ['a', 'b', 'c'])
        e.enqueue(alice, 'fire', { what }, (r) => i === 0 && results.push(r));
    const stop = new SpinOnceAt(1);
    live.reproduceAborts(stop);
    const record = live.runTick();
    expect(stop.spun).toBe(1);
    expect(calls(record)).toEqual(calls(reference.runTick()));
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(live.tables.fired!.iter().map((r) => r.what)).toEqual(['a', 'b', 'c']);
    expect(summary(live)).toEqual(summary(reference));
  });

  it('once the reducer has run, a one-shot keeps its outcome: a failed call is logged, not retried', () => {
    const engine = createEngine({ module, tickBudgetMs: 50, logger: quiet });
    engine.enqueue(alice, 'arm', { reducer: 'failing', what: '', everyMs: 0 });
    engine.runTick();
    const record = engine.runTick();
    expect(calls(record)).toEqual([
      {
        origin: CALL_ORIGIN.SCHEDULE,
        reducer: 'failing',
        result: { ok: false, code: 'REFUSED', message: 'refused on purpose' },
      },
    ]);
    expect(engine.tables[SCHEDULE_TABLE]!.count()).toBe(0);
    expect(engine.runTick().calls).toEqual([]);
  });
});
