import { CALLER_FAULT_CODES, ReducerError, TickspaceError } from '../protocol/errors';
import { decodeArgsJson, encodeArgsJson } from './args';
import type { AnyRow, ChangeOp } from './change-set';
import { SERVER_IDENTITY, type Identity } from './identity';
import { TickMetrics } from './metrics';
import type { Db, ModuleDef, ReadonlyDb, ReducerContext, ReducerDef, ScheduleWhen } from './module';
import { checkModuleSwap, PUBLISH_CALL, type ModuleVersion } from './module-swap';
import { OK, QueuedCall } from './queued-call';
import { Context } from './reducer-context';
import { refuseThenable } from './refuse-thenable';
import { TickBudget } from './sandbox/tick-budget';
import { noWriteInProgress } from './write-in-progress';
import { compileServerSchema, recompileReducers, type ReducerFn, type ServerSchema } from './server-schema';
import type { Tables } from './schema';
import {
  buildTableStores,
  carryStores,
  MIGRATE_CALL,
  type PreparedBoundaryMigration,
} from './runtime-migration';
import { SCHEDULE_TABLE } from './system-tables';
import type { TableStore, StoreContext } from './table-store';

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
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

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
   * other calls commit. A long tick of quick calls is never cut. `__init` and `__publish` run
   * outside it. An abort that lands inside a table write is repaired exactly first (the
   * write is undone, the table's indexes rebuilt), then the call rolls back the same way. Undefined: no budget and no timed run.
   * @default undefined
   */
  readonly tickBudgetMs?: number;
}

/**
 * The engine: a module's tables in memory, the reducer call queue and the tick loop.
 * One tick = queued calls in arrival order, then due scheduled calls, then commit hooks, then
 * (once every commit hook has settled) fan-out hooks and call results.
 */
