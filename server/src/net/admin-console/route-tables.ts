import type { ConsoleContext } from './console-context';
import { QueryParams } from './query-params';
import { tableShapes } from './table-shapes';

/**
 * `GET /admin/tables`: every table of the live module (system tables, named `__...`, included)
 * with its columns, primary key, indexes and row count; the current tick and the retained range
 * of the commit log (`history` is null without one).
 */
export function tablesRoute(url: URL, ctx: ConsoleContext): unknown {
  new QueryParams(url, '/admin/tables', []);
  const engine = ctx.engine;
  return {
    tick: engine.tick,
    running: engine.running,
    history:
      ctx.history === undefined
        ? null
        : { oldestTick: ctx.history.store.firstTick, lastTick: ctx.history.store.lastTick },
    tables: tableShapes(ctx).map((shape) => {
      const store = engine.tables[shape.name]!;
      return {
        name: shape.name,
        public: store.def.options.public === true,
        system: shape.name.startsWith('__'),
        columns: shape.columns.map((c) => ({
          name: c.name,
          kind: c.inner === undefined ? c.kind : `${c.kind}<${c.inner.kind}>`,
        })),
        primaryKey: shape.primaryKey,
        indexes: store.indexNames(),
        count: store.count(),
      };
    }),
  };
}
