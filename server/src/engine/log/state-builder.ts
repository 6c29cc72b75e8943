import { TickspaceError } from '../../protocol/errors';
import { OP, type AnyRow } from '../change-set';
import { mapKey } from '../values';
import { carryTables } from '../migration/apply';
import type { LogSchema, LoggedTick } from './record-codec';
import type { SchemaHistory, SchemaVersion } from './schema-versions';
import type { SnapshotState } from './snapshot-file';

interface TableModel {
  readonly name: string;
  readonly single: string | undefined;
  readonly pk: readonly string[];
  readonly autoIncColumn: string | undefined;
  readonly rows: AnyRow[];
  readonly pos: Map<unknown, number>;
  autoInc: number;
}

/**
 * Fast-forwards a snapshot through logged changes without an engine: each table is just its dense
 * row array and a key-to-position map, updated exactly as a table store updates them (append on
 * insert, in place on update, swap-remove on delete), so the final row order is the live order.
 * Indexes, spatial grids and the state hash are then built once by `engine.restore` instead of
 * once per change, which is what makes recovery and `asOf` over long logs fast. The caller checks
 * the restored state hash against the log.
 */
export class StateBuilder {
  #tables: TableModel[];
  #tick: number;
  readonly #history: SchemaHistory | undefined;
  #version: SchemaVersion | undefined;

  /**
   * Starts from `base` (rows are shared, never mutated; the arrays are copied). Given a schema
   * history, `apply` crosses migrations: a record of a newer version first carries the state into
   * that version's tables (see `carryTables`), exactly as the live engine did.
   */
  constructor(schema: LogSchema | SchemaHistory, base: SnapshotState) {
    if ('versions' in schema) {
      this.#history = schema;
      this.#version = schema.at(base.tick);
      this.#tables = modelsOf(this.#version.logSchema, base.tables);
    } else {
      this.#history = undefined;
      this.#version = undefined;
      this.#tables = modelsOf(schema, base.tables);
    }
    this.#tick = base.tick;
  }

  /** The schema version the state is in (undefined when built from a single schema). */
  get version(): SchemaVersion | undefined {
    return this.#version;
  }

  /** The tick the builder stands at. */
  get tick(): number {
    return this.#tick;
  }

  /**
   * Applies one logged tick's changes.
   * @throws TickspaceError CORRUPT_LOG when a change does not fit the state (an update or delete of
   * a missing row, an insert of an existing key): the log and the state it started from disagree.
   */
  apply(rec: LoggedTick): void {
    if (this.#history !== undefined) {
      const v = this.#history.at(rec.tick);
      if (v !== this.#version) {
        const carried = carryTables(
          this.#tables.map((t) => ({ name: t.name, autoInc: t.autoInc, rows: t.rows })),
          v.logSchema.tables.map((t) => t.name),
          v.reshaped,
        );
        this.#tables = modelsOf(v.logSchema, carried);
        this.#version = v;
      }
    }
    const changes = rec.changes;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      const t = this.#tables[c.tableId]!;
      if (c.kind === OP.INSERT) {
        const row = c.newRow!;
        const k = keyOf(t, row);
        if (t.pos.has(k)) throw misfit(rec.tick, i, t, 'inserts a key that already exists', row);
        t.pos.set(k, t.rows.length);
        t.rows.push(row);
        if (t.autoIncColumn !== undefined) {
          const v = row[t.autoIncColumn] as number;
          if (v >= t.autoInc) t.autoInc = v + 1;
        }
      } else if (c.kind === OP.UPDATE) {
        const row = c.newRow!;
        const at = t.pos.get(keyOf(t, row));
        if (at === undefined) throw misfit(rec.tick, i, t, 'updates a row that does not exist', row);
        t.rows[at] = row;
      } else {
        const k = keyOf(t, c.oldRow!);
        const at = t.pos.get(k);
        if (at === undefined) throw misfit(rec.tick, i, t, 'deletes a row that does not exist', c.oldRow!);
        const last = t.rows.pop()!;
        if (at < t.rows.length) {
          t.rows[at] = last;
          t.pos.set(keyOf(t, last), at);
        }
        t.pos.delete(k);
      }
    }
    this.#tick = rec.tick;
  }

  /** The state reached, as a snapshot-shaped value (the row arrays are the builder's own). */
  state(stateHash: string): SnapshotState {
    return {
      tick: this.#tick,
      stateHash,
      tables: this.#tables.map((t) => ({ name: t.name, autoInc: t.autoInc, rows: t.rows })),
    };
  }
}

function modelsOf(
  schema: LogSchema,
  tables: readonly { name: string; autoInc: number; rows: readonly AnyRow[] }[],
): TableModel[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  return schema.tables.map((shape) => {
    const from = byName.get(shape.name);
    const rows = from === undefined ? [] : from.rows.slice();
    const single = shape.primaryKey.length === 1 ? shape.primaryKey[0]! : undefined;
    const pos = new Map<unknown, number>();
    const model: TableModel = {
      name: shape.name,
      single,
      pk: shape.primaryKey,
      autoIncColumn: shape.autoIncColumn,
      rows,
      pos,
      autoInc: from?.autoInc ?? 1,
    };
    for (let i = 0; i < rows.length; i++) pos.set(keyOf(model, rows[i]!), i);
    return model;
  });
}

function keyOf(t: TableModel, row: AnyRow): unknown {
  if (t.single !== undefined) return mapKey(row[t.single]);
  return mapKey(t.pk.map((n) => row[n]));
}

function misfit(tick: number, index: number, t: TableModel, what: string, row: AnyRow): TickspaceError {
  const key = t.pk.map((n) => String(row[n])).join(', ');
  return new TickspaceError(
    'CORRUPT_LOG',
    `the log does not fit its own history: tick ${tick} change ${index} ${what} in table '${t.name}' (key ${key})`,
    {
      details: { tick, change: index, table: t.name },
    },
  );
}
