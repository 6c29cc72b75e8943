import { h, watchTables } from '../ui/dom';
import { itemCounts, itemName, type GameContext } from '../ui/game-context';
import { iconUrl } from '../ui/item-icon';
import { syncList } from './keyed-list';
import './loop.css';

interface NeedRow {
  readonly itemId: string;
  readonly quantity: number;
  readonly delivered: number;
  readonly have: number;
}

/**
 * The town project panel (P): the project's stage, what the stage still needs with a bar per
 * material and a Give button (as many as you carry, up to what is missing), and who has
 * contributed most. Contributions go in from anywhere; a finished stage raises its building on
 * the site for everyone.
 */
export class ProjectPanel {
  readonly element: HTMLElement;
  readonly #ctx: GameContext;
  readonly #title = h('span', {}, 'Town project');
  readonly #description = h('p', { class: 'loop-note' });
  readonly #stage = h('p', { class: 'loop-stage' });
  readonly #needs = h('ul', { class: 'loop-list', 'data-list': 'needs' });
  readonly #contributors = h('ol', { class: 'loop-contributors' });
  readonly #off: () => void;
  #projectId: string | undefined;

  constructor(ctx: GameContext) {
    this.#ctx = ctx;
    this.element = h(
      'section',
      { class: 'loop-panel project-panel', 'data-panel': 'project', hidden: true },
      h(
        'header',
        {},
        this.#title,
        h('kbd', {}, 'P'),
        h('button', { class: 'close', title: 'Close', onclick: () => this.toggle(false) }, '×'),
      ),
      this.#description,
      this.#stage,
      this.#needs,
      h('h4', {}, 'Top contributors'),
      this.#contributors,
    );
    this.#off = watchTables(
      ctx.view,
      [
        'project_def',
        'project_stage',
        'project_need',
        'project_state',
        'project_delivery',
        'project_contributor',
        'inventory',
      ],
      () => this.render(),
    );
  }

  /** Shows or hides the panel; returns whether it is now visible. */
  toggle(visible = this.element.hidden): boolean {
    this.element.hidden = !visible;
    if (visible) this.render();
    return visible;
  }

  /** Opens the panel on one project (a click on its building). */
  open(projectId: string): void {
    this.#projectId = projectId;
    this.toggle(true);
  }

  render(): void {
    if (this.element.hidden) return;
    const view = this.#ctx.view;
    const projects = view
      .table('project_def')
      .iter()
      .sort((a, b) => a.position - b.position);
    const def = projects.find((p) => p.id === this.#projectId) ?? projects[0];
    if (def === undefined) {
      this.#title.textContent = 'Town project';
      this.#stage.textContent = 'This world has no town project.';
      return;
    }
    this.element.dataset.project = def.id;
    this.#title.textContent = def.name;
    this.#description.textContent = def.description;
    const stages = view
      .table('project_stage')
      .iter()
      .filter((s) => s.projectId === def.id)
      .sort((a, b) => a.position - b.position);
    const at = view.table('project_state').find(def.id)?.stage ?? 0;
    this.element.dataset.stage = String(at);
    const stage = stages[at];
    if (stage === undefined) {
      this.#stage.textContent = `Complete: all ${stages.length} stages built. Thank you!`;
      syncList(
        this.#needs,
        [],
        () => '',
        () => h('li'),
        () => {},
      );
    } else {
      this.#stage.textContent = `Stage ${at + 1} of ${stages.length}: ${stage.name}`;
      const counts = itemCounts(this.#ctx);
      const needs: NeedRow[] = view
        .table('project_need')
        .iter()
        .filter((n) => n.projectId === def.id && n.stage === at)
        .sort((a, b) => a.position - b.position)
        .map((n) => ({
          itemId: n.itemId,
          quantity: n.quantity,
          delivered: view.table('project_delivery').find([def.id, n.itemId] as never)?.quantity ?? 0,
          have: counts.get(n.itemId) ?? 0,
        }));
      syncList(
        this.#needs,
        needs,
        (n) => `${at}:${n.itemId}`,
        (n) => {
          const item = view.table('item_def').find(n.itemId);
          return h(
            'li',
            { 'data-item': n.itemId },
            h('img', { src: iconUrl(item?.iconShape ?? 'circle', item?.iconColor ?? '#999'), alt: '' }),
            h('span', { class: 'name' }, itemName(this.#ctx, n.itemId)),
            h('span', { class: 'bar' }, h('span', { class: 'fill' })),
            h('span', { class: 'qty' }),
            h('button', { 'data-action': 'give' }, 'Give'),
          );
        },
        (li, n) => {
          const missing = n.quantity - n.delivered;
          const give = Math.min(missing, n.have);
          li.dataset.delivered = String(n.delivered);
          (li.querySelector('.fill') as HTMLElement).style.width = `${(100 * n.delivered) / n.quantity}%`;
          li.querySelector('.qty')!.textContent = `${n.delivered}/${n.quantity}`;
          const btn = li.querySelector('button') as HTMLButtonElement;
          btn.disabled = give <= 0;
          btn.textContent = missing <= 0 ? 'Done' : give > 0 ? `Give ${give}` : 'Give';
          btn.title =
            give > 0
              ? ''
              : missing <= 0
                ? 'Delivered in full'
                : `You carry no ${itemName(this.#ctx, n.itemId)}`;
          btn.onclick = () =>
            void this.#ctx
              .call('contribute', { project: def.id, itemId: n.itemId, quantity: give })
              .then((ok) => {
                if (ok)
                  this.#ctx.toast(`Gave ${give} ${itemName(this.#ctx, n.itemId)} to ${def.name}.`, 'success');
              });
        },
      );
    }
    const top = view
      .table('project_contributor')
      .iter()
      .filter((c) => c.projectId === def.id)
      .sort((a, b) => b.items - a.items || a.name.localeCompare(b.name))
      .slice(0, 5);
    syncList(
      this.#contributors,
      top,
      (c) => c.owner,
      (c) => h('li', { 'data-player': c.name }),
      (li, c) => {
        li.textContent = `${c.name} · ${c.items}`;
      },
    );
  }

  destroy(): void {
    this.#off();
    this.element.remove();
  }
}
