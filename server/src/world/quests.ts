import type { Identity } from '../engine';
import type { FrontierDb } from './runtime';

/** What a reducer's outcome counts toward: the goal kinds of `quest_step`. */
export type QuestEvent = 'gather' | 'craft' | 'build';

/**
 * Advances every quest whose current step `owner` is on asks for `amount` of `target` of this
 * kind. Called by the reducers that finish a gather, a craft or a building, inside their
 * transaction, so progress is logged with the outcome that earned it. A step whose goal is met
 * moves the player to the next step with a count of 0 (the surplus does not carry over: each step
 * is its own task); past the last step the quest is complete (`step` = number of steps). A content
 * edit that appends steps thus reopens a completed quest at its first new step.
 */
export function advanceQuests(
  db: FrontierDb,
  owner: Identity,
  kind: QuestEvent,
  target: string,
  amount: number,
): void {
  if (amount <= 0) return;
  for (const quest of db.quest_def.iter()) {
    const row = db.quest_progress.find([owner, quest.id]);
    const stepIndex = row?.step ?? 0;
    const step = db.quest_step.find([quest.id, stepIndex]);
    if (step === undefined || step.goalKind !== kind || step.target !== target) continue;
    const count = (row?.count ?? 0) + amount;
    const next =
      count >= step.quantity
        ? { owner, questId: quest.id, step: stepIndex + 1, count: 0 }
        : { owner, questId: quest.id, step: stepIndex, count };
    if (row === undefined) db.quest_progress.insert(next);
    else db.quest_progress.update(next);
  }
}
