import seedrandom from 'seedrandom';
import type { Engine } from './engine';
import { SERVER_IDENTITY, type Identity } from './identity';
import type { Db, ModuleDef, ReducerContext, ScheduledCall, ScheduleWhen } from './module';
import type { Tables } from './schema';
import { SCHEDULE_TABLE } from './system-tables';

/** Reused for every call: one object, fields reset per call. */
export class Context implements ReducerContext<Tables> {
  db: Db<Tables>;
  sender: Identity = SERVER_IDENTITY;
  tick = 0;
  now = 0;
  reducer = '';
  callIndex = 0;
  tickMs: number;
  scheduled: ScheduledCall | undefined = undefined;
  /** The one object `scheduled` points at for a scheduled call: no allocation per call. */
  readonly #scheduledRow: { id: number; everyMs: number } = { id: 0, everyMs: 0 };
  seed: string;
  #rng: (() => number) | undefined;
  readonly #engine: Engine<ModuleDef>;

  constructor(engine: Engine<ModuleDef>, db: Db<Tables>, seed: string, tickMs: number) {
    this.#engine = engine;
    this.tickMs = tickMs;
    this.db = db;
    this.seed = seed;
  }

  reset(sender: Identity, reducer: string, callIndex: number): void {
    this.sender = sender;
    this.reducer = reducer;
    this.callIndex = callIndex;
    this.scheduled = undefined;
    this.#rng = undefined;
  }

  /** Marks the call being set up as run by schedule `id` with period `everyMs`. */
  setScheduled(id: number, everyMs: number): void {
    this.#scheduledRow.id = id;
    this.#scheduledRow.everyMs = everyMs;
    this.scheduled = this.#scheduledRow;
  }

  get rng(): () => number {
    // Built lazily: most calls never draw a number, and seeding costs more than the call.
    return (this.#rng ??= seedrandom.alea(`${this.seed}/${this.tick}/${this.callIndex}`));
  }

  schedule(reducer: string, args: Record<string, unknown>, when: ScheduleWhen): number {
    return this.#engine.scheduleCall(reducer, args, when);
  }

  cancelSchedule(id: number): boolean {
    return this.#engine.tables[SCHEDULE_TABLE]!.delete(id);
  }

  schedulesOf(reducer: string): ScheduledCall[] {
    const out: ScheduledCall[] = [];
    const rows = this.#engine.tables[SCHEDULE_TABLE]!.rowsView();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.reducer === reducer) out.push({ id: row.id as number, everyMs: row.everyMs as number });
    }
    // The store's order follows its removals (swap-remove), not the ids: sorted, so what a hook
    // does with them is the same in a replay that rebuilt the table from a snapshot.
    return out.sort((a, b) => a.id - b.id);
  }
}
