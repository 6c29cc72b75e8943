import { describe, expect, it } from 'vitest';
import { TableCache, type CacheEvent, type UpdateBody } from '../../src/client/client-table';
import type { BinaryReader, WireTable } from '../../src/protocol';

type Row = { id: number; v: number };

// The cache reads only the key and the column names of its wire table.
const wire = {
  key: { of: (r: Row) => r.id },
  columnNames: ['id', 'v'],
  descriptor: { indexes: [] },
} as unknown as WireTable;

/** An update body that sets `v` (reads nothing). */
const setV = (v: number): UpdateBody => ({ decode: (_r, old) => old && { ...old, v } });
const NO_READER = undefined as unknown as BinaryReader;

function tableWith(...rows: Row[]): TableCache<Row, number> {
  const t = new TableCache<Row, number>('t', wire);
  for (const r of rows) t.upsert(r, undefined);
  return t;
}

function update(t: TableCache<Row, number>, id: number, v: number): CacheEvent {
  const events: CacheEvent[] = [];
  expect(t.patch(id, setV(v), NO_READER, events)).toBe(true);
  return events[0]!;
}

describe('client table listeners', () => {
  it('a listener added twice runs once, and one unsubscribe removes it', () => {
    const t = tableWith({ id: 1, v: 0 });
    const seen: number[] = [];
    const listener = (_old: Row, row: Row) => seen.push(row.v);
    const off = t.onUpdate(listener);
    t.onUpdate(listener);
    t.dispatch(update(t, 1, 1), () => {});
    off();
    t.dispatch(update(t, 1, 2), () => {});
    expect(seen).toEqual([1]);
  });

  it('an event runs the listeners registered when its dispatch began', () => {
    const t = tableWith({ id: 1, v: 0 });
    const calls: string[] = [];
    let offB = () => {};
    t.onUpdate(() => {
      calls.push('a');
      offB(); // removed during the dispatch: still runs for this event
      t.onUpdate(() => calls.push('c')); // added during the dispatch: runs from the next event
    });
    offB = t.onUpdate(() => calls.push('b'));
    t.dispatch(update(t, 1, 1), () => {});
    expect(calls).toEqual(['a', 'b']);
    calls.length = 0;
    t.dispatch(update(t, 1, 2), () => {});
    expect(calls).toEqual(['a', 'c']);
  });

  it('a throwing listener is reported and the others still run, for inserts, updates and deletes', () => {
    const t = tableWith({ id: 1, v: 0 });
    const reported: unknown[] = [];
    const seen: string[] = [];
    const boom = () => {
      throw new Error('listener failed');
    };
    t.onInsert(boom);
    t.onInsert((r) => seen.push(`insert ${r.id}`));
    t.onUpdate(boom);
    t.onUpdate((_o, r) => seen.push(`update ${r.v}`));
    t.onDelete(boom);
    t.onDelete((r) => seen.push(`delete ${r.id}`));
    const events: CacheEvent[] = [];
    t.upsert({ id: 2, v: 0 }, events);
    t.patch(1, setV(7), NO_READER, events);
    t.remove(2, events);
    for (const e of events) t.dispatch(e, (error) => reported.push(error));
    expect(seen).toEqual(['insert 2', 'update 7', 'delete 2']);
    expect(reported.map((e) => (e as Error).message)).toEqual([
      'listener failed',
      'listener failed',
      'listener failed',
    ]);
  });
});
