import type { SchemaDescriptor } from '../../protocol/schema-descriptor';
import { compileWireSchema, type WireSchema } from '../../protocol/wire-schema';
import { describeSchema, type SchemaSource } from './describe-schema';
import type { ReducerDef } from '../module';
import { compileReducerTable, type ReducerTable } from './reducer-table';

/**
 * Everything one module version exposes, compiled once: the descriptor clients receive, the wire
 * codecs of its public tables and reducers, and the reducer table every call resolves through.
 *
 * Immutable and versioned: a new module version compiles a new one (version + 1) instead of
 * changing this one, so a session, a subscription engine or a queued call can tell which version
 * it holds by identity and by `version`. Whoever swaps versions hands the new schema to the
 * engine, the sessions and the subscriptions at one tick boundary.
 */
export interface ServerSchema {
  /** 1 for the module a server starts with; each later module version counts up. */
  readonly version: number;
  /** What clients receive in IDENTITY: public tables and callable reducers only. */
  readonly descriptor: SchemaDescriptor;
  /** The descriptor's codecs (the same object the SDK compiles on its side). */
  readonly wire: WireSchema;
  /** Every reducer, internal ones included, by wire id and by name. */
  readonly reducers: ReducerTable;
}

/**
 * Compiles a module version's schema: describe, compile the wire codecs, then the reducer table
 * on top of them (callable reducers share the wire's codec and validator).
 * @throws TickspaceError INVALID_SCHEMA for a duplicated or reserved reducer name.
 * @example
 * const schema = compileServerSchema(engine);
 * schema.reducers.byId(0)!.name; // -> 'transfer'
 */
export function compileServerSchema(source: SchemaSource, version = 1): ServerSchema {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`a schema version is an integer >= 1, got ${version}`);
  const descriptor = describeSchema(source);
  const wire = compileWireSchema(descriptor);
  return Object.freeze({
    version,
    descriptor,
    wire,
    reducers: compileReducerTable(source.module.reducers, wire),
  });
}

/**
 * The schema of a module version that changes reducer bodies only: the same descriptor and wire
 * codecs (object identity, so sessions and subscriptions holding them keep working), a new reducer
 * table, version + 1.
 * @throws TickspaceError INVALID_SCHEMA when a callable reducer is not where the wire has it.
 */
export function recompileReducers(current: ServerSchema, reducers: readonly ReducerDef[]): ServerSchema {
  return withReducers(current, compileReducerTable(reducers, current.wire));
}

/**
 * {@link recompileReducers} with a reducer table compiled ahead (when a publish was accepted) on
 * `current.wire`: version + 1, same descriptor and wire.
 * @example
 * const next = withReducers(engine.schema, compileReducerTable(v2.reducers, engine.schema.wire));
 */
export function withReducers(current: ServerSchema, reducers: ReducerTable): ServerSchema {
  return Object.freeze({
    version: current.version + 1,
    descriptor: current.descriptor,
    wire: current.wire,
    reducers,
  });
}

/**
 * A schema compiled ahead (see {@link compileServerSchema}) under the version it takes at its
 * boundary: the same descriptor, wire and reducers.
 * @throws RangeError for a version that is not an integer >= 1
 */
export function atVersion(schema: ServerSchema, version: number): ServerSchema {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`a schema version is an integer >= 1, got ${version}`);
  return Object.freeze({ ...schema, version });
}
