import { TickspaceError } from '../protocol/errors';
import { describeModule, type ReducerDescription, type TableDescription } from './log/schema-manifest';
import type { ModuleDef } from './module';
import type { BoundaryMigration } from './runtime-migration';

/** The system call that records a module version in the log; its payload is {@link PublishPayload}. */
export const PUBLISH_CALL = '__publish';

/** What `__publish` logs: enough for replay to evaluate exactly the code that ran. */
export type PublishPayload = {
  /** SHA-256 of `source`, hex. */
  readonly hash: string;
  /** The bundled module source that was evaluated. */
  readonly source: string;
  /** The argument its factory default export was called with, when it has one (JSON). */
  readonly config?: unknown;
};

/** A module version ready to swap in: the evaluated module and the payload its `__publish` logs. */
export interface ModuleVersion {
  readonly module: ModuleDef;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Set when the version changes the schema: the migration its tick boundary runs. */
  readonly migration?: BoundaryMigration;
}

/** Whether a payload looks like a {@link PublishPayload}. */
export function isPublishPayload(value: unknown): value is PublishPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PublishPayload).hash === 'string' &&
    typeof (value as PublishPayload).source === 'string'
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function tableDifferences(before: readonly TableDescription[], after: readonly TableDescription[]): string[] {
  const out: string[] = [];
  const old = new Map(before.map((t) => [t.name, t]));
  const next = new Map(after.map((t) => [t.name, t]));
  for (const [name, t] of old) {
    const n = next.get(name);
    if (n === undefined) out.push(`table '${name}' removed`);
    else if (!same(t, n)) {
      const cols = (d: TableDescription) => d.columns.map((c) => `${c.name}:${c.kind}`).join(', ');
      const what: string[] = [];
      if (!same(t.columns, n.columns)) what.push(`columns (${cols(t)}) -> (${cols(n)})`);
      if (t.public !== n.public) what.push(`public ${t.public} -> ${n.public}`);
      if (!same(t.primaryKey, n.primaryKey) || !same(t.indexes, n.indexes) || !same(t.spatial, n.spatial))
        what.push('keys or indexes');
      out.push(`table '${name}' changed: ${what.join('; ')}`);
    }
  }
  for (const name of next.keys()) if (!old.has(name)) out.push(`table '${name}' added`);
  if (out.length === 0 && !same([...old.keys()], [...next.keys()]))
    out.push('the tables are in another order');
  return out;
}

function reducerDifferences(
  before: readonly ReducerDescription[],
  after: readonly ReducerDescription[],
): string[] {
  const out: string[] = [];
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const a = before[i];
    const b = after[i];
    if (a === undefined) out.push(`reducer '${b!.name}' added (id ${i})`);
    else if (b === undefined) out.push(`reducer '${a.name}' removed (id ${i})`);
    else if (a.name !== b.name)
      out.push(`reducer id ${i} is '${a.name}', the new module has '${b.name}' there`);
    else if (!same(a.args, b.args)) out.push(`reducer '${a.name}' changed its arguments`);
    else if (a.internal !== b.internal)
      out.push(`reducer '${a.name}' changed internal ${a.internal} -> ${b.internal}`);
  }
  return out;
}

/**
 * Whether `next` may replace `current` in a running engine. THE one place that decides (a schema
 * migration planner takes it over): for now a swap may change reducer bodies and lifecycle hooks
 * only, because the tables, the commit log's codecs and every connected client's codecs stay
 * those of `current`.
 * @throws TickspaceError SCHEMA_MISMATCH listing every differing table and reducer.
 * @example
 * checkModuleSwap(engine.module, v2); // throws when v2 adds a column
 */
export function checkModuleSwap(current: ModuleDef, next: ModuleDef): void {
  const a = describeModule(current);
  const b = describeModule(next);
  const differences = [
    ...tableDifferences(a.tables, b.tables),
    ...reducerDifferences(a.reducers, b.reducers),
  ];
  if (differences.length === 0) return;
  throw new TickspaceError(
    'SCHEMA_MISMATCH',
    `the new module changes the schema, which a publish cannot do yet (schema migrations are not part of a swap): ${differences.join('; ')}. A publish may change reducer bodies and lifecycle hooks; keep tables and reducer signatures as they are`,
    { details: { differences } },
  );
}
