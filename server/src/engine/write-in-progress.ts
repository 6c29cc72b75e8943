import type { AnyRow, ChangeOp } from './change-set';

/**
 * The table write in progress, recorded before the write mutates anything, so that a CPU-budget
 * abort (V8 terminates the tick wherever it is, skipping every `finally`) that lands inside a write
 * can be repaired exactly: the table's dense rows return to what they were before the write (a
 * write touches at most the position it writes and the last one), its derived structures (key map,
 * indexes, spatial grid, hash lanes) are rebuilt from those rows, and the state hash and the change
 * list return to their recorded values. `table` is set last when a write begins and reset when it
 * ends, so a stop before or after a write finds -1 and nothing to repair.
 */
export interface WriteInProgress {
  /** Id of the table being written, or -1 outside a write. */
  table: number;
  /** Row count before the write. */
  len: number;
  /** The position the write targets (-1 for an append). */
  pos: number;
  /** The row at `pos` before the write (undefined at or past the end). */
  atPos: AnyRow | undefined;
  /** The last row before the write (a swap-remove moves it). */
  last: AnyRow | undefined;
  /** The table's auto-increment counter before the write. */
  autoInc: number;
  /** The state hash lanes before the write. */
  h0: number;
  h1: number;
  /** The change list's length before the write (an undo: before its entry is popped). */
  txLen: number;
  /** The change-list entry of the write (pushed before the mutation; an undo pops it after). */
  op: ChangeOp | undefined;
  /** Whether the write undoes `op` (rollback) rather than applying it. */
  undoing: boolean;
}

/** A record with no write in progress. */
export function noWriteInProgress(): WriteInProgress {
  return {
    table: -1,
    len: 0,
    pos: -1,
    atPos: undefined,
    last: undefined,
    autoInc: 0,
    h0: 0,
    h1: 0,
    txLen: 0,
    op: undefined,
    undoing: false,
  };
}
