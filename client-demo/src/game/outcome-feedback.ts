import { watchTables } from '../ui/dom';
import { failureSentence, subjectOfAction, type FailureSubject } from '../ui/failure-words';
import { FLOATER_KIND, type FloaterKind, type Floaters } from '../ui/floaters';
import { itemCounts, TOAST_KIND, type GameContext, type ToastKind } from '../ui/game-context';
import { engineSentence, noticeKind } from '../ui/messages';
import type { Unsubscribe } from '../world/world-view';
import { itemAmount, listPhrase, skillDisplayName } from '../world/words';

/** Floaters one backpack change shows at most: a trade of many kinds must not fill the screen. */
const MAX_FLOATER_LINES = 4;

/** Options of {@link OutcomeFeedback}. */
export interface OutcomeFeedbackOptions {
  readonly ctx: GameContext;
  readonly floaters: Floaters;
  /** Shows a toast with its code kept in `data-code`. */
  readonly toast: (text: string, kind: ToastKind, code?: string) => void;
  /** Where floaters start: above the player's head, CSS px over the canvas (undefined: not drawn yet). */
  readonly anchor: () => { readonly x: number; readonly y: number } | undefined;
}

/** What an action was, kept after its row is gone (its notice and its items arrive in the same tick). */
interface EndedAction {
  readonly kind: string;
  readonly target: number;
  readonly recipeId: string;
}

/**
 * Feedback for every outcome: items gained or used float over the player (`+2 Plant Fiber`), a
 * finished craft and a level-up are announced, and refusals (a call's or a notice's) are sentences
 * built from the code and what the call or action was about, never a code.
 */
export class OutcomeFeedback {
  readonly #o: OutcomeFeedbackOptions;
  readonly #offs: Unsubscribe[];
  /** Backpack counts after the last change, undefined until the player's backpack is known. */
  #counts: Map<string, number> | undefined;
  /** The player's current or last action: a notice that arrives with its end is about it. */
  #action: EndedAction | undefined;
  /** A craft that ended since the last backpack change (its outputs are announced). */
  #craftEnded: string | undefined;

  constructor(options: OutcomeFeedbackOptions) {
    this.#o = options;
    const { ctx } = options;
    const mine = (owner: string) => owner === ctx.identity();
    const actions = ctx.view.table('action');
    const skills = ctx.view.table('skill');
    this.#offs = [
      actions.onInsert((a) => {
        if (mine(a.owner)) this.#action = a;
      }),
      actions.onUpdate((_o, a) => {
        if (mine(a.owner)) this.#action = a;
      }),
      actions.onDelete((a) => {
        if (!mine(a.owner)) return;
        this.#action = a;
        if (a.kind === 'craft') this.#craftEnded = a.recipeId;
      }),
      ctx.view.table('notice').onInsert((n) => {
        if (!mine(n.owner)) return;
        const kind = noticeKind(n.code);
        const text =
          kind === TOAST_KIND.ERROR
            ? this.failure(n.code, n.text, this.#action === undefined ? {} : subjectOfAction(this.#action))
            : failureSentence(n.code, n.text, this.#context({}));
        options.toast(text, kind, n.code);
      }),
      skills.onUpdate((old, row) => {
        if (mine(row.owner) && row.level > old.level) this.#levelUp(row.skillId, row.level);
      }),
      skills.onInsert((row) => {
        if (mine(row.owner) && row.level > 1) this.#levelUp(row.skillId, row.level);
      }),
      watchTables(ctx.view, ['inventory', 'container'], () => this.#backpackChanged()),
      ctx.view.table('player').onInsert((p) => {
        if (mine(p.identity)) this.#backpackChanged();
      }),
    ];
    this.#backpackChanged();
  }

  /**
   * A refusal as a sentence: the engine's codes (rate limits, timeouts) have fixed ones, game rules
   * are rebuilt from the code and the subject (see `ui/failure-words.ts`).
   */
  failure(code: string | undefined, message: string, subject: FailureSubject): string {
    return (
      (code === undefined ? undefined : engineSentence(code)) ??
      failureSentence(code ?? '', message, this.#context(subject))
    );
  }

  /** Removes the listeners. */
  destroy(): void {
    for (const off of this.#offs) off();
  }

  #context(subject: FailureSubject) {
    const ctx = this.#o.ctx;
    return { view: ctx.view, identity: ctx.identity(), counts: itemCounts(ctx), subject };
  }

  #levelUp(skillId: string, level: number): void {
    const name = skillDisplayName(this.#o.ctx.view, skillId);
    this.#float(`Level up! ${name} ${level}`, FLOATER_KIND.LEVEL);
  }

  #backpackChanged(): void {
    const ctx = this.#o.ctx;
    if (ctx.me() === undefined) return;
    const now = itemCounts(ctx);
    const before = this.#counts;
    this.#counts = now;
    const crafted = this.#craftEnded;
    this.#craftEnded = undefined;
    if (before === undefined) return;
    const ids = new Set([...before.keys(), ...now.keys()]);
    const gained: [string, number][] = [];
    const lost: [string, number][] = [];
    for (const id of ids) {
      const d = (now.get(id) ?? 0) - (before.get(id) ?? 0);
      if (d > 0) gained.push([id, d]);
      else if (d < 0) lost.push([id, -d]);
    }
    // Losses first, so the gain (what the player worked for) ends on top of the stack.
    this.#floatList(lost, '−', FLOATER_KIND.LOSS);
    this.#floatList(gained, '+', FLOATER_KIND.GAIN);
    if (crafted !== undefined && gained.length > 0) {
      const made = listPhrase(gained.map(([id, n]) => itemAmount(ctx.view, id, n)));
      this.#o.toast(`Crafted ${made}.`, TOAST_KIND.SUCCESS);
    }
  }

  /** One floater per item, at most {@link MAX_FLOATER_LINES}; past that, one that counts the rest. */
  #floatList(items: readonly [string, number][], sign: string, kind: FloaterKind): void {
    const view = this.#o.ctx.view;
    const shown = items.length > MAX_FLOATER_LINES ? MAX_FLOATER_LINES - 1 : items.length;
    for (let i = 0; i < shown; i++)
      this.#float(`${sign}${itemAmount(view, items[i]![0], items[i]![1])}`, kind);
    if (shown < items.length) this.#float(`${sign}${items.length - shown} more kinds of item`, kind);
  }

  #float(text: string, kind: FloaterKind): void {
    const at = this.#o.anchor();
    if (at !== undefined) this.#o.floaters.show(text, kind, at.x, at.y);
  }
}
