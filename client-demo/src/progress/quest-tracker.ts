import { h, replaceChildren, watchTables } from '../ui/dom';
import { TOAST_KIND, type GameContext } from '../ui/game-context';
import type { RowOf } from '../world/rows';
import type { Unsubscribe } from '../world/world-view';

type QuestStepRow = RowOf<'quest_step'>;

/** The quest the tracker shows: the first unfinished one, its current step and progress. */
interface TrackedQuest {
  readonly questId: string;
  readonly name: string;
  /** 0-based index of the current step. */
  readonly index: number;
  readonly steps: number;
  readonly step: QuestStepRow;
  readonly count: number;
}

/** The steps of a quest in order. */
function stepsOf(ctx: GameContext, questId: string): QuestStepRow[] {
  return ctx.view
    .table('quest_step')
    .iter()
    .filter((s) => s.questId === questId)
    .sort((a, b) => a.position - b.position);
}

/** The first quest (in content order) the local player has not finished, or undefined when all are done. */
function trackedQuest(ctx: GameContext): TrackedQuest | undefined {
  const me = ctx.identity();
  if (me === undefined) return undefined;
  const quests = ctx.view
    .table('quest_def')
    .iter()
    .sort((a, b) => a.position - b.position);
  for (const quest of quests) {
    const steps = stepsOf(ctx, quest.id);
    const progress = ctx.view.table('quest_progress').find([me, quest.id]);
    const index = progress?.step ?? 0;
    const step = steps[index];
    if (step === undefined) continue;
    return {
      questId: quest.id,
      name: quest.name,
      index,
      steps: steps.length,
      step,
      count: progress?.count ?? 0,
    };
  }
  return undefined;
}

/**
 * The quest tracker in the top-left corner: the current step, its progress (N/M) and the hint that
 * points at the next resource or recipe. A finished step or quest shows a short toast.
 */
export class QuestTracker {
  readonly element = h('section', { class: 'quest-tracker', 'data-panel': 'quests', hidden: true });
  readonly #ctx: GameContext;
  readonly #offs: Unsubscribe[];

  constructor(ctx: GameContext) {
    this.#ctx = ctx;
    const progress = ctx.view.table('quest_progress');
    const advanced = (row: RowOf<'quest_progress'>, before: number) => {
      if (row.owner !== ctx.identity() || row.step <= before) return;
      const steps = stepsOf(ctx, row.questId);
      const name = ctx.view.table('quest_def').find(row.questId)?.name ?? row.questId;
      if (row.step >= steps.length) ctx.toast(`Quest complete: ${name}`, TOAST_KIND.SUCCESS);
      else {
        const done = steps[row.step - 1];
        if (done !== undefined) ctx.toast(`Done: ${done.text}`, TOAST_KIND.SUCCESS);
      }
    };
    this.#offs = [
      watchTables(ctx.view, ['quest_def', 'quest_step', 'quest_progress'], () => this.render()),
      progress.onUpdate((old, row) => advanced(row, old.step)),
      progress.onInsert((row) => advanced(row, 0)),
    ];
    this.render();
  }

  render(): void {
    const q = trackedQuest(this.#ctx);
    this.element.hidden = q === undefined;
    if (q === undefined) return;
    this.element.dataset.quest = q.questId;
    this.element.dataset.step = String(q.index);
    replaceChildren(
      this.element,
      h('div', { class: 'quest-name' }, `${q.name} · ${q.index + 1}/${q.steps}`),
      h(
        'div',
        { class: 'quest-step' },
        h('span', { class: 'text' }, q.step.text),
        h('span', { class: 'count' }, `${Math.min(q.count, q.step.quantity)}/${q.step.quantity}`),
      ),
      h('div', { class: 'quest-hint' }, q.step.hint),
    );
  }

  destroy(): void {
    for (const off of this.#offs) off();
    this.element.remove();
  }
}
