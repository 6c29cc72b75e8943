import { t, table } from '../engine';

/**
 * The ghost kit's table, to spread into a module's schema next to {@link handoffTables}:
 * `createSchema({ ...myTables, ...handoffTables(), ...ghostTables() })`. Private: a client sees a
 * ghost as the mirrored row itself, under the owner's id, never this bookkeeping.
 */
export function ghostTables() {
  return {
    /**
     * The rows of the mirrored table that are ghosts here: read-only copies of rows another region
     * owns, kept by `ghost_apply` from that region's messages. `seenTick` is this region's tick
     * when the owner last spoke of the row (stale ghosts are dropped); `pending` marks a ghost
     * whose owner has not spoken of it yet (a player just handed over, or moved on by the region
     * that held it): a keyframe that leaves it out does not drop it, only staleness does.
     */
    ts_ghost: table(
      { public: false, indexes: [{ name: 'by_owner', columns: ['owner'], kind: 'hash' }] },
      {
        entity: t.string().primaryKey(),
        owner: t.string(),
        seenTick: t.u32(),
        pending: t.bool(),
      },
    ),
  };
}

/** The ghost kit's table as a module declares it. */
export type GhostTables = ReturnType<typeof ghostTables>;

/** A `ts_ghost` row. */
export interface GhostRow {
  readonly entity: string;
  readonly owner: string;
  readonly seenTick: number;
  readonly pending: boolean;
}
