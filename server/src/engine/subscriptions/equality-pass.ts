import type { AnyRow } from '../change-set';
import { mapKey } from '../values';
import type { ClientTable } from './client-view';
import type { TableState } from './queries';
import type { NetChange, TableTick } from './tick-changes';

/*
 * The per-tick pass over one table's whole-table and equality (index) queries. These are
 * stateless: a row is a member exactly when it matches, so old and new row decide everything.
 */

/**
 * Whole-table queries: a chunkable one takes the table's shared section, others row by row; on a
 * table with a declared visibility, each change goes only to the queries of the viewers its old
 * and new row name (or to all while it is shown to everyone).
 */
export function wholeQueries(st: TableState, tt: TableTick): void {
  if (st.declared !== undefined) return routedWholeQueries(st, tt);
  for (const q of st.whole) {
    const ct = q.ct;
    if (ct.chunkable) {
      const section = tt.wholeSection();
      if (section !== undefined) {
        ct.open(tt);
        ct.whole = section;
      }
    } else for (const c of tt.list) stateless(q, tt, c);
  }
}

/** The viewers one change is routed to: each identity its old and new row name, once. */
const routedViewers: unknown[] = [];

/** {@link wholeQueries} on a table with a declared visibility. */
function routedWholeQueries(st: TableState, tt: TableTick): void {
  const { to, everyoneWhen } = st.declared!;
  const byViewer = st.wholeByViewer;
  for (const c of tt.list) {
    if (everyoneWhen !== undefined && (c.old?.[everyoneWhen] === true || c.new?.[everyoneWhen] === true)) {
      for (const q of st.whole) stateless(q, tt, c);
      continue;
    }
    const viewers = routedViewers;
    viewers.length = 0;
    for (const row of [c.old, c.new]) {
      if (row === undefined) continue;
      for (let i = 0; i < to.length; i++) {
        const id = row[to[i]!];
        if (!viewers.includes(id)) viewers.push(id);
      }
    }
    for (const id of viewers) {
      const qs = byViewer.get(id as never);
      if (qs !== undefined) for (const q of qs) stateless(q, tt, c);
    }
  }
}

/** Index queries, woken through the value map of each index: the old and the new value. */
export function indexQueries(st: TableState, tt: TableTick): void {
  for (const [, byValue] of st.byIndex) {
    let columns: readonly string[] | undefined;
    for (const set of byValue.values()) {
      columns = set.values().next().value!.columns;
      break;
    }
    for (const c of tt.list) {
      const vo = c.old === undefined ? undefined : mapKey(indexValueOf(columns!, c.old));
      const vn = c.new === undefined ? undefined : mapKey(indexValueOf(columns!, c.new));
      const a = c.old === undefined ? undefined : byValue.get(vo);
      const b = c.new === undefined || (c.old !== undefined && vo === vn) ? undefined : byValue.get(vn);
      if (a !== undefined) for (const q of a) stateless(q, tt, c);
      if (b !== undefined) for (const q of b) stateless(q, tt, c);
    }
  }
}

/** The index value of a row (a tuple for a composite index). */
export function indexValueOf(columns: readonly string[], row: AnyRow): unknown {
  return columns.length === 1 ? row[columns[0]!] : columns.map((c) => row[c]);
}

/** A stateless query's verdict on one changed row: member exactly when it matches, before and after. */
export function stateless(
  q: { readonly ct: ClientTable; matches(row: AnyRow): boolean },
  tt: TableTick,
  c: NetChange,
): void {
  const was = c.old !== undefined && q.matches(c.old);
  const is = c.new !== undefined && q.matches(c.new);
  if (was || is) q.ct.transition(tt, c.mk, c.key, was, is, c.new, c);
}
