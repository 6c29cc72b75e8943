import type { TableStore } from '../../engine';
import type { ConsoleContext } from './console-context';
import { QueryParams } from './query-params';
import { historyOf, tableShape } from './table-shapes';
import { jsonRow, keyText, parseFilters } from './value-text';

/** Rows in one page when `limit` is not given. */
const DEFAULT_ROWS = 100;

/**
 * `GET /admin/rows?table=T[&tick=N][&filter=col=value|col~text]...[&limit=L][&offset=O]`: one page
 * of a table's rows, now or as of tick N (rebuilt from the commit log), with the table's row count
 * and how many rows match the filters. Each row comes with its key text, which
 * `/admin/history?key=` reads back.
 * @throws TickspaceError INVALID_ARGUMENT (400) naming the parameter; UNKNOWN_TABLE (404);
 * HISTORY_PRUNED / TICK_OUT_OF_RANGE (400) for a tick outside the retained history
 */
export async function rowsRoute(url: URL, ctx: ConsoleContext): Promise<unknown> {
  const q = new QueryParams(url, '/admin/rows', ['table', 'tick', 'filter', 'limit', 'offset']);
  const shape = tableShape(ctx, q.required('table'));
  const tick = q.integer('tick');
  const limit = q.integer('limit', { min: 1, max: ctx.limits.maxRows, limitName: 'maxRows' }) ?? DEFAULT_ROWS;
  const offset = q.integer('offset') ?? 0;
  const filters = parseFilters(q, shape.columns);
  let store: TableStore | undefined;
  let atTick: number;
  if (tick === undefined) {
    store = ctx.engine.tables[shape.name];
    atTick = ctx.engine.tick;
  } else {
    const view = await historyOf(ctx, '/admin/rows?tick').asOf(tick);
    store = Object.hasOwn(view.tables, shape.name) ? view.tables[shape.name] : undefined;
    atTick = view.tick;
  }
  // A table added by a later schema version did not exist at that tick: it held no rows.
  const all = store?.iter() ?? [];
  const matching =
    filters.length === 0 ? all : all.filter((row) => filters.every((f) => f.test(row[f.column])));
  return {
    table: shape.name,
    tick: atTick,
    live: tick === undefined,
    count: all.length,
    matching: matching.length,
    offset,
    limit,
    primaryKey: shape.primaryKey,
    rows: matching.slice(offset, offset + limit).map((row) => ({
      key: keyText(row, shape.primaryKey),
      values: jsonRow(row),
    })),
  };
}
