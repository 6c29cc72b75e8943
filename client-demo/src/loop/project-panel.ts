import { h, watchTables } from '../ui/dom';
import { itemCounts, itemName } from '../ui/game-context';
import { iconUrl } from '../ui/item-icon';
import { syncList } from './keyed-list';
import { distanceToRect, standPoints, type LoopHost } from './loop-host';
import { projectSite } from './project-site-marks';
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
 * contributed most. Materials are carried to the site (the server takes them only from a
 * player within reach, as a chest does): Give from afar walks the player there first, around
 * obstacles, and gives on arrival; the panel says how far the site is. A finished stage raises
 * its building on the site for everyone.
 */
export class ProjectPanel {
  readonly element: HTMLElement;
  readonly #ctx: LoopHost;
  readonly #title = h('span', {}, 'Town project');
  readonly #description = h('p', { class: 'loop-note' });
  readonly #stage = h('p', { class: 'loop-stage' });
  readonly #reach = h('p', { class: 'loop-note', 'data-note': 'reach' });
  readonly #needs = h('ul', { class: 'loop-list', 'data-list': 'needs' });
  readonly #contributors = h('ol', { class: 'loop-contributors' });
  readonly #offs: (() => void)[];
  #projectId: string | undefined;
  /** The need whose Give is waiting for the player to reach the site. */
  #pending: string | undefined;
  /** Where the player may still try to stand by the site (the walk under way first). */
  #stands: { x: number; y: number }[] = [];

  constructor(ctx: LoopHost) {
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
      this.#reach,
      this.#needs,
      h('h4', {}, 'Top contributors'),
      this.#contributors,
    );
    this.#offs = [
      ctx.view.table('avatar').onUpdate((_old, row) => {
        if (!this.element.hidden && row.identity === ctx.identity()) this.#renderReach();
      }),
    ];
    this.#offs.push(
      watchTables(
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
      ),
    );
  }

  /** Shows or hides the panel; returns whether it is now visible. */
  toggle(visible = this.element.hidden): boolean {
    this.element.hidden = !visible;
    if (visible) this.render();
    else this.#cancelWalk();
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
    this.#projectId ??= def.id;
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
          btn.onclick = () => this.#onGive(def.id, n.itemId);
        },
      );
    }
    this.#renderReach();
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

  /** How many of `itemId` a Give hands over now: what the player carries, up to what is missing. */
  #giveQuantity(projectId: string, itemId: string): number {
    const view = this.#ctx.view;
    const at = view.table('project_state').find(projectId)?.stage ?? 0;
    const need = view
      .table('project_need')
      .iter()
      .find((n) => n.projectId === projectId && n.stage === at && n.itemId === itemId);
    if (need === undefined) return 0;
    const delivered = view.table('project_delivery').find([projectId, itemId] as never)?.quantity ?? 0;
    return Math.min(need.quantity - delivered, itemCounts(this.#ctx).get(itemId) ?? 0);
  }

  #onGive(projectId: string, itemId: string): void {
    if (this.#distance(projectId) <= this.#reachTiles()) return this.#give(projectId, itemId);
    const me = this.#ctx.avatar();
    const site = projectSite(this.#ctx.view, projectId);
    if (me === undefined || site === undefined) return;
    this.#pending = itemId;
    this.#stands = standPoints(
      me.x,
      me.y,
      site.x,
      site.y,
      site.width,
      site.height,
      this.#reachTiles() * 0.45,
    );
    this.#walkOn();
    this.#renderReach();
  }

  #give(projectId: string, itemId: string): void {
    const give = this.#giveQuantity(projectId, itemId);
    if (give <= 0) return;
    const name = this.#ctx.view.table('project_def').find(projectId)?.name ?? 'the project';
    void this.#ctx.call('contribute', { project: projectId, itemId, quantity: give }).then((ok) => {
      if (ok) this.#ctx.toast(`Gave ${give} ${itemName(this.#ctx, itemId)} to ${name}.`, 'success');
    });
  }

  /** Reach to a site (tiles from its edge to the player's centre), as the server counts it. */
  #reachTiles(): number {
    const s = this.#ctx.view.table('settings').find(0);
    return (s?.reachTiles ?? 1.5) + (s?.playerRadiusTiles ?? 0.3);
  }

  /** The player's distance to a project's site, tiles; Infinity when either is unknown. */
  #distance(projectId: string): number {
    const me = this.#ctx.avatar();
    const site = projectSite(this.#ctx.view, projectId);
    if (me === undefined || site === undefined) return Infinity;
    return distanceToRect(me.x, me.y, site.x, site.y, site.width, site.height);
  }

  /** Walks to the next place to stand; false when none is left. */
  #walkOn(): boolean {
    const p = this.#stands.shift();
    if (p === undefined) return false;
    this.#ctx.walkTo(p.x, p.y);
    return true;
  }

  #cancelWalk(): void {
    this.#pending = undefined;
    this.#stands = [];
  }

  /** The distance note, and a waiting Give once the player stands by the site. */
  #renderReach(): void {
    const projectId = this.#projectId;
    if (projectId === undefined) return;
    const d = this.#distance(projectId);
    const near = d <= this.#reachTiles();
    const walking = this.#ctx.walking;
    if (this.#pending !== undefined) {
      if (near) {
        const itemId = this.#pending;
        this.#cancelWalk();
        this.#give(projectId, itemId);
      } else if (this.#ctx.steering) {
        // Steering by hand: the player has other plans.
        this.#cancelWalk();
        // The walk ended short (another player or a rock on that spot) and the player has come to
        // rest: try the next side.
      } else if (!walking && this.#ctx.avatar()?.moving !== true && !this.#walkOn()) this.#cancelWalk();
    }
    this.element.dataset.inReach = String(near);
    this.element.dataset.walking = String(this.#pending !== undefined);
    this.#reach.textContent = near
      ? 'You stand by the site: Give hands the materials over.'
      : this.#pending !== undefined
        ? 'Walking to the site…'
        : `The site is ${Math.round(d)} tiles away: Give walks you there.`;
  }

  destroy(): void {
    for (const off of this.#offs) off();
    this.element.remove();
  }
}
