import { CALLER_FAULT_CODES, ReducerError, TickspaceError } from '../protocol/errors';
import { decodeArgsJson } from './args';
import type { AnyRow, ChangeOp } from './change-set';
import { CALL_ORIGIN, type CallResult, type Logger } from './engine-types';
import { SERVER_IDENTITY } from './identity';
import { OK, QueuedCall } from './queued-call';
import type { Context } from './reducer-context';
import { refuseThenable } from './refuse-thenable';
import type { TickBudget } from './sandbox/tick-budget';
import type { ServerSchema } from './server-schema';
import { SCHEDULE_TABLE } from './system-tables';
import type { StoreContext } from './store-context';
import type { TableStore } from './table-store';

/** What the runner reads from its engine: the live tables and reducer table (a publish or migration replaces them). */
export interface CallHost {
  readonly tables: Readonly<Record<string, TableStore>>;
  readonly tableList: readonly TableStore[];
  readonly schema: ServerSchema;
  readonly tickMs: number;
}

/**
 * Runs a tick's calls, each as a transaction over the tick's change list: the queued calls in
 * arrival order, then the due scheduled calls, under the tick's CPU budget if there is one. A
 * failed call's writes are undone; a budget abort is repaired and rolled back (see abortInFlight).
 */
export class CallRunner {
  readonly #host: CallHost;
  readonly #store: StoreContext;
  readonly #ctx: Context;
  readonly #logger: Logger;
  readonly #budget: TickBudget | undefined;
  #writeRepairs = 0;
  /** Calls of the next tick whose logged outcome was a budget abort (replay): call index -> message. */
  #reproduceAborts: ReadonlyMap<number, string> | undefined;
  /** Progress of the running tick, in fields: a budget abort unwinds the stack without a catch. */
  #failed = 0;
  /** How many calls the tick had recorded before its queued calls: see runCalls. */
  #queueBase = 0;
  #inFlight: QueuedCall | undefined;
  /** The change list's length when the call in flight began (before its schedule bookkeeping). */
  #startMark = 0;
  /** Its length when the call's reducer began: a failure undoes back to here. */
  #inFlightMark = 0;
  /** Whether the call in flight has an outcome to record whatever stops it (see run). */
  #started = false;
  /** When the running budget window should be renewed at the next check between calls. */
  #renewAt = Infinity;
  #renewing = false;

  constructor(
    host: CallHost,
    store: StoreContext,
    ctx: Context,
    logger: Logger,
    budget: TickBudget | undefined,
  ) {
    this.#host = host;
    this.#store = store;
    this.#ctx = ctx;
    this.#logger = logger;
    this.#budget = budget;
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

  /** How many calls of the running tick failed. */
  get failed(): number {
    return this.#failed;
  }

  /** Starts a tick's count of failed calls. */
  beginTick(): void {
    this.#failed = 0;
  }

  /** Ends a tick: the aborts to reproduce applied to it only. */
  endTick(): void {
    this.#reproduceAborts = undefined;
  }

  /**
   * Replay: the next tick reproduces these calls' logged budget aborts (by call index, with the
   * logged message) instead of running their bodies, so a replay never depends on timing.
   */
  reproduceAborts(aborts: ReadonlyMap<number, string>): void {
    this.#reproduceAborts = aborts.size === 0 ? undefined : aborts;
  }

  /** Runs the tick's queued calls, then its due scheduled calls (under the budget if there is one). */
  runCalls(queue: readonly QueuedCall[], tick: number, calls: QueuedCall[], changes: ChangeOp[]): void {
    // Each queued call adds exactly one entry to `calls`, in the step that records it, so their
    // count is the queue's cursor: a stop anywhere leaves it naming the first call not recorded.
    this.#queueBase = calls.length;
    if (this.#budget === undefined) {
      this.#runQueue(queue, calls, changes);
      this.#runDueSchedules(tick, calls, changes);
    } else this.#runBudgeted(this.#budget, queue, tick, calls, changes);
  }

  /**
   * Runs the queued calls in arrival order. A method of its own so that
   * the long loop is optimised as a whole function rather than by on-stack replacement inside
   * runTick, whose tail (schedules, commit) the loop's compilation had no feedback for.
   */
  #runQueue(queue: readonly QueuedCall[], calls: QueuedCall[], changes: ChangeOp[]): void {
    // After a budget abort the tick resumes at the first call without an outcome.
    for (let i = calls.length - this.#queueBase; i < queue.length; i++) {
      this.run(queue[i]!, calls, changes);
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
   * consistent table. A call stopped before its reducer began is put back instead: its schedule
   * bookkeeping undone (a one-shot's row restored, a repeating one's time unmoved) and nothing
   * recorded, so the resumed tick runs it as if the stop had come before it.
   */
  #abortInFlight(budget: TickBudget, calls: QueuedCall[], changes: ChangeOp[]): void {
    const store = this.#store;
    store.tx = null;
    const call = this.#inFlight;
    this.#inFlight = undefined;
    if (store.write.table >= 0) {
      this.#host.tableList[store.write.table]!.repairWrite(changes);
      this.#writeRepairs++;
    }
    // Stopped between calls, or after the call was recorded: nothing to abort.
    if (call === undefined || calls[calls.length - 1] === call) return;
    if (!this.#started) {
      this.#undoTo(this.#startMark, changes);
      return;
    }
    this.#undoTo(this.#inFlightMark, changes);
    const result = budgetExceeded(call.reducer, budget);
    call.result = result;
    this.#logger.warn(`tick ${this.#ctx.tick}: ${result.message}`);
    calls.push(call);
    this.#failed++;
  }

  #undoTo(mark: number, changes: ChangeOp[]): void {
    for (let i = changes.length - 1; i >= mark; i--)
      this.#host.tableList[changes[i]!.tableId]!.undo(changes[i]!);
    changes.length = mark;
  }

