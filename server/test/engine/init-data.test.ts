import { describe, expect, it } from 'vitest';
import { createEngine, createSchema, defineModule, LIFECYCLE, t, table } from '../../src/engine';
import { openDatabase } from '../../src/engine/tooling';
import { quietLogger, tempDir } from '../log/helpers';
import { alice } from './fixtures';

/**
 * A module whose init writes data from outside its code (as content files are): `source` stands
 * for a file that changes after the world was created.
 */
function moduleReading(source: { names: string[] }) {
  const schema = createSchema({
    item: table({ public: true }, { id: t.u32().primaryKey(), name: t.string() }),
  });
  const rename = schema.reducer('rename', { id: t.u32(), name: t.string() }, (ctx, { id, name }) => {
    ctx.db.item.update({ id, name });
  });
  return defineModule(schema, {
    reducers: [rename],
    initData: () => ({ names: [...source.names] }),
    init: (ctx, data) => {
      (data.names as string[]).forEach((name, id) => ctx.db.item.insert({ id, name }));
    },
  });
}

describe('init data', () => {
  it('passes initData() to init and logs it as the __init payload', () => {
    const engine = createEngine({ module: moduleReading({ names: ['stick', 'stone'] }) });
    const record = engine.runTick();
    expect(engine.db.item.iter().map((r) => r.name)).toEqual(['stick', 'stone']);
    expect(record.calls[0]).toMatchObject({ reducer: LIFECYCLE.INIT, args: { names: ['stick', 'stone'] } });
  });

  it('is asked once, in the first tick of a new world only', async () => {
    let asked = 0;
    const schema = createSchema({ n: table({}, { id: t.u8().primaryKey() }) });
    const module = defineModule(schema, {
      reducers: [],
      initData: () => ({ asked: ++asked }),
      init: (ctx) => void ctx.db.n.insert({ id: 0 }),
    });
    const dir = tempDir();
    const first = await openDatabase({ dir, module, durability: 'never', logger: quietLogger().logger });
    first.engine.runTick();
    first.engine.runTick();
    await first.close();
    const second = await openDatabase({ dir, module, durability: 'never', logger: quietLogger().logger });
    second.engine.runTick();
    await second.close();
    expect(asked).toBe(1);
  });

  it('replays from tick 1 with the logged data after the source changed', async () => {
    const source = { names: ['stick', 'stone'] };
    const module = moduleReading(source);
    const dir = tempDir();
    const db = await openDatabase({ dir, module, durability: 'never', logger: quietLogger().logger });
    db.engine.runTick();
    db.engine.enqueue(alice, 'rename', { id: 1, name: 'pebble' });
    db.engine.runTick();
    await db.engine.flush();
    source.names = ['fiber'];
    const report = await db.replay(1, db.engine.tick);
    expect(report).toMatchObject({ ok: true, verifiedTicks: 2 });
    const asOf = await db.asOf(1);
    expect(asOf.tables.item!.iter().map((r) => r.name)).toEqual(['stick', 'stone']);
    await db.close();

    // A new world made from the changed source starts from it.
    const fresh = createEngine({ module });
    fresh.runTick();
    expect(fresh.db.item.iter().map((r) => r.name)).toEqual(['fiber']);
  });

  it('refuses a value that is not a JSON object, committing nothing', () => {
    const schema = createSchema({ n: table({}, { id: t.u8().primaryKey() }) });
    const module = defineModule(schema, { reducers: [], initData: () => [1, 2] as never });
    const engine = createEngine({ module });
    expect(() => engine.runTick()).toThrow(/initData must return a JSON object/);
    expect(engine.tick).toBe(0);
  });

  it('gives init an empty object without initData', () => {
    let seen: unknown;
    const schema = createSchema({ n: table({}, { id: t.u8().primaryKey() }) });
    const engine = createEngine({
      module: defineModule(schema, { reducers: [], init: (_ctx, data) => void (seen = data) }),
    });
    engine.runTick();
    expect(seen).toEqual({});
  });
});
