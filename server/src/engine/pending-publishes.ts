import { TickspaceError } from '../protocol/errors';
import { CALL_ORIGIN, type CallResult } from './engine-types';
import { SERVER_IDENTITY } from './identity';
import { noop } from './lifecycle';
import type { ModuleDef } from './module';
import { checkModuleSwap, PUBLISH_CALL, type ModuleVersion } from './module-swap';
import { QueuedCall } from './queued-call';
import { MIGRATE_CALL, type PreparedBoundaryMigration } from './runtime-migration';

/** What a publish changes at its tick boundary: the engine's module and tables, and the calls it runs. */
export interface SwapBoundary {
  /** The module running now (a swap earlier at the same boundary replaced it). */
  current(): ModuleDef;
  /** A runtime migration's new tables, carrying the rows of those not `reshaped`. */
  replaceTables(module: ModuleDef, reshaped: readonly string[]): void;
  /** Runs `module` from now on, queued calls included. */
  swapIn(module: ModuleDef): void;
  /** Runs one boundary call (`__publish`, `__migrate`) as a transaction of the tick. */
  run(call: QueuedCall): void;
}

/** Module versions published and waiting for the next tick boundary, in order. */
export class PendingPublishes {
  #pending: { version: ModuleVersion; onResult: ((r: CallResult) => void) | undefined }[] = [];

  /** How many publishes wait. */
  get length(): number {
    return this.#pending.length;
  }

  /**
   * Queues a version, checked now against the last one queued (else `running`): a failure throws
   * and queues nothing.
   * @throws TickspaceError SCHEMA_MISMATCH listing what differs, INVALID_SCHEMA
   */
  add(version: ModuleVersion, onResult: ((r: CallResult) => void) | undefined, running: ModuleDef): void {
    const last = this.#pending[this.#pending.length - 1]?.version.module ?? running;
    // A schema change is the migration's to check, at the boundary, against that tick's state.
    if (version.migration === undefined) checkModuleSwap(last, version.module);
    this.#pending.push({ version, onResult });
  }

  /** Swaps in the publishes waiting for this tick boundary, each logged as `__publish`. */
  apply(boundary: SwapBoundary): void {
    const swaps = this.#pending;
    this.#pending = [];
    for (const { version, onResult } of swaps) {
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
      if (migration !== undefined) boundary.replaceTables(version.module, migration.reshaped);
      boundary.swapIn(version.module);
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
