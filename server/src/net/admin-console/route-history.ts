import type { ConsoleContext } from './console-context';
import { QueryParams } from './query-params';
import { historyOf, tableShape } from './table-shapes';
import { jsonRow, parseKeyText } from './value-text';

/** Versions in one answer when `limit` is not given. */
const DEFAULT_VERSIONS = 200;
const ORIGIN_NAME = ['client', 'schedule', 'lifecycle'];

/**
 * `GET /admin/history?table=T&key=K[&from=N][&limit=L]`: every version of one row, newest first,
 * with the tick, change, reducer call and sender behind each (`key` as `/admin/rows` writes it:
 * the key column's value, or a JSON array for a composite key). At most `limit` versions (the
 * newest); `total` counts them all.
 * @throws TickspaceError INVALID_ARGUMENT (400) naming the parameter; UNKNOWN_TABLE (404)
 */
export async function historyRoute(url: URL, ctx: ConsoleContext): Promise<unknown> {
  const q = new QueryParams(url, '/admin/history', ['table', 'key', 'from', 'limit']);
  const shape = tableShape(ctx, q.required('table'));
  const keyText = q.required('key');
  const keyShapes = shape.primaryKey.map((name) => shape.columns.find((c) => c.name === name)!);
  const key = parseKeyText(q, 'key', keyText, keyShapes);
  const from = q.integer('from');
  const limit =
    q.integer('limit', { min: 1, max: ctx.limits.maxHistoryVersions, limitName: 'maxHistoryVersions' }) ??
    DEFAULT_VERSIONS;
  const versions = await historyOf(ctx, '/admin/history').history(
    shape.name,
    key,
    from === undefined ? {} : { from },
  );
  return {
    table: shape.name,
    key: keyText,
    total: versions.length,
    truncated: versions.length > limit,
    versions: versions
      .slice(-limit)
      .reverse()
      .map((v) => ({
        tick: v.tick,
        now: v.now,
        kind: v.kind,
        row: v.row === undefined ? null : jsonRow(v.row),
        call:
          v.call === undefined
            ? null
            : {
                index: v.call.index,
                reducer: v.call.reducer,
                origin: ORIGIN_NAME[v.call.origin] ?? String(v.call.origin),
                sender: v.call.sender,
              },
      })),
  };
}
