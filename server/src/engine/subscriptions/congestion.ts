/**
 * A congested client's catch-up: while its send buffer is over the high watermark it gets no tick
 * frames, only a dirty set per table (the keys it missed); once it drains below the low watermark
 * one frame carries the net change of each of those rows, as the rows are now.
 */
import type { BinaryWriter } from '../../protocol/binary-writer';
import { SERVER_MESSAGE } from '../../protocol/message-types';
import type { AnyRow } from '../change-set';
import type { ClientState } from './client-view';
import type { TableState } from './queries';
import { SpatialQuery } from './spatial-query';

/** The client's dirty set of one table (map key to row key), made on first use. */
export function dirtyOf(client: ClientState, tableId: number): Map<unknown, unknown> {
  let dirty = client.dirty.get(tableId);
  if (dirty === undefined) client.dirty.set(tableId, (dirty = new Map()));
  return dirty;
}

/** Rows a level of detail held back go into the dirty set, so the catch-up sends them as they are now. */
export function dirtyLagging(client: ClientState): void {
  for (const q of client.queries.values()) {
    if (!(q instanceof SpatialQuery) || q.lod === undefined || q.lod.lagging.size === 0) continue;
    const dirty = dirtyOf(client, q.table.store.id);
    const store = q.table.store;
    for (const [mk, sent] of q.lod.lagging) dirty.set(mk, store.keyOf(sent));
    q.lod.lagging.clear();
  }
}

/**
 * Writes the catch-up TICK_UPDATE into `w`: for every row a congested client missed, the current
 * row when it may see it, else a delete.
 */
export function writeCatchUpFrame(
  w: BinaryWriter,
  client: ClientState,
  tick: number,
  states: readonly (TableState | undefined)[],
): Uint8Array {
  w.u8(SERVER_MESSAGE.TICK_UPDATE).uvar(tick).uvar(client.dirty.size);
  for (const [tableId, dirty] of client.dirty) {
    const st = states[tableId]!;
    const ct = client.tables.get(tableId);
    const dels: unknown[] = [];
    const ins: AnyRow[] = [];
    for (const [mk, key] of dirty) {
      const row = st.store.find(key);
      if (ct !== undefined && ct.isVisible(mk, row)) ins.push(row!);
      else dels.push(key);
    }
    w.uvar(tableId).uvar(dels.length);
    for (const k of dels) st.wire.key.encode(w, k);
    w.uvar(ins.length);
    for (const r of ins) st.wire.row.encode(w, r);
    w.uvar(0);
  }
  return w.toBytes();
}
