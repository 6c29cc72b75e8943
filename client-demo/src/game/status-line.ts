import { h } from '../ui/dom';
import type { WorldView } from '../world/world-view';
import type { WalkGoal } from './auto-walk';

/** What the player is doing, for the status line: a sentence and an action's progress (-1: none). */
export interface Activity {
  readonly text: string;
  /** 0..1 through the running action, or -1 without one. */
  readonly progress: number;
  /** The running action's kind, or '' (tests read it from the element). */
  readonly action: string;
}

/** What the game is in the middle of, besides the server's action row. */
export interface ActivityInput {
  /** The building being placed, and why the ghost's spot is refused ('' when it is fine). */
  readonly placing: { readonly name: string; readonly valid: boolean; readonly reason: string } | undefined;
  readonly goal: WalkGoal | undefined;
}

/**
 * The player's activity: the server's running action first (gathering, crafting, building, with
 * its progress at `serverNow`), then build mode, then an auto-walk's destination.
 */
export function describeActivity(
  view: WorldView,
  identity: string | undefined,
  serverNow: number,
  input: ActivityInput,
): Activity {
  const action = identity === undefined ? undefined : view.table('action').find(identity);
  if (action !== undefined) {
    const text =
      action.kind === 'gather'
        ? `Gathering ${nodeName(view, action.target)}`
        : action.kind === 'craft'
          ? `Crafting ${view.table('recipe_def').find(action.recipeId)?.name ?? action.recipeId}`
          : `Building ${view.table('building_def').find(view.table('building').find(action.target)?.buildingId ?? '')?.name ?? ''}`;
    const progress = Math.min(
      1,
      Math.max(0, (serverNow - action.startedMs) / Math.max(1, action.endsMs - action.startedMs)),
    );
    return { text, progress, action: action.kind };
  }
  const p = input.placing;
  if (p !== undefined)
    return { text: `Placing ${p.name}${p.valid ? '' : ` — ${p.reason}`}`, progress: -1, action: '' };
  const g = input.goal;
  const text =
    g === undefined
      ? ''
      : g.kind === 'gather'
        ? `Walking to ${nodeName(view, g.nodeId)}`
        : g.kind === 'construct'
          ? 'Walking to the site'
          : g.kind === 'trade'
            ? `Walking to ${g.name} to trade`
            : '';
  return { text, progress: -1, action: '' };
}

function nodeName(view: WorldView, id: number): string {
  const node = view.table('resource_node').find(id);
  return (
    (node === undefined ? undefined : view.table('resource_def').find(node.resourceId)?.name) ?? 'resource'
  );
}

/** The status line over the canvas; redraws only when its text or progress (in 2% steps) changes. */
export class StatusLine {
  readonly element = h('div', { class: 'status', 'data-panel': 'status' });
  #key = '';

  show(a: Activity): void {
    const key = `${a.text}/${a.progress < 0 ? -1 : Math.round(a.progress * 50)}`;
    if (key === this.#key) return;
    this.#key = key;
    const el = this.element;
    el.hidden = a.text === '';
    el.dataset.action = a.action;
    el.replaceChildren(
      h('span', {}, a.text),
      a.progress < 0
        ? ''
        : h('div', { class: 'bar' }, h('div', { style: `width:${(a.progress * 100).toFixed(1)}%` })),
    );
  }
}
