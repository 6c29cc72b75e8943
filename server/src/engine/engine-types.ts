/**
 * The engine's public vocabulary: where a call came from, lifecycle call names, restore events,
 * call and tick records, the hooks and listeners the engine calls, and its options.
 */
import type { ColumnShape } from '../protocol/column-kinds';
import type { ChangeOp } from './change-set';
import type { Identity } from './identity';
import type { ModuleDef } from './module';

/** Where a call came from. */
export const CALL_ORIGIN = { CLIENT: 0, SCHEDULE: 1, LIFECYCLE: 2 } as const;
/** One of {@link CALL_ORIGIN}. */
export type CallOrigin = (typeof CALL_ORIGIN)[keyof typeof CALL_ORIGIN];

/** Names under which lifecycle calls are logged. */
export const LIFECYCLE = {
  INIT: '__init',
  CONNECTED: '__connected',
  DISCONNECTED: '__disconnected',
  STARTED: '__started',
} as const;

/** Why the live tables were replaced wholesale (see {@link Engine.onRestore}). */
export const RESTORE_REASON = { RECOVERY: 'recovery', REWIND: 'rewind' } as const;
/** One of {@link RESTORE_REASON}. */
export type RestoreReason = (typeof RESTORE_REASON)[keyof typeof RESTORE_REASON];

/** A restore of the live tables: recovery at open, or a rewind committed in tick `tick`. */
export interface RestoreEvent {
  readonly reason: RestoreReason;
  /** The tick whose state the tables now hold (a rewind's target). */
  readonly stateOfTick: number;
  /** The engine's tick once the restore is done (a rewind's own tick). */
  readonly tick: number;
}

/** A restore listener: subscriptions resynchronise every client here. */
export type RestoreListener = (event: RestoreEvent) => void;

/**
 * A fault that stops the tick loop for good: a commit hook threw (the commit log could not be
 * written) or a commit's durability promise rejected. Later ticks would be written after a gap,
 * so the engine runs none; the embedding server decides how to stop.
 */
export type FatalListener = (error: unknown) => void;

/** The outcome of one reducer call. */
export type CallResult =
  | {
      readonly ok: true;
      /** What the reducer returned, when it declares `returns` (checked and normalised). */
      readonly value?: unknown;
      /** The declared return shape, when it declares one: how the value is logged and sent. */
      readonly returns?: ColumnShape | undefined;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** One call as run in a tick: enough to log it and to replay it. */
export interface CallRecord {
  readonly origin: CallOrigin;
  readonly reducer: string;
  readonly sender: Identity;
  /** Validated arguments in canonical column order. */
  readonly args: Record<string, unknown>;
  readonly result: CallResult;
  /** For scheduled calls: the schedule row id. */
  readonly scheduleId: number;
}

/** Everything one tick did: handed to commit hooks (the log) and fan-out hooks (subscriptions). */
export interface TickRecord {
  readonly tick: number;
  /** Logical time in ms. */
  readonly now: number;
  readonly calls: readonly CallRecord[];
  /** Row changes in the order they happened; each names its call by index. */
  readonly changes: readonly ChangeOp[];
  /** State hash after the tick (16 hex characters). */
  readonly stateHash: string;
  /** Wall-clock time spent running the tick's calls, ms. */
  readonly durationMs: number;
}

/** A commit hook: the commit log appends here. A returned promise delays fan-out until it settles. */
export type CommitHook = (record: TickRecord) => void | Promise<void>;
/** A fan-out hook: subscriptions deliver here, after every commit hook of the tick has settled. */
export type FanoutHook = (record: TickRecord) => void;

/** Minimal logger interface. */
export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
}

/** Options for {@link createEngine}. */
export interface EngineOptions<M extends ModuleDef> {
  readonly module: M;
  /** World seed: feeds every reducer's `ctx.rng`. @default 'tickspace' */
  readonly seed?: string;
  /** Tick period. @default 50 (20 Hz) */
  readonly tickMs?: number;
  /** Receives server faults (reducer throws that are not ReducerError). @default console */
  readonly logger?: Logger;
  /** Queued calls beyond this are refused with RATE_LIMITED rather than growing memory without bound. @default 1_000_000 */
  readonly maxQueuedCalls?: number;
  /**
   * CPU budget of a call, ms, enforced per tick: the tick's calls run in one timed window that is
   * renewed between calls once half spent, so a call that runs for about the budget (a
   * `while (true) {}`) is aborted by V8 wherever it is, fails with BUDGET_EXCEEDED (logged as its
   * outcome, so replay reproduces it without timing anything) and its writes roll back; the tick's
   * other calls commit. A long tick of quick calls is never cut. `__init` runs under
   * `initBudgetMs` instead; `__publish` runs outside both. An abort that lands inside a table write is repaired exactly first (the
   * write is undone, the table's indexes rebuilt), then the call rolls back the same way. Undefined: no budget and no timed run.
   * @default undefined
   */
  readonly tickBudgetMs?: number;
  /**
   * CPU budget of the module's init (the first tick's `__init` call), ms: an init that runs past it
   * is stopped by V8 and fails with BUDGET_EXCEEDED, its writes rolled back (logged as its outcome,
   * so replay reproduces it), and the world goes on ticking without them. Separate from
   * `tickBudgetMs` because an init legitimately does more than a call (a map, content tables).
   * @default 10_000 when `tickBudgetMs` is set, else no budget
   */
  readonly initBudgetMs?: number;
  /**
   * CPU budget of a published version's warm hook (see `defineModule`'s `warm`), ms: a hook that
   * runs past it is stopped by V8 and the publish is refused with BUDGET_EXCEEDED (the caches it
   * left half-filled belong to a version that never runs). It runs outside every tick, so it
   * delays ticks by as much as it takes: keep it well under a few ticks.
   * @default 2_000 when `tickBudgetMs` is set, else no budget
   */
  readonly warmBudgetMs?: number;
}
