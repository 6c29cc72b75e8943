import { TickspaceError } from '../protocol/errors';
import { CALL_ORIGIN, type CallResult } from './engine-types';
import { SERVER_IDENTITY } from './identity';
import { noop } from './lifecycle';
import type { ModuleDef } from './module';
import { checkModuleSwap, PUBLISH_CALL, type ModuleVersion } from './module-swap';
import {
  prepareSwap,
  wireAfter,
  type CompiledReducers,
  type PreparedSwap,
  type PreparedTables,
} from './prepared-swap';
import { QueuedCall } from './queued-call';
import { MIGRATE_CALL, type PreparedBoundaryMigration } from './runtime-migration';
import type { StoreContext } from './store-context';
import type { WireSchema } from '../protocol/wire-schema';

/** What a publish changes at its tick boundary: the engine's module and tables, and the calls it runs. */
export interface SwapBoundary {
  /** The module running now (a swap earlier at the same boundary replaced it). */
  current(): ModuleDef;
  /** A runtime migration's new tables (those `prepared` ahead where they fit), carrying the rows of those not `reshaped`. */
  replaceTables(module: ModuleDef, reshaped: readonly string[], prepared: PreparedTables | undefined): void;
  /** Runs `module` from now on, queued calls included, with `reducers` when they fit the running wire. */
  swapIn(module: ModuleDef, reducers: CompiledReducers | undefined): void;
  /** Runs one boundary call (`__publish`, `__migrate`) as a transaction of the tick. */
  run(call: QueuedCall): void;
}

/** Module versions published and waiting for the next tick boundary, in order. */
export class PendingPublishes {
  #pending: {
    version: ModuleVersion;
    onResult: ((r: CallResult) => void) | undefined;
    prepared: PreparedSwap;
    /** The wire the next publish compiles against: this one's when its migration happens. */
    wire: WireSchema;
  }[] = [];

  /** How many publishes wait. */
  get length(): number {
    return this.#pending.length;
  }

  /**
   * Queues a version, checked now against the last one queued (else `running`), compiled ahead
   * (see {@link prepareSwap}) and, when it is the first for its boundary, warmed (`warm`, with the
   * tables its migration reshapes): a failure throws and queues nothing.
   * @throws TickspaceError SCHEMA_MISMATCH listing what differs, INVALID_SCHEMA, and what `warm` throws
   */
  add(
    version: ModuleVersion,
    onResult: ((r: CallResult) => void) | undefined,
    running: { readonly module: ModuleDef; readonly wire: WireSchema },
    store: StoreContext,
    warm: (reshaped: readonly string[]) => void,
  ): void {
    const last = this.#pending[this.#pending.length - 1];
    // A schema change is the migration's to check, at the boundary, against that tick's state.
    if (version.migration === undefined)
      checkModuleSwap(last?.version.module ?? running.module, version.module);
    const base = last?.wire ?? running.wire;
    const prepared = prepareSwap(version.module, version.migration !== undefined, base, store);
    // A later publish for the same boundary starts from tables an earlier one may change: what it
    // read now could be stale by then, so only the first is warmed.
    if (last === undefined) warm(version.migration?.reshaped ?? []);
    this.#pending.push({ version, onResult, prepared, wire: wireAfter(prepared, base) });
  }

  /** Swaps in the publishes waiting for this tick boundary, each logged as `__publish`. */
  apply(boundary: SwapBoundary): void {
    const swaps = this.#pending;
    this.#pending = [];
    for (const { version, onResult, prepared } of swaps) {
      let migration: PreparedBoundaryMigration | undefined;
      if (version.migration !== undefined)
        try {
          migration = version.migration.prepare();
          if (migration === undefined) checkModuleSwap(boundary.current(), version.module);
        } catch (error) {
          // Refused before anything changed: the old module and tables keep running.
          const e =
            error instanceof TickspaceError ? error : new TickspaceError('MIGRATION_FAILED', String(error));
          onResult?.({ ok: false, code: e.code, message: e.message });
          continue;
        }
      if (migration !== undefined)
        boundary.replaceTables(version.module, migration.reshaped, prepared.tables);
      const tables = migration === undefined ? undefined : prepared.tables;
      boundary.swapIn(
        version.module,
        tables === undefined
          ? prepared.reducers
          : { wire: tables.schema.wire, table: tables.schema.reducers },
      );
      const call = new QueuedCall(
        CALL_ORIGIN.LIFECYCLE,
        PUBLISH_CALL,
        noop,
        SERVER_IDENTITY,
        version.payload,
        onResult,
      );
      boundary.run(call);
      if (migration !== undefined) {
        const m = migration;
        const body = () => m.insert();
        boundary.run(
          new QueuedCall(CALL_ORIGIN.LIFECYCLE, MIGRATE_CALL, body, SERVER_IDENTITY, m.payload, undefined),
        );
      }
    }
  }
}
