import seedrandom from 'seedrandom';
import type { Engine } from './engine';
import { SERVER_IDENTITY, type Identity } from './identity';
import type { Db, ModuleDef, ReducerContext, ScheduleWhen } from './module';
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
  seed: string;
  #rng: (() => number) | undefined;
  readonly #engine: Engine<ModuleDef>;

  constructor(engine: Engine<ModuleDef>, db: Db<Tables>, seed: string) {
    this.#engine = engine;
    this.db = db;
    this.seed = seed;
  }

  reset(sender: Identity, reducer: string, callIndex: number): void {
    this.sender = sender;
    this.reducer = reducer;
    this.callIndex = callIndex;
    this.#rng = undefined;
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
}
