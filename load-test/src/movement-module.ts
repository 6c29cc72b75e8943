import { createSchema, defineModule, ReducerError, t, table } from '@tickspace/server/engine';
import { applyStep, type MovementScenario } from './scenario';

/**
 * The movement scenario as a Tickspace module: one entity per client in a table with a spatial
 * index, a `spawn` reducer that places the caller's entity where the client asks (so the client
 * knows its id and position without decoding anything), a `move` reducer that applies the same
 * step rule as the Colyseus room, and a disconnect hook that removes the entity. Clients follow
 * their entity with a radius subscription, which the server moves as the entity moves.
 *
 * Entity ids are chosen by the client (the driver uses the bot number): fine for a load test,
 * where ids only need to be unique; a game would let the server assign them.
 *
 * @example
 * const engine = createEngine({ module: createMovementModule(scenario), tickMs: scenario.tickMs });
 */
export function createMovementModule(scenario: MovementScenario) {
  const schema = createSchema({
    entity: table(
      { public: true, spatial: { x: 'x', y: 'y', cellSize: scenario.cellSize } },
      {
        id: t.u32().primaryKey(),
        owner: t.identity().unique().index('hash'),
        x: t.f32(),
        y: t.f32(),
      },
    ),
  });
  const spawn = schema.reducer('spawn', { id: t.u32(), x: t.f32(), y: t.f32() }, (ctx, { id, x, y }) => {
    if (ctx.db.entity.filter('owner', ctx.sender).length > 0)
      throw new ReducerError('ALREADY_SPAWNED', `identity ${ctx.sender} already has an entity`);
    const size = scenario.worldSize;
    if (!(x >= 0 && x <= size && y >= 0 && y <= size))
      throw new ReducerError('OUT_OF_WORLD', `(${x}, ${y}) is outside the ${size} x ${size} world`);
    ctx.db.entity.insert({ id, owner: ctx.sender, x, y });
  });
  const move = schema.reducer('move', { dx: t.f32(), dy: t.f32() }, (ctx, { dx, dy }) => {
    const mine = ctx.db.entity.filter('owner', ctx.sender)[0];
    if (mine === undefined)
      throw new ReducerError('NO_ENTITY', `identity ${ctx.sender} has no entity: call spawn first`);
    const next = applyStep(scenario, mine.x, mine.y, dx, dy);
    ctx.db.entity.update({ ...mine, x: next.x, y: next.y });
  });
  return defineModule(schema, {
    reducers: [spawn, move] as const,
    clientDisconnected: (ctx) => {
      for (const row of ctx.db.entity.filter('owner', ctx.sender)) ctx.db.entity.delete(row.id);
    },
  });
}

/** The movement module's type, for typed client connections. */
export type MovementModule = ReturnType<typeof createMovementModule>;
