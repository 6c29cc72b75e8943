import { TickspaceError } from '../protocol/errors';
import type { ChangeOp } from './change-set';
import { CallQueue } from './call-queue';
import { CallRunner } from './call-runner';
import { CommitPipeline } from './commit-pipeline';
import { EngineSignals } from './engine-signals';
import {
  CALL_ORIGIN,
  LIFECYCLE,
  RESTORE_REASON,
  type CallRecord,
  type CallResult,
  type CommitHook,
  type EngineOptions,
  type FanoutHook,
  type FatalListener,
  type Logger,
  type RestoreListener,
  type RestoreReason,
  type TickRecord,
} from './engine-types';
import { SERVER_IDENTITY, type Identity } from './identity';
import { TickMetrics } from './metrics';
import type { Db, ModuleDef, ReadonlyDb, ReducerContext, ReducerDef, ScheduleWhen } from './module';
import { checkModuleSwap, type ModuleVersion } from './module-swap';
import { QueuedCall } from './queued-call';
import { initCall } from './lifecycle';
import { redoChanges, refillTables, type LoggedChange, type StoredTable } from './restore-tables';
import { PendingPublishes } from './pending-publishes';
import { runWarmHook } from './warm-hook';
import { Context } from './reducer-context';
import { TickLoop } from './tick-loop';
import { TickBudget } from './sandbox/tick-budget';
import { scheduleRowFor } from './schedule-call';
import { noWriteInProgress } from './write-in-progress';
import {
  atVersion,
  compileServerSchema,
  recompileReducers,
  withReducers,
  type ServerSchema,
} from './server-schema';
import type { CompiledReducers, PreparedTables } from './prepared-swap';
import type { Tables } from './schema';
import { buildTableStores, migrateTableStores } from './runtime-migration';
import { SCHEDULE_TABLE } from './system-tables';
import type { StoreContext } from './store-context';
import type { TableStore } from './table-store';

export { CALL_ORIGIN, LIFECYCLE, RESTORE_REASON } from './engine-types';
export type {
  EngineOptions,
  CallResult,
  CallRecord,
  CallOrigin,
  TickRecord,
  CommitHook,
  FanoutHook,
  FatalListener,
  RestoreEvent,
  RestoreListener,
  RestoreReason,
  Logger,
} from './engine-types';

