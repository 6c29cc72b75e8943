import { h, watchTables } from '../ui/dom';
import { backpack, itemName, TOAST_KIND } from '../ui/game-context';
import { iconUrl } from '../ui/item-icon';
import type { BuildingRow, InventoryRow } from '../world/rows';
import { syncList } from './keyed-list';
import { distanceToRect, standPoints, type LoopHost } from './loop-host';
import './loop.css';

/** The owner of buildings the town projects raise (the server's identity). */
const TOWN = '00000000000000000000000000000000';

interface AccessRow {
  readonly identity: string;
  readonly name: string;
  readonly allowed: boolean;
}

/**
 * The panel a click on a finished building opens: whose it is, and for its owner a Demolish
 * button (part of the materials come back). A storage building also lists its slots (Take) and
 * the backpack (Put), and its owner chooses who else may use it (Allow / Revoke, among the
 * players around and those already allowed). Opening it from afar walks the player into reach;
 * the buttons wait until they are there. Rows are keyed, so clicks survive updates.
 */
export class BuildingPanel {
  readonly element: HTMLElement;
  readonly #host: LoopHost;
  readonly #title = h('span', {}, 'Building');
  readonly #owner = h('p', { class: 'loop-owner' });
  readonly #reach = h('p', { class: 'loop-note', hidden: true });
  readonly #storage = h('div', { class: 'loop-storage', hidden: true });
  readonly #chestTitle = h('h4', {}, 'Chest');
  readonly #chest = h('ul', { class: 'loop-list', 'data-list': 'chest' });
  readonly #bag = h('ul', { class: 'loop-list', 'data-list': 'backpack' });
  readonly #accessBox = h('div', { class: 'loop-access', hidden: true });
  readonly #access = h('ul', { class: 'loop-list', 'data-list': 'access' });
  readonly #demolish: HTMLButtonElement;
  readonly #offs: (() => void)[];
  #building: number | undefined;
  #confirming = false;
  /** Where the player may still try to stand to reach the building (the walk under way first). */
  #stands: { x: number; y: number }[] = [];

  constructor(host: LoopHost) {
    this.#host = host;
    this.#demolish = h(
      'button',
      { class: 'danger', 'data-action': 'demolish', onclick: () => void this.#onDemolish() },
      'Demolish',
    );
    this.#storage.append(this.#chestTitle, this.#chest, h('h4', {}, 'Backpack'), this.#bag);
    this.#accessBox.append(h('h4', {}, 'Who may use it'), this.#access);
    this.element = h(
      'section',
      { class: 'loop-panel building-panel', 'data-panel': 'building', hidden: true },
      h(
        'header',
        {},
        this.#title,
        h('button', { class: 'close', title: 'Close', onclick: () => this.close() }, '×'),
      ),
      this.#owner,
      this.#reach,
      this.#storage,
      this.#accessBox,
      h('div', { class: 'loop-actions' }, this.#demolish),
    );
    const view = host.view;
    this.#offs = [
      watchTables(view, ['building', 'inventory', 'building_access', 'container'], () => this.render()),
      view.table('avatar').onUpdate((_old, row) => {
        if (this.#building !== undefined && row.identity === host.identity()) this.#renderReach();
      }),
    ];
  }

  /** The building shown, if the panel is open. */
  get building(): number | undefined {
    return this.element.hidden ? undefined : this.#building;
  }

  /** Opens the panel for a building; walks up to it when it is out of reach. */
  open(id: number): void {
    const b = this.#host.view.table('building').find(id);
    if (b === undefined) return;
    this.#building = id;
    this.#confirming = false;
    this.element.hidden = false;
    this.element.dataset.building = String(id);
    const me = this.#host.avatar();
    this.#stands = [];
    if (me !== undefined && !this.#inReach(b)) {
      const s = this.#host.view.table('settings').find(0);
      this.#stands = standPoints(me.x, me.y, b.x, b.y, b.width, b.height, (s?.reachTiles ?? 1.5) * 0.6);
      this.#walkOn();
    }
    this.render();
  }

  close(): void {
    this.element.hidden = true;
    this.#building = undefined;
  }

  /** Walks to the next place to stand; false when none is left. */
  #walkOn(): boolean {
    const p = this.#stands.shift();
    if (p === undefined) return false;
    this.#host.walkTo(p.x, p.y);
    return true;
  }