  #runDueSchedules(tick: number, calls: QueuedCall[], changes: ChangeOp[]): void {
    const schedule = this.#host.tables[SCHEDULE_TABLE]!;
    for (;;) {
      const due = schedule.range('dueTick', { lte: tick });
      if (due.length === 0) return;
      for (const row of due) {
        const reducer = row.reducer as string;
        const fn = this.#host.schema.reducers.byName(reducer)?.fn ?? missingReducer(reducer);
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
        this.run(call, calls, changes, row);
        if (this.#windowSpent()) return;
      }
    }
  }

  /**
   * Runs one call outside the tick's calls (the first tick's `__init`) under `budget` when given:
   * a call that runs past it is stopped, rolled back and recorded as BUDGET_EXCEEDED like any call
   * (its logged outcome, so replay reproduces it through reproduceAborts).
   */
  runAlone(call: QueuedCall, calls: QueuedCall[], changes: ChangeOp[], budget: TickBudget | undefined): void {
    if (budget === undefined) this.run(call, calls, changes);
    else if (!budget.run(() => this.run(call, calls, changes))) this.#abortInFlight(budget, calls, changes);
  }

  /** Runs one call as a transaction; `scheduleRow` bookkeeping survives a failed call. */
  run(call: QueuedCall, calls: QueuedCall[], changes: ChangeOp[], scheduleRow?: AnyRow): CallResult {
    const store = this.#store;
    // The call writes straight into the tick's change list; a failure undoes back to `mark`.
    const tx = changes;
    const callIndex = calls.length;
    // In flight from here, not yet started: a stop before `#started` puts the call back (see
    // abortInFlight). The marks and the flag are set before `#inFlight`, so they are never stale.
    this.#startMark = tx.length;
    this.#started = false;
    this.#inFlight = call;
    store.tx = tx;
    store.callIndex = callIndex;
    this.#ctx.reset(call.sender, call.reducer, callIndex);
    if (scheduleRow !== undefined) {
      const schedule = this.#host.tables[SCHEDULE_TABLE]!;
      const everyMs = scheduleRow.everyMs as number;
      this.#ctx.setScheduled(scheduleRow.id as number, everyMs);
      if (everyMs > 0) {
        const atMs = (scheduleRow.atMs as number) + everyMs;
        schedule.update({
          ...scheduleRow,
          atMs,
          dueTick: Math.max(Math.ceil(atMs / this.#host.tickMs), this.#ctx.tick + 1),
        });
      } else schedule.delete(scheduleRow.id);
    }
    const mark = tx.length;
    let result: CallResult;
    this.#inFlightMark = mark;
    const aborted = this.#reproduceAborts?.get(callIndex);
    // Started: from here the call has an outcome whatever stops it, its own or BUDGET_EXCEEDED.
    // Schedule bookkeeping above survives a failed call; only the reducer's own writes roll back.
    this.#started = true;
    if (aborted !== undefined) result = { ok: false, code: 'BUDGET_EXCEEDED', message: aborted };
    else
      try {
        const returned = call.invoke(this.#ctx);
        result =
          returned === undefined
            ? this.#returnedNothing(call.reducer)
            : this.#returned(call.reducer, returned);
      } catch (error) {
        // Entry by entry, each undo recorded as a write: a budget abort mid-rollback is repaired.
        while (tx.length > mark) this.#host.tableList[tx[tx.length - 1]!.tableId]!.undoLast(tx);
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

  /**
   * The result of a call that returned something: its value when the reducer declares `returns`
   * (checked there, inside the transaction, so a misfit rolls the call back), else OK (an
   * undeclared value is ignored; a promise is refused).
   * @throws TickspaceError SANDBOX_VIOLATION for a thenable, INVALID_RETURN for a misfit.
   */
  #returned(reducer: string, value: unknown): CallResult {
    refuseThenable(value, reducer, this.#logger);
    const rule = this.#host.schema.reducers.byName(reducer)?.returns;
    if (rule === undefined) return OK;
    rule.check(value);
    return { ok: true, value: rule.normalize(value), returns: rule.shape };
  }

  /**
   * OK, logged as a call without a value (none needs no bytes), unless the reducer declares a type
   * that is not optional: then INVALID_RETURN, a module bug.
   */
  #returnedNothing(reducer: string): CallResult {
    // Most modules declare no return type: then the reducer's entry is not looked up per call.
    const reducers = this.#host.schema.reducers;
    if (reducers.anyReturns) reducers.byName(reducer)?.returns?.requireValue();
    return OK;
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
}

const budgetExceeded = (reducer: string, budget: TickBudget) => ({
  ok: false as const,
  code: 'BUDGET_EXCEEDED',
  message: `reducer '${reducer}' ran past ${budget.label} of ${budget.budgetMs} ms and was aborted; its writes were rolled back`,
});

/** The body of a call whose reducer the running module no longer has: it fails with UNKNOWN_REDUCER. */
export const missingReducer = (name: string) => () => {
  throw new TickspaceError('UNKNOWN_REDUCER', `scheduled reducer '${name}' no longer exists in the module`);
};
