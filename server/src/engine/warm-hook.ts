import { TickspaceError } from '../protocol/errors';
import type { ModuleDef, ReadonlyDb } from './module';
import type { TickBudget } from './sandbox/tick-budget';

/**
 * Runs a published version's warm hook (see `defineModule`'s `warm`) against the tables as the
 * last tick left them, under `budget` when there is one. Refusing is the only safe answer to a
 * failure: a hook stopped halfway leaves its caches half-filled, and they belong to this version.
 * @throws TickspaceError BUDGET_EXCEEDED (ran past the budget), INVALID_ARGUMENT (the hook threw,
 *   with it as the cause); the publish is refused and nothing changed
 * @example
 * runWarmHook(v2.module, { db: engine.db, tick: engine.tick, reshaped: [] }, budget);
 */
export function runWarmHook(
  module: ModuleDef,
  w: { readonly db: ReadonlyDb<any>; readonly tick: number; readonly reshaped: readonly string[] },
  budget: TickBudget | undefined,
): void {
  const hook = module.warm;
  if (hook === undefined) return;
  const context = Object.freeze({ db: w.db, tick: w.tick, reshaped: Object.freeze([...w.reshaped]) });
  let finished: boolean;
  try {
    if (budget === undefined) {
      hook(context);
      finished = true;
    } else finished = budget.run(() => hook(context));
  } catch (cause) {
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `the module's warm hook threw after tick ${w.tick}: ${(cause as Error)?.message ?? String(cause)}; the publish is refused and the running version goes on`,
      { cause },
    );
  }
  if (!finished)
    throw new TickspaceError(
      'BUDGET_EXCEEDED',
      `the module's warm hook ran past ${budget!.label} of ${budget!.budgetMs} ms after tick ${w.tick}; the publish is refused and the running version goes on`,
      { details: { budgetMs: budget!.budgetMs } },
    );
}
