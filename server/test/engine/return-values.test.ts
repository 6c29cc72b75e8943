import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  ReducerError,
  t,
  table,
  type Engine,
  type ModuleDef,
} from '../../src/engine';
import { replayRange } from '../../src/engine/tooling';
import { createTestWorld } from '../../src/testing';
import { quietLogger } from '../log/helpers';

const schema = createSchema({
  item: table(
    { public: true },
    { id: t.u32().primaryKey().autoInc(), kind: t.string(), owner: t.identity() },
  ),
});

/** A forge whose `craft` returns the id it created; `step` decides what the faulty variants return. */
function forge(step: (id: number) => unknown = (id) => id) {
  const craft = schema.reducer(
    'craft',
    { kind: t.string() },
    (ctx, { kind }) => {
      if (kind === '') throw new ReducerError('NO_KIND', 'name what to craft');
      return step(ctx.db.item.insert({ kind, owner: ctx.sender }).id) as number;
    },
    { returns: t.u32() },
  );
  const label = schema.reducer('label', { id: t.u32() }, (ctx, { id }) => ctx.db.item.find(id)?.kind, {
    returns: t.optional(t.string()),
  });
  // Returns a value without declaring one: ignored, as before return values existed.
  const touch = schema.reducer('touch', { id: t.u32() }, (ctx, { id }) => ctx.db.item.find(id));
  return defineModule(schema, { reducers: [craft, label, touch] });
}

describe('reducer return values', () => {
  it("resolves the caller's promise with the declared value; none declared resolves undefined", async () => {
    const world = await createTestWorld(forge());
    const alice = await world.player('alice');
    const first = await world.settle(alice.reducers.craft({ kind: 'axe' }));
    const second = await world.settle(alice.reducers.craft({ kind: 'saw' }));
    expect([first, second]).toEqual([1, 2]);
    expect(world.db.item.find(second)).toMatchObject({ kind: 'saw' });
    expect(await world.settle(alice.reducers.label({ id: 2 }))).toBe('saw');
    expect(await world.settle(alice.reducers.label({ id: 9 }))).toBeUndefined();
    expect(await world.settle(alice.reducers.touch({ id: 1 }))).toBeUndefined();
    await expect(world.settle(alice.reducers.craft({ kind: '' }))).rejects.toMatchObject({ code: 'NO_KIND' });
    await world.close();
  });

  it('logs the value with the call, and replay verifies it', async () => {
    const world = await createTestWorld(forge());
    const alice = await world.player('alice');
    await world.settle(alice.reducers.craft({ kind: 'axe' }));
    await world.settle(alice.reducers.label({ id: 1 }));
    const store = world.database.store;
    const results = [...store.ticks(1, store.lastTick)]
      .flatMap((tick) => tick.calls)
      .filter((c) => c.reducer === 'craft' || c.reducer === 'label')
      .map((c) => c.result);
    expect(results).toEqual([
      { ok: true, value: 1, returns: { name: 'return value', kind: 'u32' } },
      {
        ok: true,
        value: 'axe',
        returns: {
          name: 'return value',
          kind: 'optional',
          inner: { name: 'return value', kind: 'string' },
        },
      },
    ]);
    expect(await world.database.replay()).toMatchObject({ ok: true });
    await world.close();
  });

  it('a replay whose reducer returns another value diverges on that call, though every change agrees', async () => {
    const world = await createTestWorld(forge());
    const alice = await world.player('alice');
    await world.settle(alice.reducers.craft({ kind: 'axe' }));
    const tick = world.currentTick;
    const store = world.database.store;
    const replayer = createEngine({ module: forge((id) => id + 100), seed: 'test', tickMs: 50 });
    const report = await replayRange(store, replayer as unknown as Engine<ModuleDef>, 1, store.lastTick);
    expect(report.ok).toBe(false);
    expect(report.divergence).toMatchObject({ tick, kind: 'call' });
    expect(report.divergence!.message).toMatch(
      /result 'ok, returned 1' in the log, 'ok, returned 101' in the replay/,
    );
    await world.close();
  });

  it('a value that does not fit `returns` is a server fault: INTERNAL to the caller, the call rolled back, INVALID_RETURN logged', async () => {
    const quiet = quietLogger();
    const world = await createTestWorld(
      forge(() => -1),
      { logger: quiet.logger },
    );
    const alice = await world.player('alice');
    await expect(world.settle(alice.reducers.craft({ kind: 'axe' }))).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect(world.db.item.count()).toBe(0);
    expect(quiet.lines.join('\n')).toMatch(
      /reducer 'craft' returned a value that does not fit its returns \(u32\): expected u32 .*got -1/,
    );
    await world.close();
  });

  it('returning nothing when the declared type is not optional is the same fault; an optional one resolves none', async () => {
    const quiet = quietLogger();
    const world = await createTestWorld(
      forge(() => undefined),
      { logger: quiet.logger },
    );
    const alice = await world.player('alice');
    await expect(world.settle(alice.reducers.craft({ kind: 'axe' }))).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect(world.db.item.count()).toBe(0);
    expect(quiet.lines.join('\n')).toMatch(
      /reducer 'craft' returned nothing, but it declares returns \(u32\)/,
    );
    expect(await world.settle(alice.reducers.label({ id: 7 }))).toBeUndefined();
    await world.close();
  });
});
