import { TickspaceError } from '../../protocol/errors';
import { mapKey } from '../values';
import type { LogStore, RowVersion } from './log-store';
import type { LogSchema, LoggedTick } from './record-codec';

/**
 * Every version of one row across a store's retained history, oldest first, with the tick, call
 * and sender that produced it (see {@link LogStore.history}). A table is followed by name across
 * schema versions: its id and (after a migration) its shape may differ from one version to the next.
 */
export function rowHistory(
  store: LogStore,
  tableName: string,
  key: unknown,
  options: { from?: number } = {},
): RowVersion[] {
  // A table keeps its name across schema versions, not its id or (after a migration) its shape.
  const perVersion = new Map<LogSchema, { tableId: number; pk: readonly string[] }>();
  const shapeIn = (schema: LogSchema) => {
    let found = perVersion.get(schema);
    if (found === undefined) {
      const tableId = schema.tables.findIndex((t) => t.name === tableName);
      found = { tableId, pk: tableId < 0 ? [] : schema.tables[tableId]!.primaryKey };
      perVersion.set(schema, found);
    }
    return found;
  };
  const all = store.versions?.versions.map((v) => v.logSchema) ?? [store.schema];
  if (all.every((schema) => shapeIn(schema).tableId < 0))
    throw new TickspaceError('UNKNOWN_TABLE', `no table named '${tableName}'`, {
      details: { table: tableName },
    });
  const keyOf = (row: Readonly<Record<string, unknown>>, pk: readonly string[]) =>
    pk.length === 1 ? row[pk[0]!] : pk.map((n) => row[n]);
  const wanted = mapKey(key);
  const out: RowVersion[] = [];
  if (options.from !== undefined) {
    const f = options.from;
    if (Number.isSafeInteger(f) && f >= 0 && f < store.firstTick && store.pruned)
      throw store.prunedError(f, 'history from tick');
    if (!Number.isSafeInteger(f) || f < store.firstTick || f > store.lastTick)
      throw new TickspaceError(
        'TICK_OUT_OF_RANGE',
        `history from tick ${f} is outside the retained history ${store.firstTick}..${store.lastTick}`,
        { details: { tick: f } },
      );
  }
  const from = options.from ?? store.firstTick;
  if (from === store.firstTick && from > 0) {
    const base = store.baseFor(from);
    const { pk } = shapeIn(store.schemaAt(base.tick));
    const rows = base.tables.find((t) => t.name === tableName)?.rows ?? [];
    const row = rows.find((r) => mapKey(keyOf(r, pk)) === wanted);
    if (row !== undefined) out.push({ tick: base.tick, now: 0, kind: 'snapshot', row, call: undefined });
  }
  if (from >= store.lastTick) return out;
  for (const { tick, payload } of store.payloads(from + 1, store.lastTick)) {
    const { tableId, pk } = shapeIn(store.schemaAt(tick));
    if (tableId < 0) continue;
    const rec = store.decode(tick, payload, { calls: false });
    let full: LoggedTick | undefined;
    for (const c of rec.changes) {
      if (c.tableId !== tableId) continue;
      if (mapKey(keyOf((c.newRow ?? c.oldRow)!, pk)) !== wanted) continue;
      full ??= store.decode(tick, payload);
      const call = full.calls[c.callIndex]!;
      out.push({
        tick,
        now: rec.now,
        kind: c.kind === 0 ? 'insert' : c.kind === 1 ? 'update' : 'delete',
        row: c.newRow,
        call: { index: c.callIndex, reducer: call.reducer, origin: call.origin, sender: call.sender },
      });
    }
  }
  return out;
}
