/** Kinds of row change. */
export const OP = { INSERT: 0, UPDATE: 1, DELETE: 2 } as const;
/** One of {@link OP}. */
export type OpKind = (typeof OP)[keyof typeof OP];

/** A row as stored: column name to value. Rows handed out by the engine must not be mutated. */
export type AnyRow = Readonly<Record<string, unknown>>;

/**
 * One row-level change, in the order it happened within its tick.
 * `oldRow` is set for updates and deletes, `newRow` for inserts and updates.
 */
export interface ChangeOp {
  /** Table id (its position in the module's table list). */
  readonly tableId: number;
  readonly kind: OpKind;
  readonly oldRow: AnyRow | undefined;
  readonly newRow: AnyRow | undefined;
  /** Index of the call within the tick's call list that made this change. */
  readonly callIndex: number;
  /** @internal Dense position of a deleted row, to undo the delete exactly. */
  readonly pos: number;
  /** @internal Auto-increment counter before an insert, to undo it exactly. */
  readonly prevAutoInc: number;
}
