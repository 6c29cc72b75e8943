import {
  decodeServerMessage,
  wireMapKey,
  type SectionVisitor,
  type ServerMessage,
  type WireSchema,
  type WireTable,
} from '../../src/protocol';

/**
 * A minimal client cache for tests: applies server frames exactly as the wire says, and fails
 * loudly on an update of a row it does not hold (a server bug the SDK would only log).
 */
export interface FrameCache {
  /** Applies one frame; returns its header. */
  apply(frame: Uint8Array): ServerMessage;
  /** Rows of a table, sorted by key map key. */
  rows(table: string): Record<string, unknown>[];
  /** Row map of a table (map key -> row). */
  map(table: string): ReadonlyMap<unknown, Record<string, unknown>>;
}

export function createFrameCache(schema: WireSchema): FrameCache {
  const tables = new Map<number, Map<unknown, Record<string, unknown>>>();
  const get = (t: WireTable) => {
    let m = tables.get(t.id);
    if (m === undefined) tables.set(t.id, (m = new Map()));
    return m;
  };
  const visitor: SectionVisitor = {
    delete: (t, key) => void get(t).delete(wireMapKey(key)),
    insert: (t, row) => void get(t).set(wireMapKey(t.key.of(row)), row),
    update: (t, key, reader) => {
      const m = get(t);
      const mk = wireMapKey(key);
      const old = m.get(mk);
      if (old === undefined)
        throw new Error(`update of ${t.name} ${String(key)}, a row the cache does not hold`);
      m.set(mk, t.update.decode(reader, old)!);
    },
    reset: (t, rows) => void tables.set(t.id, new Map(rows.map((r) => [wireMapKey(t.key.of(r)), r]))),
  };
  const tableOf = (name: string) => {
    const t = schema.tableByName(name);
    if (t === undefined) throw new Error(`no table ${name}`);
    return t;
  };
  return {
    apply: (frame) => decodeServerMessage(frame, schema, visitor),
    rows: (name) =>
      [...get(tableOf(name)).entries()]
        .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0))
        .map((e) => e[1]),
    map: (name) => get(tableOf(name)),
  };
}
