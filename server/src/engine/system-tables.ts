import { t, table, type TableDef } from './schema';

/** Name of the system table that stores scheduled reducer calls (private, survives restarts). */
export const SCHEDULE_TABLE = '__schedule';

/**
 * Scheduled calls: due at `dueTick` (the first tick whose logical time reaches `atMs`);
 * `everyMs > 0` repeats from `atMs`, so a late tick never makes the schedule drift.
 */
export const scheduleTable: TableDef = table(
  { public: false },
  {
    id: t.u32().primaryKey().autoInc(),
    reducer: t.string(),
    args: t.string(),
    atMs: t.f64(),
    everyMs: t.f64(),
    dueTick: t.u32().index('btree'),
  },
);
