import type { Engine, ModuleDef, TableStore } from '../../engine';
import type { LoggedTick } from '../../engine/tooling';
import type { SessionHub } from '../session-hub';
import type { ConsoleLimits } from './console-limits';

/** One version of a row as the commit log tells it (see `Database.history`). */
export interface ConsoleRowVersion {
  readonly tick: number;
  readonly now: number;
  readonly kind: 'insert' | 'update' | 'delete' | 'snapshot';
  readonly row: Readonly<Record<string, unknown>> | undefined;
  readonly call:
    | { readonly index: number; readonly reducer: string; readonly origin: number; readonly sender: string }
    | undefined;
}

/**
 * What the admin console reads from a world's commit log: a `Database` is one (see
 * {@link databaseAdmin}). Without it the console shows the live tables, sessions and metrics, and
 * the history routes answer 501 NOT_IMPLEMENTED.
 */
export interface ConsoleHistory {
  /** The retained range: `firstTick` is the oldest tick whose state can be rebuilt. */
  readonly store: { readonly firstTick: number; readonly lastTick: number };
  asOf(
    tick: number,
  ): Promise<{ readonly tick: number; readonly tables: Readonly<Record<string, TableStore>> }>;
  ticks(from: number, to: number, options?: { calls?: boolean; changes?: boolean }): Iterable<LoggedTick>;
  history(table: string, key: unknown, options?: { from?: number }): Promise<readonly ConsoleRowVersion[]>;
}

/** What every console route works with. */
export interface ConsoleContext {
  readonly hub: SessionHub;
  readonly engine: Engine<ModuleDef>;
  readonly history: ConsoleHistory | undefined;
  readonly limits: ConsoleLimits;
}
