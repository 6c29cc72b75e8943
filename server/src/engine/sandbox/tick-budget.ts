import vm from 'node:vm';

/**
 * A wall-clock CPU budget for a stretch of synchronous work, enforced by V8: the work runs inside a
 * `node:vm` script with `timeout`, and when the time is up V8 terminates it wherever it is (a
 * `while (true) {}` included). Termination unwinds every frame up to here without running `catch`
 * or `finally` blocks, so the caller must keep its own progress in fields it can read afterwards
 * (the engine does: see call-runner.ts).
 *
 * One timed run costs about 0.1 ms (Node starts a watchdog thread for it), so the engine times a
 * whole tick's calls at once rather than each call.
 */
export class TickBudget {
  /** The budget of one run, ms. */
  readonly budgetMs: number;
  /** What the budget is, as an abort's message names it. */
  readonly label: string;
  readonly #script = new vm.Script('run()', { filename: 'tickspace-tick-budget' });
  readonly #context: { run: () => void };

  /** @param label what the budget is, for messages @default "the tick's CPU budget" */
  constructor(budgetMs: number, label = "the tick's CPU budget") {
    if (!(Number.isFinite(budgetMs) && budgetMs >= 1))
      throw new RangeError(`a tick budget is a number of ms >= 1, got ${budgetMs}`);
    this.budgetMs = Math.floor(budgetMs);
    this.label = label;
    this.#context = vm.createContext({ run: () => {} }) as { run: () => void };
  }

  /**
   * Runs `work` under the budget. Returns true when it finished, false when the budget ran out and
   * V8 terminated it. A throw from `work` propagates.
   */
  run(work: () => void): boolean {
    this.#context.run = work;
    try {
      this.#script.runInContext(this.#context, { timeout: this.budgetMs });
      return true;
    } catch (error) {
      if ((error as { code?: unknown })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
      throw error;
    } finally {
      this.#context.run = noop;
    }
  }
}

const noop = () => {};