export class Engine<M extends ModuleDef> {
  readonly seed: string;
  readonly tickMs: number;
  #tables: Readonly<Record<string, TableStore>>;
  #tableList: readonly TableStore[];
  /** Tick duration and call metrics. */
  readonly metrics = new TickMetrics();
  readonly #store: StoreContext = {
    hash: new Uint32Array(2),
    tx: null,
    callIndex: 0,
    write: noWriteInProgress(),
  };
  #writeRepairs = 0;
  /** The module version running: replaced by a publish, at a tick boundary. */
  #module: M;
  readonly #budget: TickBudget | undefined;
  /** Publishes waiting for the next tick boundary, in order. */
  #pendingSwaps: { version: ModuleVersion; onResult: ((r: CallResult) => void) | undefined }[] = [];
  /** Calls of the next tick whose logged outcome was a budget abort (replay): call index -> message. */
  #reproduceAborts: ReadonlyMap<number, string> | undefined;
  /** Progress of the running tick, in fields: a budget abort unwinds the stack without a catch. */
  #cursor = 0;
  #failed = 0;
  #inFlight: QueuedCall | undefined;
  #inFlightMark = 0;
  /** When the running budget window should be renewed at the next check between calls. */
  #renewAt = Infinity;
  #renewing = false;
  /** The module compiled once: descriptor, wire codecs and the reducer table every call resolves through. */
  #schema: ServerSchema;
  #ctx: Context;
  readonly #logger: Logger;
  readonly #maxQueued: number;
  #queue: QueuedCall[] = [];
  #tick = 0;
  #initialized = false;
  /** The `__init` payload a replay queued (enqueueRecorded), used instead of asking the module. */
  #recordedInitData: Readonly<Record<string, unknown>> | undefined;
  #commitHooks: CommitHook[] = [];
  #fanoutHooks: FanoutHook[] = [];
  #pending: Promise<void> = Promise.resolve();
  #pendingCount = 0;
  #tickWaiters: ((record: TickRecord) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #nextDueAt = 0;
  #inTick = false;
  #fatal: unknown = undefined;
  #fatalListeners: FatalListener[] = [];
  #restoreListeners: RestoreListener[] = [];
  #schemaListeners: ((schema: ServerSchema, reshaped: readonly string[]) => void)[] = [];

  constructor(options: EngineOptions<M>) {
    this.#module = options.module;
    this.#budget = options.tickBudgetMs === undefined ? undefined : new TickBudget(options.tickBudgetMs);
    this.seed = options.seed ?? 'tickspace';
    this.tickMs = options.tickMs ?? 50;
    if (!(this.tickMs > 0)) throw new RangeError(`tickMs must be > 0, got ${this.tickMs}`);
    this.#logger = options.logger ?? console;
    this.#maxQueued = options.maxQueuedCalls ?? 1_000_000;
    this.#tableList = buildTableStores(options.module, this.#store);
    this.#tables = Object.fromEntries(this.#tableList.map((s) => [s.name, s]));
    this.#schema = compileServerSchema(this);
    this.#ctx = new Context(this as unknown as Engine<ModuleDef>, this.#tables as Db<Tables>, this.seed);
  }

  /** Every table store by name, module tables first, then system tables (a runtime migration replaces them). */
  get tables(): Readonly<Record<string, TableStore>> {
    return this.#tables;
  }

  /** Table stores by id. */
  get tableList(): readonly TableStore[] {
    return this.#tableList;
  }

  /** The module version running (a publish replaces it at a tick boundary). */
  get module(): M {
    return this.#module;
  }

  /**
   * How many budget aborts landed inside a table write (or a rollback's undo) and were repaired
   * before the call rolled back (see WriteInProgress).
   */
  get writeRepairs(): number {
    return this.#writeRepairs;
  }

  /** The per-tick CPU budget in ms, if any. */
  get tickBudgetMs(): number | undefined {
    return this.#budget?.budgetMs;
  }

  /**
   * The module's compiled schema (version 1 at construction): what sessions decode calls with,
   * what clients receive, and the reducer table behind every enqueue path.
   */
  get schema(): ServerSchema {
    return this.#schema;
  }

  /** The last committed tick (0 before the first). */
  get tick(): number {
    return this.#tick;
  }

  /** Whether the init lifecycle has run. */
  get initialized(): boolean {
    return this.#initialized;
  }

  /** Logical time of the last committed tick, ms. */
  get now(): number {
    return this.#tick * this.tickMs;
  }

  /** The state hash: 16 hex characters, a function of every row in every table. */
  get stateHash(): string {
    const h = this.#store.hash;
    return h[0]!.toString(16).padStart(8, '0') + h[1]!.toString(16).padStart(8, '0');
  }

  /** Number of calls waiting for the next tick. */
  get queuedCalls(): number {
    return this.#queue.length;
  }

  /** Typed read-only access to the module's tables (writes happen only inside reducers). */
  get db(): ReadonlyDb<M['tables']> {
    return this.tables as unknown as ReadonlyDb<M['tables']>;
  }

  /**
   * Queues a call exactly as a log recorded it (replay): client calls resolve their reducer by
   * name, lifecycle calls their hook. Scheduled calls are not queued: they re-run by themselves.
   * A logged `__init` is not queued either (init runs by itself in the first tick): its payload
   * becomes the data init receives, instead of the module's `initData()`.
   * @throws TickspaceError UNKNOWN_REDUCER if the module no longer has the reducer.
   */
  enqueueRecorded(
    call: Pick<CallRecord, 'origin' | 'reducer' | 'sender' | 'args'>,
    onResult?: (result: CallResult) => void,
  ): void {
    let fn: ReducerFn | undefined;
    if (call.origin === CALL_ORIGIN.LIFECYCLE) {
      if (call.reducer === LIFECYCLE.INIT) {
        if (!this.#initialized) this.#recordedInitData = call.args;
        return;
      }
      fn = this.#lifecycleFn(call.reducer);
    } else fn = this.#schema.reducers.byName(call.reducer)?.fn;
    if (fn === undefined)
      throw new TickspaceError('UNKNOWN_REDUCER', `replay: the module has no reducer '${call.reducer}'`, {
        details: { reducer: call.reducer },
      });
    this.#queue.push(new QueuedCall(call.origin, call.reducer, fn, call.sender, call.args, onResult));
  }

  /** The running module's hook for a lifecycle call name; undefined for other names. */
  #lifecycleFn(name: string): ReducerFn | undefined {
    const m = this.#module;
    return name === LIFECYCLE.CONNECTED
      ? (m.clientConnected ?? noop)
      : name === LIFECYCLE.DISCONNECTED
        ? (m.clientDisconnected ?? noop)
        : name === LIFECYCLE.STARTED
          ? (m.serverStarted ?? noop)
          : undefined;
  }

  /**
   * Publishes a module version: checked now (see {@link checkModuleSwap}: a failure throws and
   * changes nothing), swapped in at the next tick boundary. That tick's first call is `__publish`
   * with `version.payload` as its logged arguments; from it on, every call (the ones already
   * queued included) runs the new reducers and hooks. Tables, schedules and sessions are untouched.
   * @throws TickspaceError SCHEMA_MISMATCH listing what differs, INVALID_SCHEMA
   * @example
   * engine.publish({ module: v2, payload: { hash, source } }, (r) => console.log(r.ok));
   */
  publish(version: ModuleVersion, onResult?: (result: CallResult) => void): void {
    const last = this.#pendingSwaps[this.#pendingSwaps.length - 1]?.version.module ?? this.#module;
    // A schema change is the migration's to check, at the boundary, against that tick's state.
    if (version.migration === undefined) checkModuleSwap(last, version.module);
    this.#pendingSwaps.push({ version, onResult });
  }

  /**
   * Replay: the next tick reproduces these calls' logged budget aborts (by call index, with the
   * logged message) instead of running their bodies, so a replay never depends on timing.
   */
  reproduceAborts(aborts: ReadonlyMap<number, string>): void {
    this.#reproduceAborts = aborts.size === 0 ? undefined : aborts;
  }

  /** Swaps in the publishes waiting for this tick boundary, each logged as `__publish`. */
  #applySwaps(calls: QueuedCall[], changes: ChangeOp[]): void {
    const swaps = this.#pendingSwaps;
    this.#pendingSwaps = [];
    for (const { version, onResult } of swaps) {
      let migration: PreparedBoundaryMigration | undefined;
      if (version.migration !== undefined)
        try {
          migration = version.migration.prepare();
          if (migration === undefined) checkModuleSwap(this.#module, version.module);
        } catch (error) {
          // Refused before anything changed: the old module and tables keep running.
          const e =
            error instanceof TickspaceError ? error : new TickspaceError('MIGRATION_FAILED', String(error));
          onResult?.({ ok: false, code: e.code, message: e.message });
          continue;
        }
      if (migration !== undefined) this.#replaceTables(version.module, migration.reshaped);
      this.#swapIn(version.module);
      const call = new QueuedCall(
        CALL_ORIGIN.LIFECYCLE,
        PUBLISH_CALL,
        noop,
        SERVER_IDENTITY,
        version.payload,
        onResult,
      );
      this.#run(call, calls, changes);
      if (migration !== undefined) {
        const m = migration;
        const body = () => m.insert();
        this.#run(
          new QueuedCall(CALL_ORIGIN.LIFECYCLE, MIGRATE_CALL, body, SERVER_IDENTITY, m.payload, undefined),
          calls,
          changes,
        );
      }
    }
  }

  /** A runtime migration's boundary: the new module's tables, carrying the rows (see {@link carryStores}). */
  #replaceTables(module: ModuleDef, reshaped: readonly string[]): void {
    const next = buildTableStores(module, this.#store);
    carryStores(this.#tableList, next, reshaped);
    this.#tableList = next;
    this.#tables = Object.fromEntries(next.map((s) => [s.name, s]));
    this.#ctx.db = this.#tables as Db<Tables>;
    this.#schema = compileServerSchema({ tableList: next, module }, this.#schema.version + 1);
    for (const listener of this.#schemaListeners) listener(this.#schema, reshaped);
  }

  /**
   * Listens for a runtime migration's new schema, announced at its tick boundary before the
   * tick's calls run (the network layer re-describes the tables to its clients), with the tables
   * whose rows the migration rewrites. Returns an unsubscribe.
   */
  onSchemaChange(listener: (schema: ServerSchema, reshaped: readonly string[]) => void): () => void {
    this.#schemaListeners.push(listener);
    return () => (this.#schemaListeners = this.#schemaListeners.filter((l) => l !== listener));
  }

  /**
   * Runs `module` from the next tick on without logging it: for a replay that starts after the tick
   * whose `__publish` logged this version.
   * @throws TickspaceError SCHEMA_MISMATCH as {@link publish}
   */
  adoptModule(module: ModuleDef): void {
    checkModuleSwap(this.#module, module);
    this.#swapIn(module);
  }

  #swapIn(module: ModuleDef): void {
    this.#module = module as M;
    this.#schema = recompileReducers(this.#schema, module.reducers);
    // Calls queued before the swap resolve against the new version: none runs the old code.
    for (const queued of this.#queue) {
      if (queued.origin === CALL_ORIGIN.LIFECYCLE) {
        const hook = this.#lifecycleFn(queued.reducer);
        if (hook !== undefined) queued.rebind(hook);
      } else
        queued.rebind(this.#schema.reducers.byName(queued.reducer)?.fn ?? missingReducer(queued.reducer));
    }
  }

  /** Reducer names clients may call, in declaration order (their wire ids). */
  reducerNames(): string[] {
    return this.module.reducers.map((r) => r.name);
  }

  /** The reducer declaration with this name, if any. */
  reducer(name: string): ReducerDef | undefined {
    return this.#schema.reducers.byName(name)?.def;
  }

  /**
   * Queues a client's reducer call by name for the next tick (in-process callers: bots, tests,
   * tools). Arguments are validated now: a bad call throws and nothing is queued.
   * @throws TickspaceError UNKNOWN_REDUCER, INVALID_ARGUMENT, RATE_LIMITED
   */
  enqueue(sender: Identity, reducer: string, args: unknown, onResult?: (result: CallResult) => void): void {
    const entry = this.#schema.reducers.byName(reducer);
    if (entry === undefined || entry.internal)
      throw new TickspaceError('UNKNOWN_REDUCER', `no reducer named '${reducer}'`, { details: { reducer } });
    this.#checkQueueRoom(reducer);
    const validated = entry.validate(args);
    this.#queue.push(new QueuedCall(CALL_ORIGIN.CLIENT, reducer, entry.fn, sender, validated, onResult));
  }

  /**
   * Queues a client's call that arrived on the wire: the reducer by wire id, the arguments exactly
   * as `schema`'s argument codec decoded them (`decodeClientMessage`). They are not validated a
   * second time: the codec's range checks refuse every value the validator would, and its output
   * is the validator's canonical form (a property test pins both). `schema` must be the engine's
   * current one: arguments decoded for another module version are a server fault, never queued.
   * @throws TickspaceError UNKNOWN_REDUCER (no callable reducer with that id), RATE_LIMITED
   * @throws Error if `schema` is not the engine's current schema.
   */
  enqueueDecoded(
    sender: Identity,
    schema: ServerSchema,
    reducerId: number,
    args: Record<string, unknown>,
    onResult?: (result: CallResult) => void,
  ): void {
    // A publish that changes only reducer bodies keeps the wire codecs: calls decoded with them run
    // the current version's reducer of that id.
    if (schema.wire !== this.#schema.wire)
      throw new Error(
        `a call decoded with schema version ${schema.version} reached the engine at version ${this.#schema.version}`,
      );
    const entry = this.#schema.reducers.byId(reducerId);
    if (entry === undefined || entry.internal)
      throw new TickspaceError('UNKNOWN_REDUCER', `no reducer with id ${reducerId}`, {
        details: { reducerId },
      });
    this.#checkQueueRoom(entry.name);
    this.#queue.push(new QueuedCall(CALL_ORIGIN.CLIENT, entry.name, entry.fn, sender, args, onResult));
  }

  #checkQueueRoom(reducer: string): void {
    if (this.#queue.length >= this.#maxQueued)
      throw new TickspaceError('RATE_LIMITED', `the call queue is full (${this.#maxQueued} calls)`, {
        details: { reducer },
      });
  }

  /** Queues a call and resolves with its result once the tick is committed and fanned out. */
  call(sender: Identity, reducer: string, args: unknown): Promise<CallResult> {
    return new Promise((resolve, reject) => {
      try {
        this.enqueue(sender, reducer, args, resolve);
      } catch (error) {
        reject(error);
      }
    });
  }

  /** Queues the client-connected lifecycle call. */
  connect(identity: Identity, onResult?: (result: CallResult) => void): void {
    this.#queueLifecycle(LIFECYCLE.CONNECTED, this.module.clientConnected, identity, onResult);
  }

  /** Queues the client-disconnected lifecycle call. */
  disconnect(identity: Identity, onResult?: (result: CallResult) => void): void {
    this.#queueLifecycle(LIFECYCLE.DISCONNECTED, this.module.clientDisconnected, identity, onResult);
  }

  /**
   * Queues the server-started lifecycle call (the module's `serverStarted` hook) for the next tick.
   * A server calls it once per start-up, after recovery and before it accepts any client, so the
   * module can undo what only a connected client keeps alive (a crash ran no disconnect hook).
   * Logged like every lifecycle call, so replay reproduces it.
   */
  serverStarted(onResult?: (result: CallResult) => void): void {
    this.#queueLifecycle(LIFECYCLE.STARTED, this.module.serverStarted, SERVER_IDENTITY, onResult);
  }

  #queueLifecycle(
    name: string,
    fn: ((ctx: ReducerContext<any>) => void) | undefined,
    sender: Identity,
    onResult?: (r: CallResult) => void,
  ): void {
    this.#queue.push(new QueuedCall(CALL_ORIGIN.LIFECYCLE, name, fn ?? noop, sender, {}, onResult));
  }

  /** Registers a commit hook; returns a function that removes it. */
  onCommit(hook: CommitHook): () => void {
    this.#commitHooks.push(hook);
    return () => {
      this.#commitHooks = this.#commitHooks.filter((h) => h !== hook);
    };
  }

  /** Registers a fan-out hook; returns a function that removes it. */
  onTick(hook: FanoutHook): () => void {
    this.#fanoutHooks.push(hook);
    return () => {
      this.#fanoutHooks = this.#fanoutHooks.filter((h) => h !== hook);
    };
  }

  /**
   * Registers a listener for a fatal fault (see {@link FatalListener}); returns a function that
   * removes it. Without any listener a fatal fault is thrown from the tick timer, as before.
   */
  onFatal(listener: FatalListener): () => void {
    this.#fatalListeners.push(listener);
    return () => {
      this.#fatalListeners = this.#fatalListeners.filter((l) => l !== listener);
    };
  }

  /** The fatal fault that stopped the tick loop, if one did. */
  get fatalError(): unknown {
    return this.#fatal;
  }

  /**
   * Stops the loop for good and tells the listeners (once). Nobody listening: a fault from the
   * timer is rethrown (the process stops on it), a rejected durability promise only logged (the
   * failed log then refuses the next tick's append, which comes back here from the timer).
   */
  #fail(error: unknown, fromTimer: boolean): void {
    if (this.#fatal !== undefined) return;
    if (this.#fatalListeners.length === 0) {
      if (fromTimer) throw error;
      return;
    }
    this.#fatal = error;
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const l of [...this.#fatalListeners])
      try {
        l(error);
      } catch (listenerError) {
        this.#logger.error('a fatal-fault listener failed', listenerError);
      }
  }

  /**
   * Registers a restore listener; returns a function that removes it. Fired by {@link restore}
   * (recovery) and by {@link restored} (a rewind's tick, after its fan-out), so whoever mirrors
   * the tables (subscriptions) resynchronises without any caller having to remember to.
   */
  onRestore(listener: RestoreListener): () => void {
    this.#restoreListeners.push(listener);
    return () => {
      this.#restoreListeners = this.#restoreListeners.filter((l) => l !== listener);
    };
  }

  /**
   * Announces that the tables were set back to the state of an earlier tick by a committed
   * transaction (a rewind). Call it once that tick has been fanned out.
   */
  restored(reason: RestoreReason, stateOfTick: number): void {
    this.#emitRestore({ reason, stateOfTick, tick: this.#tick });
  }

  #emitRestore(event: RestoreEvent): void {
    for (const l of [...this.#restoreListeners])
      try {
        l(event);
      } catch (error) {
        this.#logger.error(
          `a restore listener failed after the ${event.reason} to tick ${event.stateOfTick}`,
          error,
        );
      }
  }

  /** Resolves with the next tick's record, after its fan-out. */
  nextTick(): Promise<TickRecord> {
    return new Promise((resolve) => this.#tickWaiters.push(resolve));
  }

  /** Resolves when every tick run so far has been committed and fanned out. */
  flush(): Promise<void> {
    return this.#pending;
  }

  /** Called by the context: inserts a row into the schedule table. */
  scheduleCall(reducer: string, args: Record<string, unknown>, when: ScheduleWhen): number {
    const entry = this.#schema.reducers.byName(reducer);
    if (entry === undefined)
      throw new TickspaceError('UNKNOWN_REDUCER', `cannot schedule unknown reducer '${reducer}'`, {
        details: { reducer },
      });
    const validated = entry.validate(args);
    const tick = this.#ctx.tick;
    const atMs =
      'atTick' in when ? when.atTick * this.tickMs : 'atMs' in when ? when.atMs : this.#ctx.now + when.inMs;
    const everyMs = when.everyMs ?? 0;
    if (!Number.isFinite(atMs))
      throw new TickspaceError('INVALID_ARGUMENT', `schedule of '${reducer}': time must be finite`, {
        details: { reducer },
      });
    if (everyMs !== 0 && !(everyMs >= this.tickMs))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `schedule of '${reducer}': everyMs ${everyMs} is shorter than one tick (${this.tickMs} ms)`,
        {
          details: { reducer, everyMs },
        },
      );
    const row = this.tables[SCHEDULE_TABLE]!.insert({
      reducer,
      args: encodeArgsJson(validated),
      atMs,
      everyMs,
      dueTick: Math.max(Math.ceil(atMs / this.tickMs), tick + 1),
    });
    return row.id as number;
  }

  /**
   * Runs one tick synchronously and returns its record. Commit hooks run before this returns;
   * fan-out runs once they settle (at once if none returned a promise and none is pending).
   */
  runTick(): TickRecord {
    if (this.#inTick) throw new Error('runTick called from inside a tick');
    if (this.#fatal !== undefined)
      throw new TickspaceError(
        'LOG_FAILED',
        'the engine stopped after a fatal commit fault; no further tick runs',
        { cause: this.#fatal },
      );
    this.#inTick = true;
    const started = performance.now();
    const tick = this.#tick + 1;
    const ctx = this.#ctx;
    ctx.tick = tick;
    ctx.now = tick * this.tickMs;
    const calls: QueuedCall[] = [];
    const changes: ChangeOp[] = [];
    this.#failed = 0;
    try {
      if (this.#pendingSwaps.length > 0) this.#applySwaps(calls, changes);
      if (!this.#initialized) {
        const init = new QueuedCall(
          CALL_ORIGIN.LIFECYCLE,
          LIFECYCLE.INIT,
          this.module.init ?? noop,
          SERVER_IDENTITY,
          initArgs(this.#recordedInitData, this.module),
          undefined,
        );
        this.#recordedInitData = undefined;
        this.#run(init, calls, changes);
        this.#initialized = true;
      }
      const queue = this.#queue;
      this.#queue = [];
      this.#cursor = 0;
      if (this.#budget === undefined) {
        this.#runQueue(queue, calls, changes);
        this.#runDueSchedules(tick, calls, changes);
      } else this.#runBudgeted(this.#budget, queue, tick, calls, changes);
    } finally {
      this.#inTick = false;
      this.#reproduceAborts = undefined;
    }
    const failed = this.#failed;
    this.#tick = tick;
    const durationMs = performance.now() - started;
    const record: TickRecord = { tick, now: ctx.now, calls, changes, stateHash: this.stateHash, durationMs };
    this.metrics.record(durationMs, calls.length, failed, changes.length, durationMs > this.tickMs);
    this.#commit(record, calls);
    return record;
  }

  /**
   * Runs the queued calls in arrival order. A method of its own so that
   * the long loop is optimised as a whole function rather than by on-stack replacement inside
   * runTick, whose tail (schedules, commit) the loop's compilation had no feedback for.
   */
  #runQueue(queue: readonly QueuedCall[], calls: QueuedCall[], changes: ChangeOp[]): void {
    // The cursor is a field: after a budget abort the tick resumes after the aborted call.
    for (let i = this.#cursor; i < queue.length; i++) {
      this.#cursor = i + 1;
      this.#run(queue[i]!, calls, changes);
      if ((i & 31) === 31 && this.#windowSpent()) return;
    }
  }

  /**
   * Whether the budget window is half spent: then the calls return to the host between two calls
   * and go on in a fresh window, so the budget bounds a call (or a stretch of 32), not the tick.
   * Checked every 32 calls: a clock read per call would cost a few percent of a keynote call.
   */
  #windowSpent(): boolean {
    if (this.#renewAt === Infinity || performance.now() < this.#renewAt) return false;
    this.#renewing = true;
    return true;
  }

  /**
   * Runs the tick's calls under the budget, in windows of `budgetMs`: a window half spent is
   * renewed between two calls; one that runs out aborts the call in flight (see abortInFlight) and
   * the rest of the tick runs in a new window. So a long tick of quick calls is never cut, and a
   * call that runs for about the budget or more is.
   */
  #runBudgeted(
    budget: TickBudget,
    queue: readonly QueuedCall[],
    tick: number,
    calls: QueuedCall[],
    changes: ChangeOp[],
  ): void {
    const work = () => {
      this.#renewing = false;
      this.#runQueue(queue, calls, changes);
      if (!this.#renewing) this.#runDueSchedules(tick, calls, changes);
    };
    for (;;) {
      this.#renewAt = performance.now() + budget.budgetMs / 2;
      if (!budget.run(work)) this.#abortInFlight(budget, calls, changes);
      else if (!this.#renewing) break;
    }
    this.#renewAt = Infinity;
  }

  /**
   * After V8 terminated the tick's calls (no catch or finally ran): rolls back the call in flight
   * and records BUDGET_EXCEEDED as its result. A termination inside a table write (or a rollback's
   * undo) first repairs that write exactly (see WriteInProgress), so the rollback starts from a
   * consistent table.
   */
  #abortInFlight(budget: TickBudget, calls: QueuedCall[], changes: ChangeOp[]): void {
    const store = this.#store;
    store.tx = null;
    const call = this.#inFlight;
    this.#inFlight = undefined;
    if (store.write.table >= 0) {
      this.tableList[store.write.table]!.repairWrite(changes);
      this.#writeRepairs++;
    }
    // Stopped between calls, or after the call was recorded: nothing to abort.
    if (call === undefined || calls[calls.length - 1] === call) return;
    const mark = this.#inFlightMark;
    for (let i = changes.length - 1; i >= mark; i--) this.tableList[changes[i]!.tableId]!.undo(changes[i]!);
    changes.length = mark;
    const result = budgetExceeded(call.reducer, budget.budgetMs);
    call.result = result;
    this.#logger.warn(`tick ${this.#ctx.tick}: ${result.message}`);
    calls.push(call);
    this.#failed++;
  }

  #runDueSchedules(tick: number, calls: QueuedCall[], changes: ChangeOp[]): void {
    const schedule = this.tables[SCHEDULE_TABLE]!;
    for (;;) {
      const due = schedule.range('dueTick', { lte: tick });
      if (due.length === 0) return;
      for (const row of due) {
        const reducer = row.reducer as string;
        const fn = this.#schema.reducers.byName(reducer)?.fn ?? missingReducer(reducer);
        const args = decodeArgsJson(row.args as string);
        const call = new QueuedCall(
          CALL_ORIGIN.SCHEDULE,
          reducer,
          fn,
          SERVER_IDENTITY,
          args,
          undefined,
          row.id as number,
        );
        this.#run(call, calls, changes, row);
        if (this.#windowSpent()) return;
      }
    }
  }

  /** Runs one call as a transaction; `scheduleRow` bookkeeping survives a failed call. */
  #run(call: QueuedCall, calls: QueuedCall[], changes: ChangeOp[], scheduleRow?: AnyRow): CallResult {
    const store = this.#store;
    // The call writes straight into the tick's change list; a failure undoes back to `mark`.
    const tx = changes;
    const callIndex = calls.length;
    store.tx = tx;
    store.callIndex = callIndex;
    this.#ctx.reset(call.sender, call.reducer, callIndex);
    if (scheduleRow !== undefined) {
      const schedule = this.tables[SCHEDULE_TABLE]!;
      const everyMs = scheduleRow.everyMs as number;
      if (everyMs > 0) {
        const atMs = (scheduleRow.atMs as number) + everyMs;
        schedule.update({
          ...scheduleRow,
          atMs,
          dueTick: Math.max(Math.ceil(atMs / this.tickMs), this.#ctx.tick + 1),
        });
      } else schedule.delete(scheduleRow.id);
    }
    const mark = tx.length;
    let result: CallResult;
    this.#inFlightMark = mark;
    this.#inFlight = call;
    const aborted = this.#reproduceAborts?.get(callIndex);
    // Schedule bookkeeping above survives a failed call; only the reducer's own writes roll back.
    if (aborted !== undefined) result = { ok: false, code: 'BUDGET_EXCEEDED', message: aborted };
    else
      try {
        const returned = call.invoke(this.#ctx);
        if (returned !== undefined) refuseThenable(returned, call.reducer, this.#logger);
        result = OK;
      } catch (error) {
        // Entry by entry, each undo recorded as a write: a budget abort mid-rollback is repaired.
        while (tx.length > mark) this.tableList[tx[tx.length - 1]!.tableId]!.undoLast(tx);
        result = this.#toResult(call.reducer, error);
      } finally {
        store.tx = null;
      }
    call.result = result;
    if (!result.ok) this.#failed++;
    calls.push(call);
    // Cleared only once the call is recorded: an abort after this point finds nothing to undo.
    this.#inFlight = undefined;
    return result;
  }

  #toResult(reducer: string, error: unknown): CallResult {
    if (error instanceof ReducerError) return { ok: false, code: error.code, message: error.message };
    if (error instanceof TickspaceError && CALLER_FAULT_CODES.has(error.code))
      return { ok: false, code: error.code, message: error.message };
    if (error instanceof TickspaceError && error.code === 'SANDBOX_VIOLATION') {
      // A module bug, not the caller's: logged for the developer; the message names the remedy.
      this.#logger.warn(`reducer '${reducer}' at tick ${this.#ctx.tick}: ${error.message}`);
      return { ok: false, code: error.code, message: `reducer '${reducer}': ${error.message}` };
    }
    this.#logger.error(`reducer '${reducer}' failed at tick ${this.#ctx.tick}`, error);
    return { ok: false, code: 'INTERNAL', message: `reducer '${reducer}' failed with a server error` };
  }

  #commit(record: TickRecord, calls: readonly QueuedCall[]): void {
    const promises: Promise<void>[] = [];
    for (const hook of this.#commitHooks) {
      // A throw leaves the tick uncommitted: it reaches the caller of runTick (the loop: #fail).
      const p = hook(record);
      if (p !== undefined) promises.push(p);
    }
    const fanout = () => {
      for (const hook of this.#fanoutHooks) {
        try {
          hook(record);
        } catch (error) {
          this.#logger.error(`fan-out hook failed at tick ${record.tick}`, error);
        }
      }
      for (let i = 0; i < calls.length; i++) calls[i]!.deliver();
      const waiters = this.#tickWaiters;
      this.#tickWaiters = [];
      for (const w of waiters) w(record);
    };
    if (promises.length === 0 && this.#pendingCount === 0) {
      fanout();
      return;
    }
    this.#pendingCount++;
    this.#pending = this.#pending
      .then(() => Promise.all(promises))
      .then(fanout, (error: unknown) => {
        if (this.#fatalListeners.length === 0)
          this.#logger.error(`commit of tick ${record.tick} failed; its results are withheld`, error);
        this.#fail(error, false);
      })
      .finally(() => {
        this.#pendingCount--;
      });
  }

  /** Starts the fixed-rate tick loop. A late tick runs at once; no tick and no call is skipped. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#nextDueAt = performance.now();
    const loop = () => {
      if (!this.#running) return;
      try {
        this.runTick();
      } catch (error) {
        // A commit hook threw (the log could not be written): no later tick may run.
        this.#fail(error, true);
        return;
      }
      this.#nextDueAt += this.tickMs;
      const wait = this.#nextDueAt - performance.now();
      this.#timer = setTimeout(loop, Math.max(0, wait));
    };
    loop();
  }

  /** Stops the tick loop and resolves once the last tick is committed and fanned out. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#pending;
  }

  /** Whether the tick loop is running. */
  get running(): boolean {
    return this.#running;
  }

  // ---- restore: used by recovery, time travel and rewind --------------------------------------

  /**
   * Replaces every table's contents with the given rows (as stored) and sets the tick counter.
   * Row order is kept, so iteration order after a restore equals the order when the rows were read.
   */
  restore(state: {
    tick: number;
    tables: Record<string, { rows: readonly AnyRow[]; autoInc: number }>;
  }): void {
    for (const store of this.tableList) store.rawClear();
    for (const [name, data] of Object.entries(state.tables)) {
      const store = Object.hasOwn(this.tables, name) ? this.tables[name] : undefined;
      if (store === undefined)
        throw new TickspaceError('UNKNOWN_TABLE', `restore: unknown table '${name}'`, {
          details: { table: name },
        });
      for (const row of data.rows) store.rawInsert(row);
      store.autoInc = data.autoInc;
    }
    this.#tick = state.tick;
    this.#initialized = state.tick > 0;
    this.#emitRestore({ reason: RESTORE_REASON.RECOVERY, stateOfTick: state.tick, tick: state.tick });
  }

  /** Re-applies a logged tick's changes without running reducers (recovery, time travel). */
  applyChanges(
    tick: number,
    changes: readonly {
      tableId: number;
      kind: number;
      oldRow: AnyRow | undefined;
      newRow: AnyRow | undefined;
    }[],
  ): void {
    for (const op of changes) this.tableList[op.tableId]!.redo(op);
    this.#tick = tick;
    this.#initialized = true;
  }

  /**
   * Runs `fn` as one server transaction in the next tick (admin operations such as rewind).
   * Recorded like any call, under `name`, with `args` as its logged payload (JSON values only).
   */
  enqueueSystem(
    name: string,
    fn: (ctx: ReducerContext<any>) => void,
    onResult?: (result: CallResult) => void,
    args: Record<string, unknown> = {},
  ): void {
    this.#queue.push(new QueuedCall(CALL_ORIGIN.LIFECYCLE, name, fn, SERVER_IDENTITY, args, onResult));
  }
}

const budgetExceeded = (reducer: string, budgetMs: number) => ({
  ok: false as const,
  code: 'BUDGET_EXCEEDED',
  message: `reducer '${reducer}' ran past the tick's CPU budget of ${budgetMs} ms and was aborted; its writes were rolled back`,
});
const noop = () => {};

/** The init call's arguments: the replayed payload, else the module's init data (a JSON object). */
function initArgs(
  recorded: Readonly<Record<string, unknown>> | undefined,
  module: ModuleDef,
): Record<string, unknown> {
  if (recorded !== undefined) return recorded as Record<string, unknown>;
  const data = module.initData?.();
  if (data === undefined) return {};
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new TickspaceError('INVALID_ARGUMENT', 'initData must return a JSON object');
  // Stored as logged: what init receives live is exactly what a replay will decode.
  return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
}
const missingReducer = (name: string) => () => {
  throw new TickspaceError('UNKNOWN_REDUCER', `scheduled reducer '${name}' no longer exists in the module`);
};

/**
 * Creates an engine for a module.
 * @example
 * const engine = createEngine({ module: game, seed: 'world-1', tickMs: 50 });
 * engine.enqueue(alice, 'move', { dx: 1, dy: 0 });
 * engine.runTick();
 */
export function createEngine<M extends ModuleDef>(options: EngineOptions<M>): Engine<M> {
  return new Engine(options);
}
