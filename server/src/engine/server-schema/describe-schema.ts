import type { IndexDescriptor, SchemaDescriptor, TableDescriptor } from '../../protocol/schema-descriptor';
import type { ReducerDef } from '../module';
import { columnShapes } from '../schema';
import type { TableStore } from '../table-store';

function describeIndexes(store: TableStore): IndexDescriptor[] {
  const names = store.columnNames;
  const out: IndexDescriptor[] = [];
  // Same order as the table store builds them: column flags first, then declared indexes.
  for (let i = 0; i < names.length; i++) {
    const f = store.columns[i]!.flags;
    if (f.unique || f.index !== undefined)
      out.push({ name: names[i]!, kind: f.index ?? 'hash', columns: [i], unique: f.unique });
  }
  for (const decl of store.def.options.indexes ?? [])
    out.push({
      name: decl.name,
      kind: decl.kind ?? 'btree',
      columns: decl.columns.map((c) => names.indexOf(c)),
      unique: decl.unique ?? false,
    });
  return out;
}

/** The client's view of one table store. */
function describeTable(store: TableStore): TableDescriptor {
  const sp = store.def.options.spatial;
  return {
    id: store.id,
    name: store.name,
    columns: columnShapes(store.def.columns),
    primaryKey: store.pkColumns,
    spatial:
      sp === undefined
        ? undefined
        : { x: store.columnNames.indexOf(sp.x), y: store.columnNames.indexOf(sp.y), cellSize: sp.cellSize },
    indexes: describeIndexes(store),
    hasVisibility: store.def.options.visibility !== undefined,
  };
}

/** What a descriptor is made from: the engine's table stores (ids are their positions) and the module's reducers. */
export interface SchemaSource {
  readonly tableList: readonly TableStore[];
  readonly module: { readonly reducers: readonly ReducerDef[] };
}

/**
 * The schema descriptor a client receives on connect: public tables only (private tables never
 * leave the server, not even their names) and the reducers clients may call (internal ones are
 * left out; ids stay their positions in the module's reducer list).
 *
 * @example
 * const descriptor = describeSchema(engine);
 * descriptor.reducers.map((r) => r.name); // -> ['open', 'transfer', ...]
 */
export function describeSchema(engine: SchemaSource): SchemaDescriptor {
  return {
    tables: engine.tableList.filter((s) => s.def.options.public === true).map(describeTable),
    reducers: engine.module.reducers.flatMap((r, id) =>
      r.options.internal === true ? [] : [{ id, name: r.name, args: columnShapes(r.args) }],
    ),
  };
}
