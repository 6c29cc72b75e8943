import { TickspaceError } from '../../protocol/errors';
import type { Logger } from '../engine-types';
import { TickBudget } from '../sandbox/tick-budget';
import type { AnyRow } from '../change-set';
import type { Identity } from '../identity';
import type { TableState } from './queries';

/** The default of `visibilityBudgetMs`: see {@link VisibilityGuard}. */
export const DEFAULT_VISIBILITY_BUDGET_MS = 1000;

/**
 * The CPU budget of the module code the subscriptions run: the tables' visibility rules, called
 * for every row a client might see (a tick's fan-out, a subscribe, an unsubscribe, a resync).
 * Without one, a rule that never returns (`while (true) {}`) stalls the tick loop for good.
 *
 * One stretch of subscription work (a tick's fan-out, say) runs at a time under V8's timeout (see
 * TickBudget: one timed run costs about 0.1 ms, so the stretch is timed, not each rule call). When
 * the time runs out, V8 stops the stretch wherever it is; each rule call marks its table in flight
 * (see TableState.visible), so the guard knows whose rule was running. That rule is stopped for
 * the rest of the server's run: its rows are hidden from every client, as a rule that throws hides
 * the row it throws for (fail closed: a rule that cannot answer shows nothing). Retrying it at the
 * next tick would cost every tick the whole budget. The caller then rebuilds what the stopped
 * stretch left half done (see Subscriptions).
 *
 * The budget is wall time, so it is set far above what any sane rule costs, a long GC pause
 * included: a stop disables a rule until the server restarts.
 */
export class VisibilityGuard {
  /** The budget of one stretch, ms; 0: none (nothing is timed). */
  readonly budgetMs: number;
  /** The table whose rule is running: set around each rule call, left set by a stop. */
  inFlight: TableState | undefined = undefined;
  /** The row and viewer of the rule call in flight (see confirming a stop in {@link run}). */
  inFlightRow: AnyRow | undefined = undefined;
  inFlightViewer: Identity | undefined = undefined;
  /** Whether any table has a rule: without one no stretch is timed. */
  active = false;
  /** Tables whose rule was stopped, by name, with the message that says so. */
  readonly stopped = new Map<string, string>();
  readonly #budget: TickBudget | undefined;
  readonly #logger: Logger;
  #running = false;

  /**
   * @param budgetMs 0 for none, else at least 1
   * @throws RangeError for a budget that is not 0 or a number of ms >= 1
   */
  constructor(budgetMs: number, logger: Logger) {
    if (!(budgetMs === 0 || (Number.isFinite(budgetMs) && budgetMs >= 1)))
      throw new RangeError(`visibilityBudgetMs must be 0 (none) or a number of ms >= 1, got ${budgetMs}`);
    this.budgetMs = Math.floor(budgetMs);
    this.#budget = budgetMs === 0 ? undefined : new TickBudget(budgetMs, 'the visibility budget');
    this.#logger = logger;
  }

  /**
   * Runs `work` under the budget (untimed when there is none, no rule, or a stretch already
   * running). Returns undefined when it finished. When the budget stopped it: the table whose
   * rule was running, now stopped (logged), or null when no rule was running (the stretch itself
   * was that long). Either way `work` stopped wherever it was. A throw from `work` propagates.
   */
  run(work: () => void): TableState | null | undefined {
    const budget = this.#budget;
    if (budget === undefined || !this.active || this.#running) {
      work();
      return undefined;
    }
    this.#running = true;
    this.inFlight = undefined;
    let finished: boolean;
    try {
      finished = budget.run(work);
    } finally {
      this.#running = false;
    }
    if (finished) return undefined;
    const culprit = this.inFlight;
    this.inFlight = undefined;
    if (culprit === undefined || !this.#runsAway(budget, culprit)) return null;
    this.#stop(culprit);
    return culprit;
  }

  /**
   * Whether the rule that was running when the budget ran out runs away on its own: the same call
   * (row and viewer) again, alone, under the budget. A long stretch of quick rule calls (a large
   * fan-out on a loaded machine) also ends inside some rule; stopping that one would hide a sane
   * table until the server restarts. Costs at most one more budget, only on a stop.
   */
  #runsAway(budget: TickBudget, culprit: TableState): boolean {
    const rule = culprit.rule;
    const row = this.inFlightRow;
    const viewer = this.inFlightViewer;
    this.inFlightRow = undefined;
    this.inFlightViewer = undefined;
    if (rule === undefined || row === undefined || viewer === undefined) return true;
    return !budget.run(() => {
      try {
        rule(row, viewer);
      } catch {
        // A throw is an answer (the row is hidden), not a runaway.
      }
    });
  }

  /**
   * Runs `walk` (a subscribe's, before anything changes) under the budget. A stop refuses the
   * request; when a rule was stopped, `recover` runs first (it rebuilds every client's view, so
   * the rows the rule hid leave their caches).
   * @throws TickspaceError BUDGET_EXCEEDED naming the table
   */
  within<R>(walk: () => R, recover: () => void): R {
    let out: R | undefined;
    const stop = this.run(() => void (out = walk()));
    if (stop === undefined) return out as R;
    if (stop !== null) recover();
    const table = stop === null ? null : stop.store.name;
    throw new TickspaceError('BUDGET_EXCEEDED', this.messageFor(table ?? ''), {
      details: { table, visibilityBudgetMs: this.budgetMs },
    });
  }

  /**
   * Like {@link within} for work that must go on (an unsubscribe): after a stopped rule and
   * `recover`, it runs again; after a stop with no rule running, again untimed.
   */
  retrying<R>(walk: () => R, recover: () => void): R {
    for (;;) {
      let out: R | undefined;
      const stop = this.run(() => void (out = walk()));
      if (stop === undefined) return out as R;
      if (stop === null) return walk();
      recover();
    }
  }

  /** The message of a stopped rule (what the log and a refused subscribe say). */
  messageFor(table: string): string {
    return (
      this.stopped.get(table) ??
      `subscription work ran past the visibility budget of ${this.budgetMs} ms (visibilityBudgetMs) with no visibility rule running long (the work itself took that long)`
    );
  }

  #stop(st: TableState): void {
    const name = st.store.name;
    const message = `the visibility rule of table '${name}' ran past the visibility budget of ${this.budgetMs} ms (visibilityBudgetMs) and was stopped: the table's rows are hidden from every client until the server restarts`;
    this.stopped.set(name, message);
    st.stopped = true;
    this.#logger.error(message);
  }
}