/** EngineOptions.initBudgetMs' default when the engine has a tick budget. */
const DEFAULT_INIT_BUDGET_MS = 10_000;
const DEFAULT_WARM_BUDGET_MS = 2_000;

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
  /** The module version running: replaced by a publish, at a tick boundary. */
  #module: M;
  /** Publishes waiting for the next tick boundary, in order. */
  readonly #publishes = new PendingPublishes();
  /** The module compiled once: descriptor, wire codecs and the reducer table every call resolves through. */
  #schema: ServerSchema;
  #ctx: Context;
  readonly #logger: Logger;
  readonly #queue: CallQueue;
  #tick = 0;
  #initialized = false;
  /** The `__init` payload a replay queued (enqueueRecorded), used instead of asking the module. */
  #recordedInitData: Readonly<Record<string, unknown>> | undefined;
  readonly #loop: TickLoop;
  #inTick = false;
  readonly #runner: CallRunner;
  /** The budget `__init` runs under (see EngineOptions.initBudgetMs), if any. */
  readonly #initBudget: TickBudget | undefined;
  /** The budget a published version's warm hook runs under (see EngineOptions.warmBudgetMs), if any. */
  readonly #warmBudget: TickBudget | undefined;
  readonly #pipeline: CommitPipeline;
  readonly #signals: EngineSignals;

  constructor(options: EngineOptions<M>) {
    this.#module = options.module;
    const budget = options.tickBudgetMs === undefined ? undefined : new TickBudget(options.tickBudgetMs);
    const initBudgetMs =
      options.initBudgetMs ?? (options.tickBudgetMs === undefined ? undefined : DEFAULT_INIT_BUDGET_MS);
    this.#initBudget =
      initBudgetMs === undefined ? undefined : new TickBudget(initBudgetMs, 'the init budget (initBudgetMs)');
    const warmBudgetMs =
      options.warmBudgetMs ?? (options.tickBudgetMs === undefined ? undefined : DEFAULT_WARM_BUDGET_MS);
    this.#warmBudget =
      warmBudgetMs === undefined ? undefined : new TickBudget(warmBudgetMs, 'the warm budget (warmBudgetMs)');
    this.seed = options.seed ?? 'tickspace';
    this.tickMs = options.tickMs ?? 50;
    if (!(this.tickMs > 0)) throw new RangeError(`tickMs must be > 0, got ${this.tickMs}`);
    this.#logger = options.logger ?? console;
    this.#tableList = buildTableStores(options.module, this.#store);
    this.#tables = Object.fromEntries(this.#tableList.map((s) => [s.name, s]));
    this.#schema = compileServerSchema(this);
    this.#ctx = new Context(
      this as unknown as Engine<ModuleDef>,
      this.#tables as Db<Tables>,
      this.seed,
      this.tickMs,
    );
    this.#queue = new CallQueue(this, options.maxQueuedCalls ?? 1_000_000);
    this.#runner = new CallRunner(this, this.#store, this.#ctx, this.#logger, budget);
    this.#signals = new EngineSignals(this.#logger);
    this.#loop = new TickLoop(
      this.tickMs,
      () => this.runTick(),
      (error) => this.#fail(error, true),
    );
    this.#pipeline = new CommitPipeline(this.#logger, (error, record) => {
      if (!this.#signals.hasFatalListeners)
        this.#logger.error(`commit of tick ${record.tick} failed; its results are withheld`, error);
      this.#fail(error, false);
    });
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
    return this.#runner.writeRepairs;
  }

  /** The per-tick CPU budget in ms, if any. */
  get tickBudgetMs(): number | undefined {
    return this.#runner.tickBudgetMs;
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
    if (call.origin === CALL_ORIGIN.LIFECYCLE && call.reducer === LIFECYCLE.INIT) {
      if (!this.#initialized) this.#recordedInitData = call.args;
      return;
    }
    this.#queue.enqueueRecorded(call, onResult);
  }

  /**
   * Publishes a module version: checked, compiled and warmed now (see {@link checkModuleSwap},
   * prepareSwap and `defineModule`'s `warm`: a failure throws and changes nothing), swapped in at
   * the next tick boundary, which then compiles nothing. That tick's first call is `__publish`
   * with `version.payload` as its logged arguments; from it on, every call (the ones already
   * queued included) runs the new reducers and hooks. Tables, schedules and sessions are untouched.
   * @throws TickspaceError SCHEMA_MISMATCH listing what differs, INVALID_SCHEMA; BUDGET_EXCEEDED or
   *   INVALID_ARGUMENT from the version's warm hook
   * @example
   * engine.publish({ module: v2, payload: { hash, source } }, (r) => console.log(r.ok));
   */
  publish(version: ModuleVersion, onResult?: (result: CallResult) => void): void {
    this.#publishes.add(
      version,
      onResult,
      { module: this.#module, wire: this.#schema.wire },
      this.#store,
      (reshaped) =>
        runWarmHook(version.module, { db: this.db, tick: this.#tick, reshaped }, this.#warmBudget),
    );
  }

  /**
   * Replay: the next tick reproduces these calls' logged budget aborts (by call index, with the
   * logged message) instead of running their bodies, so a replay never depends on timing.
   */
  reproduceAborts(aborts: ReadonlyMap<number, string>): void {
    this.#runner.reproduceAborts(aborts);
  }

  /** Swaps in the publishes waiting for this tick boundary, each logged as `__publish`. */
  #applySwaps(calls: QueuedCall[], changes: ChangeOp[]): void {
    this.#publishes.apply({
      current: () => this.#module,
      replaceTables: (module, reshaped, prepared) => this.#replaceTables(module, reshaped, prepared),
      swapIn: (module, reducers) => this.#swapIn(module, reducers),
      run: (call) => this.#runner.run(call, calls, changes),
    });
  }

  /** A runtime migration's boundary: the new module's tables, carrying the rows (see {@link migrateTableStores}). */
  #replaceTables(module: ModuleDef, reshaped: readonly string[], prepared: PreparedTables | undefined): void {
    const next = migrateTableStores(module, this.#store, this.#tableList, reshaped, prepared?.stores);
    this.#tableList = next;
    this.#tables = Object.fromEntries(next.map((s) => [s.name, s]));
    this.#ctx.db = this.#tables as Db<Tables>;
    const version = this.#schema.version + 1;
    // The stores' descriptor is the module's whichever stores are kept (same ids, layouts, defs).
    this.#schema =
      prepared === undefined
        ? compileServerSchema({ tableList: next, module }, version)
        : atVersion(prepared.schema, version);
    this.#signals.emitSchema(this.#schema, reshaped);
  }

  /**
   * Listens for a runtime migration's new schema, announced at its tick boundary before the
   * tick's calls run (the network layer re-describes the tables to its clients), with the tables
   * whose rows the migration rewrites. Returns an unsubscribe.
   */
  onSchemaChange(listener: (schema: ServerSchema, reshaped: readonly string[]) => void): () => void {
    return this.#signals.onSchemaChange(listener);
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

  #swapIn(module: ModuleDef, reducers?: CompiledReducers): void {
    this.#module = module as M;
    // Compiled when the publish was accepted, on the wire running now unless another swap at this
    // boundary changed it (then compiled here, as a replay's adoptModule does).
    this.#schema =
      reducers !== undefined && reducers.wire === this.#schema.wire
        ? withReducers(this.#schema, reducers.table)
        : recompileReducers(this.#schema, module.reducers);
    // Calls queued before the swap resolve against the new version: none runs the old code.
    this.#queue.rebind();
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
    this.#queue.enqueue(sender, reducer, args, onResult);
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
    this.#queue.enqueueDecoded(sender, schema, reducerId, args, onResult);
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
    this.#queue.lifecycle(LIFECYCLE.CONNECTED, this.module.clientConnected, identity, onResult);
  }

  /** Queues the client-disconnected lifecycle call. */
  disconnect(identity: Identity, onResult?: (result: CallResult) => void): void {
    this.#queue.lifecycle(LIFECYCLE.DISCONNECTED, this.module.clientDisconnected, identity, onResult);
  }

  /**
   * Queues the server-started lifecycle call (the module's `serverStarted` hook) for the next tick.
   * A server calls it once per start-up, after recovery and before it accepts any client, so the
   * module can undo what only a connected client keeps alive (a crash ran no disconnect hook).
   * Logged like every lifecycle call, so replay reproduces it.
   */
  serverStarted(onResult?: (result: CallResult) => void): void {
    this.#queue.lifecycle(LIFECYCLE.STARTED, this.module.serverStarted, SERVER_IDENTITY, onResult);
  }

  /** Registers a commit hook; returns a function that removes it. */
  onCommit(hook: CommitHook): () => void {
    return this.#pipeline.onCommit(hook);
  }

  /** Registers a fan-out hook; returns a function that removes it. */
  onTick(hook: FanoutHook): () => void {
    return this.#pipeline.onTick(hook);
  }

  /**
   * Registers a listener for a fatal fault (see {@link FatalListener}); returns a function that
   * removes it. Without any listener a fatal fault is thrown from the tick timer, as before.
   */
  onFatal(listener: FatalListener): () => void {
    return this.#signals.onFatal(listener);
  }

  /** The fatal fault that stopped the tick loop, if one did. */
  get fatalError(): unknown {
    return this.#signals.fatalError;
  }

  /**
   * Stops the loop for good and tells the listeners (once). Nobody listening: a fault from the
   * timer is rethrown (the process stops on it), a rejected durability promise only logged (the
   * failed log then refuses the next tick's append, which comes back here from the timer).
   */
  #fail(error: unknown, fromTimer: boolean): void {
    this.#signals.fail(error, fromTimer, () => this.#loop.halt());
  }

  /**
   * Registers a restore listener; returns a function that removes it. Fired by {@link restore}
   * (recovery) and by {@link restored} (a rewind's tick, after its fan-out), so whoever mirrors
   * the tables (subscriptions) resynchronises without any caller having to remember to.
   */
  onRestore(listener: RestoreListener): () => void {
    return this.#signals.onRestore(listener);
  }

  /**
   * Announces that the tables were set back to the state of an earlier tick by a committed
   * transaction (a rewind). Call it once that tick has been fanned out.
   */
  restored(reason: RestoreReason, stateOfTick: number): void {
    this.#signals.emitRestore({ reason, stateOfTick, tick: this.#tick });
  }

  /** Resolves with the next tick's record, after its fan-out. */
  nextTick(): Promise<TickRecord> {
    return this.#pipeline.nextTick();
  }

  /** Resolves when every tick run so far has been committed and fanned out. */
  flush(): Promise<void> {
    return this.#pipeline.flush();
  }

  /** Called by the context: inserts a row into the schedule table. */
  scheduleCall(reducer: string, args: Record<string, unknown>, when: ScheduleWhen): number {
    const ctx = this.#ctx;
    const clock = { tick: ctx.tick, now: ctx.now, tickMs: this.tickMs };
    const row = this.tables[SCHEDULE_TABLE]!.insert(scheduleRowFor(this.#schema, reducer, args, when, clock));
    return row.id as number;
  }

  /**
   * Runs one tick synchronously and returns its record. Commit hooks run before this returns;
   * fan-out runs once they settle (at once if none returned a promise and none is pending).
   */
  runTick(): TickRecord {
    if (this.#inTick) throw new Error('runTick called from inside a tick');
    if (this.#signals.fatalError !== undefined)
      throw new TickspaceError(
        'LOG_FAILED',
        'the engine stopped after a fatal commit fault; no further tick runs',
        { cause: this.#signals.fatalError },
      );
    this.#inTick = true;
    const started = performance.now();
    const tick = this.#tick + 1;
    const ctx = this.#ctx;
    ctx.tick = tick;
    ctx.now = tick * this.tickMs;
    const calls: QueuedCall[] = [];
    const changes: ChangeOp[] = [];
    const runner = this.#runner;
    runner.beginTick();
    try {
      if (this.#publishes.length > 0) this.#applySwaps(calls, changes);
      if (!this.#initialized) {
        const init = initCall(this.module, this.#recordedInitData);
        this.#recordedInitData = undefined;
        this.#runner.runAlone(init, calls, changes, this.#initBudget);
        this.#initialized = true;
      }
      const queue = this.#queue.take();
      runner.runCalls(queue, tick, calls, changes);
    } finally {
      this.#inTick = false;
      runner.endTick();
    }
    const failed = runner.failed;
    this.#tick = tick;
    const durationMs = performance.now() - started;
    const record: TickRecord = { tick, now: ctx.now, calls, changes, stateHash: this.stateHash, durationMs };
    this.metrics.record(durationMs, calls.length, failed, changes.length, durationMs > this.tickMs);
    this.#pipeline.commit(record, calls);
    return record;
  }

  /** Starts the fixed-rate tick loop. A late tick runs at once; no tick and no call is skipped. */
  start(): void {
    this.#loop.start();
  }

  /** Stops the tick loop and resolves once the last tick is committed and fanned out. */
  async stop(): Promise<void> {
    this.#loop.halt();
    await this.#pipeline.flush();
  }

  /** Whether the tick loop is running. */
  get running(): boolean {
    return this.#loop.running;
  }

  // ---- restore: used by recovery, time travel and rewind --------------------------------------

  /**
   * Replaces every table's contents with the given rows (as stored) and sets the tick counter.
   * Row order is kept, so iteration order after a restore equals the order when the rows were read.
   */
  restore(state: { tick: number; tables: Record<string, StoredTable> }): void {
    refillTables(this.tables, this.tableList, state.tables);
    this.#tick = state.tick;
    this.#initialized = state.tick > 0;
    this.#signals.emitRestore({ reason: RESTORE_REASON.RECOVERY, stateOfTick: state.tick, tick: state.tick });
  }

  /** Re-applies a logged tick's changes without running reducers (recovery, time travel). */
  applyChanges(tick: number, changes: readonly LoggedChange[]): void {
    redoChanges(this.tableList, changes);
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