  #inReach(b: BuildingRow): boolean {
    const me = this.#host.avatar();
    const s = this.#host.view.table('settings').find(0);
    if (me === undefined) return false;
    const reach = (s?.reachTiles ?? 1.5) + (s?.playerRadiusTiles ?? 0.3);
    return distanceToRect(me.x, me.y, b.x, b.y, b.width, b.height) <= reach;
  }

  #renderReach(): void {
    const b =
      this.#building === undefined ? undefined : this.#host.view.table('building').find(this.#building);
    if (b === undefined || b.containerId === 0) {
      this.#reach.hidden = true;
      this.element.dataset.inReach = 'false';
      return;
    }
    const near = this.#inReach(b);
    const walking = this.#host.walking;
    // Steering by hand: the player has other plans, stop trying. (The server's row may still be
    // moving when the walk has ended: its position lags the prediction, so that is no sign.)
    if (near || this.#host.steering) this.#stands = [];
    // The walk ended short (something on that spot) and the player has come to rest: try the
    // next side.
    else if (!walking && this.#host.avatar()?.moving !== true && this.#stands.length > 0) this.#walkOn();
    this.element.dataset.inReach = String(near);
    this.#reach.hidden = near;
    this.#reach.textContent =
      this.#stands.length > 0 || this.#host.walking ? 'Walking closer…' : 'Too far away: walk up to it.';
    for (const btn of this.#storage.querySelectorAll('button')) btn.disabled = !near;
  }

  render(): void {
    if (this.#building === undefined || this.element.hidden) return;
    const view = this.#host.view;
    const b = view.table('building').find(this.#building);
    if (b === undefined) return this.close();
    const def = view.table('building_def').find(b.buildingId);
    const me = this.#host.identity();
    const mine = b.owner === me;
    this.#title.textContent = def?.name ?? b.buildingId;
    const ownerName =
      b.owner === TOWN ? 'the town' : mine ? 'you' : (view.table('player').find(b.owner)?.name ?? 'someone');
    this.#owner.textContent = `Built by ${ownerName}${b.complete ? '' : ' (under construction)'}`;
    const canUse = mine || (me !== undefined && view.table('building_access').has([b.id, me] as never));
    const storage = b.containerId !== 0;
    this.#storage.hidden = !storage || !canUse || !b.complete;
    if (storage && canUse) {
      const slots = view.table('container').find(b.containerId)?.slots ?? 0;
      const stored = view
        .table('inventory')
        .iter()
        .filter((r) => r.containerId === b.containerId)
        .sort((x, y) => x.slot - y.slot);
      this.#chestTitle.textContent = `Chest ${stored.length}/${slots}`;
      this.#stackList(this.#chest, stored, 'Take', (r) =>
        this.#host.call('withdraw', { building: b.id, slot: r.slot, quantity: r.quantity }),
      );
      this.#stackList(this.#bag, backpack(this.#host), 'Put', (r) =>
        this.#host.call('deposit', { building: b.id, slot: r.slot, quantity: r.quantity }),
      );
    }
    if (storage && !canUse) this.#owner.textContent += ' · you may not open it';
    this.#accessBox.hidden = !(mine && storage);
    if (mine && storage) this.#renderAccess(b);
    this.#demolish.hidden = !mine;
    this.#demolish.textContent = this.#confirming
      ? 'Really demolish? (part of the cost comes back)'
      : 'Demolish';
    this.#renderReach();
  }

  #stackList(
    list: HTMLElement,
    rows: readonly InventoryRow[],
    verb: string,
    act: (r: InventoryRow) => unknown,
  ): void {
    const view = this.#host.view;
    syncList(
      list,
      rows,
      (r) => `${r.slot}:${r.itemId}`,
      (r) => {
        const def = view.table('item_def').find(r.itemId);
        const li = h(
          'li',
          { 'data-item': r.itemId, 'data-slot': r.slot },
          h('img', { src: iconUrl(def?.iconShape ?? 'circle', def?.iconColor ?? '#999'), alt: '' }),
          h('span', { class: 'name' }, itemName(this.#host, r.itemId)),
          h('span', { class: 'qty' }),
          h('button', { 'data-action': verb.toLowerCase() }, verb),
        );
        return li;
      },
      (li, r) => {
        li.querySelector('.qty')!.textContent = `×${r.quantity}`;
        li.dataset.qty = String(r.quantity);
        // The row keeps its node; the button acts on the row as it is now.
        (li.querySelector('button') as HTMLButtonElement).onclick = () => void act(r);
      },
    );
    if (rows.length === 0 && list.children.length === 0) list.dataset.empty = 'true';
    else delete list.dataset.empty;
  }

  #renderAccess(b: BuildingRow): void {
    const view = this.#host.view;
    const me = this.#host.identity();
    const allowed = new Set(
      view
        .table('building_access')
        .iter()
        .filter((a) => a.buildingId === b.id)
        .map((a) => a.identity as string),
    );
    const rows = new Map<string, AccessRow>();
    for (const a of view.table('avatar').iter())
      if (a.identity !== me && a.online)
        rows.set(a.identity, { identity: a.identity, name: a.name, allowed: false });
    for (const id of allowed)
      rows.set(id, {
        identity: id,
        name: view.table('player').find(id as never)?.name ?? id.slice(0, 6),
        allowed: true,
      });
    const list = [...rows.values()].sort((x, y) => x.name.localeCompare(y.name));
    syncList(
      this.#access,
      list,
      (r) => r.identity,
      (r) => h('li', { 'data-player': r.name }, h('span', { class: 'name' }, r.name), h('button', {})),
      (li, r) => {
        const btn = li.querySelector('button') as HTMLButtonElement;
        btn.textContent = r.allowed ? 'Revoke' : 'Allow';
        btn.dataset.action = r.allowed ? 'revoke' : 'allow';
        li.dataset.allowed = String(r.allowed);
        btn.onclick = () =>
          void this.#host
            .call('grant_access', { building: b.id, identity: r.identity as never, allowed: !r.allowed })
            .then((ok) => {
              if (ok)
                this.#host.toast(
                  r.allowed ? `${r.name} may no longer use it.` : `${r.name} may now use it.`,
                  TOAST_KIND.SUCCESS,
                );
            });
      },
    );
    if (list.length === 0) this.#access.dataset.empty = 'true';
    else delete this.#access.dataset.empty;
  }

  async #onDemolish(): Promise<void> {
    if (this.#building === undefined) return;
    if (!this.#confirming) {
      this.#confirming = true;
      return this.render();
    }
    this.#confirming = false;
    // The server tells what came back (a DEMOLISHED notice, shown as a toast).
    if (await this.#host.call('demolish', { building: this.#building })) this.close();
    else this.render();
  }

  destroy(): void {
    for (const o of this.#offs) o();
    this.element.remove();
  }
}
