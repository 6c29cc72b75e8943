import type { ModuleDef } from '../engine';
import type { Database } from '../engine/tooling';
import { TickspaceError } from '../protocol';
import type { ConsoleLimits } from './admin-console/console-limits';
import type { AdminHandlers } from './http-routes';

/**
 * The admin operations of a world kept in a commit log: `snapshot` writes one now, `rewind` takes
 * the live world back to a past tick, `inspect` reads a table's rows now or as of a past tick.
 * `tickspace serve` passes this to {@link createServer}; so do tests that boot the same server.
 * @throws (from `inspect`) TickspaceError UNKNOWN_TABLE for a name that is not one of the world's
 * tables (only own names count: `__proto__` or `constructor` is a name a caller may send).
 * The same log backs the admin console's history routes (`/admin/log`, `/admin/history`,
 * `/admin/rows?tick=`); `options.console` overrides their read limits (see `ConsoleLimits`).
 * @example
 * const server = await createServer({ engine: db.engine, adminToken, admin: databaseAdmin(db) });
 */
export function databaseAdmin<M extends ModuleDef>(
  db: Database<M>,
  options: { readonly console?: Partial<ConsoleLimits> } = {},
): AdminHandlers {
  return {
    console: { history: db, ...(options.console === undefined ? {} : { limits: options.console }) },
    snapshot: () => db.snapshot(),
    rewind: (tick) => db.rewind(tick),
    inspect: async (table, asOfTick) => {
      const view =
        asOfTick === undefined ? { tick: db.engine.tick, tables: db.engine.tables } : await db.asOf(asOfTick);
      const store = Object.hasOwn(view.tables, table) ? view.tables[table] : undefined;
      if (store === undefined)
        throw new TickspaceError('UNKNOWN_TABLE', `no table named '${table}'`, { details: { table } });
      return { tick: view.tick, table, rows: store.iter() };
    },
  };
}
