import { createSchema, defineModule, ReducerError, t, table } from '@tickspace/server/engine';
import { applyStep, toFixed, type MovementScenario } from './scenario';

/**
 * The movement scenario as a Tickspace module: one entity per client in a public table with a
 * spatial index, a private table that says which entity each identity owns, a `spawn` reducer
 * that places the caller's entity where the client asks (so the client knows its id and position
 * without decoding anything), a `move` reducer that applies the same step rule as the Colyseus
 * room, and a disconnect hook that removes the entity. Clients follow their entity with a radius
 * subscription, which the server moves as the entity moves.
 *
 * Positions are stored in fixed point: i32 counts of `scenario.positionUnit` (the grid the step
 * rule keeps every position on), so an update travels as small integer deltas; the spatial
 * index and subscription radii are in the same units ({@link toFixed}). Reducer arguments stay
 * in world units. The public row is only what clients draw (id, x, y), like the Colyseus entity.
 *
 * Entity ids are chosen by the client (the driver uses the bot number): fine for a load test,
 * where ids only need to be unique; a game would let the server assign them.
 *
 * @example
 * const engine = createEngine({ module: createMovementModule(scenario), tickMs: scenario.tickMs });
 */
export function createMovementModule(scenario: MovementScenario) {
  const unit = scenario.positionUnit;
  const schema = createSchema({
    entity: table(
      { public: true, spatial: { x: 'x', y: 'y', cellSize: toFixed(scenario, scenario.cellSize) } },
      { id: t.u32().primaryKey(), x: t.i32(), y: t.i32() },
    ),
    owner: table({ public: false }, { identity: t.identity().primaryKey(), entity: t.u32() }),
  });
  const spawn = schema.reducer('spawn', { id: t.u32(), x: t.f32(), y: t.f32() }, (ctx, { id, x, y }) => {
    if (ctx.db.owner.has(ctx.sender))
      throw new ReducerError('ALREADY_SPAWNED', `identity ${ctx.sender} already has an entity`);
    const size = scenario.worldSize;
    if (!(x >= 0 && x <= size && y >= 0 && y <= size))
      throw new ReducerError('OUT_OF_WORLD', `(${x}, ${y}) is outside the ${size} x ${size} world`);
    if (ctx.db.entity.has(id)) throw new ReducerError('ID_TAKEN', `entity ${id} exists`);
    ctx.db.entity.insert({ id, x: toFixed(scenario, x), y: toFixed(scenario, y) });
    ctx.db.owner.insert({ identity: ctx.sender, entity: id });
  });
  const move = schema.reducer('move', { dx: t.f32(), dy: t.f32() }, (ctx, { dx, dy }) => {
    const owned = ctx.db.owner.find(ctx.sender);
    const mine = owned === undefined ? undefined : ctx.db.entity.find(owned.entity);
    if (mine === undefined)
      throw new ReducerError('NO_ENTITY', `identity ${ctx.sender} has no entity: call spawn first`);
    const next = applyStep(scenario, mine.x * unit, mine.y * unit, dx, dy);
    ctx.db.entity.update({ id: mine.id, x: toFixed(scenario, next.x), y: toFixed(scenario, next.y) });
  });
  return defineModule(schema, {
    reducers: [spawn, move] as const,
    clientDisconnected: (ctx) => {
      const owned = ctx.db.owner.find(ctx.sender);
      if (owned === undefined) return;
      ctx.db.entity.delete(owned.entity);
      ctx.db.owner.delete(ctx.sender);
    },
  });
}

/** The movement module's type, for typed client connections. */
export type MovementModule = ReturnType<typeof createMovementModule>;
