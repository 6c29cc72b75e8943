import { TickspaceError } from '../../protocol/errors';
import { createEngine, type Engine } from '../engine';
import type { ModuleDef } from '../module';
import { columnShapes } from '../schema';
import type { Manifest, SchemaVersionEntry } from './data-dir';
import { createRecordCodec, logSchemaOf, type LogSchema, type RecordCodec } from './record-codec';
import { moduleFromDescription } from './schema-manifest';

export type { SchemaVersionEntry };

/** A schema version compiled for reading and writing the log. */
export interface SchemaVersion extends SchemaVersionEntry {
  /** A module rebuilt from the description (tables only; reducers refuse to run). */
  readonly described: ModuleDef;
  readonly logSchema: LogSchema;
  readonly codec: RecordCodec;
}

/** The versions a manifest lists (a manifest written before migrations existed has one, version 1). */
export function manifestVersions(manifest: Manifest): SchemaVersionEntry[] {
  return manifest.schemaVersions !== undefined && manifest.schemaVersions.length > 0
    ? [...manifest.schemaVersions]
    : [{ version: 1, fromTick: 0, schema: manifest.schema, reshaped: [] }];
}

/**
 * Compiles a schema version for the log: its described module, log schema and record codec. The
 * result depends on the schema and the module only, not on `entry.fromTick`, so a runtime
 * migration compiles it when it is published, outside the tick (see {@link SchemaHistory.push}).
 */
export function compileSchemaVersion(entry: SchemaVersionEntry, module?: ModuleDef): SchemaVersion {
  const described = moduleFromDescription(entry.schema);
  const engine = createEngine({ module: module ?? described }) as unknown as Engine<ModuleDef>;
  const base = logSchemaOf(engine);
  // Arguments decode with the shapes they were logged with, including reducers the module dropped.
  const reducers = new Map(entry.schema.reducers.map((r) => [r.name, r.args]));
  for (const r of (module ?? described).reducers)
    if (!reducers.has(r.name)) reducers.set(r.name, columnShapes(r.args));
  const logSchema: LogSchema = { tables: base.tables, reducers };
  return { ...entry, described, logSchema, codec: createRecordCodec(logSchema) };
}

/**
 * Every schema version of a data directory, compiled once: which codec a tick's record decodes
 * with, which tables a snapshot holds, where `asOf` and recovery cross a migration.
 */
export class SchemaHistory {
  #versions: SchemaVersion[];

  /** @param module the module of the newest version, when the caller has its code */
  constructor(entries: readonly SchemaVersionEntry[], module?: ModuleDef) {
    if (entries.length === 0) throw new RangeError('a schema history needs at least one version');
    this.#versions = [];
    entries.forEach((e, i) => this.push(e, i === entries.length - 1 ? module : undefined));
  }

  /** Every version, oldest first. */
  get versions(): readonly SchemaVersion[] {
    return this.#versions;
  }

  /**
   * Adds the next version (a migration about to be logged at `entry.fromTick`), compiled now unless
   * `compiled` (from {@link compileSchemaVersion} for the same schema and module) is given.
   * @throws TickspaceError BAD_DATA_DIR when it does not follow the newest version
   */
  push(entry: SchemaVersionEntry, module?: ModuleDef, compiled?: SchemaVersion): SchemaVersion {
    const a = this.#versions[this.#versions.length - 1];
    if (a !== undefined && (entry.version !== a.version + 1 || entry.fromTick <= a.fromTick))
      throw new TickspaceError(
        'BAD_DATA_DIR',
        `schema versions are out of order: version ${entry.version} (from tick ${entry.fromTick}) follows version ${a.version} (from tick ${a.fromTick})`,
      );
    // Compiled ahead for this schema (compileSchemaVersion): only the entry's fields are this push's.
    const v = compiled !== undefined ? { ...compiled, ...entry } : compileSchemaVersion(entry, module);
    this.#versions.push(v);
    return v;
  }

  /** Forgets the newest version (a migration whose tick never became durable). */
  pop(): void {
    if (this.#versions.length > 1) this.#versions.pop();
  }

  /** The entries to store in the manifest. */
  entries(): SchemaVersionEntry[] {
    return this.#versions.map((v) => ({
      version: v.version,
      fromTick: v.fromTick,
      schema: v.schema,
      reshaped: v.reshaped,
    }));
  }

  /** The newest version (what new records are written with). */
  get latest(): SchemaVersion {
    return this.#versions[this.#versions.length - 1]!;
  }

  /** The version of tick `tick`'s record and of the state after it. */
  at(tick: number): SchemaVersion {
    const v = this.#versions;
    for (let i = v.length - 1; i > 0; i--) if (v[i]!.fromTick <= tick) return v[i]!;
    return v[0]!;
  }

  /** The version with this number. @throws TickspaceError CORRUPT_LOG when there is none. */
  byNumber(version: number): SchemaVersion {
    const found = this.versions.find((v) => v.version === version);
    if (found === undefined)
      throw new TickspaceError(
        'CORRUPT_LOG',
        `schema version ${version} is not in the manifest (it lists ${this.versions.map((v) => v.version).join(', ')})`,
        { details: { version } },
      );
    return found;
  }

  /** The versions whose migration ticks lie in `from..to` (each one a boundary to cross). */
  boundaries(from: number, to: number): SchemaVersion[] {
    return this.versions.filter((v, i) => i > 0 && v.fromTick >= from && v.fromTick <= to);
  }
}
