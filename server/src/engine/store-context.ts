import type { ChangeOp } from './change-set';
import type { TableStore } from './table-store';
import type { WriteInProgress } from './write-in-progress';

/** Shared by every table of one engine: the running state hash and the open transaction. */
export interface StoreContext {
  /** State hash: two 32-bit lanes, each the sum mod 2^32 of every row's lane hash. */
  readonly hash: Uint32Array;
  /** The open transaction's change list, or null outside a reducer call. */
  tx: ChangeOp[] | null;
  /** The running call's index within the tick. */
  callIndex: number;
  /**
   * The table write in progress (rollbacks included): after V8 stopped a tick on its CPU budget, a
   * `table` other than -1 means the stop landed inside that write, which repairWrite undoes exactly.
   */
  readonly write: WriteInProgress;
  /** Every table by name, for a table's `writeGuard` (set by the engine, replaced by a runtime migration). */
  tables: Readonly<Record<string, TableStore>>;
}
