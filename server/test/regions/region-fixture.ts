import { createSchema, defineModule, ReducerError, t, table, type ReducerContext } from '../../src/engine';
import { handoffReducers, handoffTables } from '../../src/regions';

/** A tiny module with travelling players and their items: nothing of Frontier, just the kit. */
const tables = {
  player: table({ public: true }, { id: t.string().primaryKey(), name: t.string(), x: t.f64() }),
  item: table(
    { public: true },
    { id: t.string().primaryKey(), owner: t.string().index('hash'), qty: t.u32() },
  ),
  ...handoffTables(),
};

type RegionTables = typeof tables;

export interface PlayerPayload {
  player: { id: string; name: string; x: number };
  items: { id: string; owner: string; qty: number }[];
}

/** A region's module. `capacity`: arrivals beyond this many players are rejected (REGION_FULL). */
export function regionModule(region: string, options: { capacity?: number; maxHandoffBytes?: number } = {}) {
  const schema = createSchema(tables);
  const spawn = schema.reducer(
    'spawn',
    { id: t.string(), items: t.u32(), qty: t.u32() },
    (ctx, { id, items, qty }) => {
      ctx.db.player.insert({ id, name: id, x: 0 });
      for (let i = 0; i < items; i++) ctx.db.item.insert({ id: `${id}.i${i}`, owner: id, qty });
    },
  );
  const give = schema.reducer('give', { id: t.string(), qty: t.u32() }, (ctx, { id, qty }) => {
    ctx.db.item.insert({ id: `${id}.big`, owner: id, qty });
    ctx.db.player.update({ ...ctx.db.player.find(id)!, name: 'x'.repeat(qty) });
  });
  const insert = (ctx: ReducerContext<RegionTables>, payload: PlayerPayload) => {
    ctx.db.player.insert(payload.player);
    for (const item of payload.items) ctx.db.item.insert(item);
  };
  const handoff = handoffReducers(schema, {
    region,
    maxHandoffBytes: options.maxHandoffBytes,
    pack: (ctx, entity) => {
      const player = ctx.db.player.find(entity);
      if (player === undefined) throw new ReducerError('NOT_HERE', `no player ${entity} in ${region}`);
      const items = ctx.db.item.filter('owner', entity);
      for (const item of items) ctx.db.item.delete(item.id);
      ctx.db.player.delete(entity);
      return { player, items };
    },
    unpack: (ctx, _entity, payload) => {
      if (options.capacity !== undefined && ctx.db.player.count() >= options.capacity)
        throw new ReducerError('REGION_FULL', `${region} holds ${options.capacity} players`);
      insert(ctx, payload as unknown as PlayerPayload);
    },
    restore: (ctx, _entity, payload) => insert(ctx, payload as unknown as PlayerPayload),
  });
  return defineModule(schema, { reducers: [spawn, give, ...handoff] });
}
