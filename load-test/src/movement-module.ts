import { createSchema, defineModule, ReducerError, t, table } from '@tickspace/server/engine';
import { applyStep, type MovementScenario } from './scenario';

/**
 * The movement scenario as a Tickspace module: one entity per connected client in a table with a
 * spatial index, a `move` reducer that applies the same step rule as the Colyseus room, and
 * lifecycle hooks that spawn and remove the entity. Clients follow their own entity with a radius
 * subscription, which the server moves as the entity moves.
 *
 * @example
 * const engine = createEngine({ module: createMovementModule(scenario), tickMs: scenario.tickMs });
 */
export function createMovementModule(scenario: MovementScenario) {
  const schema = createSchema({
    entity: table(
      { public: true, spatial: { x: 'x', y: 'y', cellSize: scenario.cellSize } },
      {
        id: t.u32().primaryKey().autoInc(),
        owner: t.identity().unique().index('hash'),
        x: t.f32(),
        y: t.f32(),
      },
    ),
  });
  const move = schema.reducer('move', { dx: t.f32(), dy: t.f32() }, (ctx, { dx, dy }) => {
    const mine = ctx.db.entity.filter('owner', ctx.sender)[0];
    if (mine === undefined)
      throw new ReducerError('NO_ENTITY', `identity ${ctx.sender} has no entity: it is not connected`);
    const next = applyStep(scenario, mine.x, mine.y, dx, dy);
    ctx.db.entity.update({ ...mine, x: next.x, y: next.y });
  });
  return defineModule(schema, {
    reducers: [move] as const,
    clientConnected: (ctx) => {
      if (ctx.db.entity.filter('owner', ctx.sender).length > 0) return;
      ctx.db.entity.insert({
        owner: ctx.sender,
        x: ctx.rng() * scenario.worldSize,
        y: ctx.rng() * scenario.worldSize,
      });
    },
    clientDisconnected: (ctx) => {
      for (const row of ctx.db.entity.filter('owner', ctx.sender)) ctx.db.entity.delete(row.id);
    },
  });
}

/** The movement module's type, for typed client connections. */
export type MovementModule = ReturnType<typeof createMovementModule>;
