import type { Identity } from '../engine';
import type { FrontierDb } from './runtime';

/** An item and a count. */
export interface ItemStack {
  readonly itemId: string;
  readonly quantity: number;
}

/**
 * A dry run over one container's slots: removals and additions are tried in memory, and `commit`
 * writes only the slots that changed. Reducers that must not fail halfway (scheduled finishers,
 * which record a notice instead of throwing) check `ok` before committing; trade and craft plan
 * both sides first, so a swap either happens entirely or not at all.
 *
 * @example
 * const plan = planInventory(ctx.db, player.containerId);
 * if (plan.remove('log', 1) && plan.add(ctx.db, 'plank', 2)) plan.commit(ctx.db);
 */
export class InventoryPlan {
  readonly containerId: number;
  readonly slots: number;
  readonly owner: Identity;
  readonly shared: boolean;
  /** slot -> [itemId, quantity]; absent = empty. */
  readonly #items = new Map<number, [string, number]>();
  readonly #original = new Map<number, [string, number]>();

  constructor(db: FrontierDb, containerId: number) {
    const container = db.container.find(containerId);
    if (container === undefined) throw new Error(`container ${containerId} does not exist`);
    this.containerId = containerId;
    this.slots = container.slots;
    this.owner = container.owner;
    this.shared = container.buildingId !== 0;
    for (const row of db.inventory.filter('by_container', containerId)) {
      this.#items.set(row.slot, [row.itemId, row.quantity]);
      this.#original.set(row.slot, [row.itemId, row.quantity]);
    }
  }

  /** How many of an item the container holds (after the planned changes). */
  count(itemId: string): number {
    let n = 0;
    for (const [id, q] of this.#items.values()) if (id === itemId) n += q;
    return n;
  }

  /** The stack in a slot, or undefined. */
  slot(slot: number): ItemStack | undefined {
    const s = this.#items.get(slot);
    return s === undefined ? undefined : { itemId: s[0], quantity: s[1] };
  }

  /** Item ids held, sorted. */
  itemIds(): string[] {
    return [...new Set([...this.#items.values()].map((s) => s[0]))].sort();
  }

  /** Takes `quantity` from one slot; false (and no change) if the slot holds less. */
  takeFromSlot(slot: number, quantity: number): boolean {
    const s = this.#items.get(slot);
    if (s === undefined || s[1] < quantity) return false;
    if (s[1] === quantity) this.#items.delete(slot);
    else this.#items.set(slot, [s[0], s[1] - quantity]);
    return true;
  }

  /** Removes `quantity` of an item, from the highest slots first; false (and no change) if too few. */
  remove(itemId: string, quantity: number): boolean {
    if (this.count(itemId) < quantity) return false;
    let left = quantity;
    const slots = [...this.#items.keys()].sort((a, b) => b - a);
    for (const slot of slots) {
      const s = this.#items.get(slot)!;
      if (s[0] !== itemId) continue;
      const take = Math.min(left, s[1]);
      if (take === s[1]) this.#items.delete(slot);
      else this.#items.set(slot, [itemId, s[1] - take]);
      left -= take;
      if (left === 0) break;
    }
    return true;
  }

  /**
   * Adds `quantity` of an item: tops up partial stacks first, then fills empty slots, lowest first,
   * never beyond the item's stack size. False (and no change) if it does not fit or the item is unknown.
   */
  add(db: FrontierDb, itemId: string, quantity: number): boolean {
    const def = db.item_def.find(itemId);
    if (def === undefined) return false;
    const stack = def.stackSize;
    let room = 0;
    for (const s of this.#items.values()) if (s[0] === itemId) room += stack - s[1];
    room += (this.slots - this.#items.size) * stack;
    if (room < quantity) return false;
    let left = quantity;
    const occupied = [...this.#items.keys()].sort((a, b) => a - b);
    for (const slot of occupied) {
      const s = this.#items.get(slot)!;
      if (s[0] !== itemId || s[1] >= stack) continue;
      const put = Math.min(left, stack - s[1]);
      this.#items.set(slot, [itemId, s[1] + put]);
      left -= put;
      if (left === 0) return true;
    }
    for (let slot = 0; slot < this.slots && left > 0; slot++) {
      if (this.#items.has(slot)) continue;
      const put = Math.min(left, stack);
      this.#items.set(slot, [itemId, put]);
      left -= put;
    }
    return true;
  }

  /** Writes the changed slots. */
  commit(db: FrontierDb): void {
    const touched = new Set([...this.#original.keys(), ...this.#items.keys()]);
    for (const slot of [...touched].sort((a, b) => a - b)) {
      const before = this.#original.get(slot);
      const after = this.#items.get(slot);
      if (after === undefined) {
        if (before !== undefined) db.inventory.delete([this.containerId, slot]);
        continue;
      }
      if (before !== undefined && before[0] === after[0] && before[1] === after[1]) continue;
      const row = {
        containerId: this.containerId,
        slot,
        owner: this.owner,
        shared: this.shared,
        itemId: after[0],
        quantity: after[1],
      };
      if (before === undefined) db.inventory.insert(row);
      else db.inventory.update(row);
      this.#original.set(slot, [after[0], after[1]]);
    }
    for (const slot of [...this.#original.keys()]) if (!this.#items.has(slot)) this.#original.delete(slot);
  }
}

/** Starts a dry run over a container. @throws Error if the container does not exist (a server fault). */
export function planInventory(db: FrontierDb, containerId: number): InventoryPlan {
  return new InventoryPlan(db, containerId);
}

/** The best tool tier of a kind that a container holds (0 if none). */
export function bestToolTier(db: FrontierDb, containerId: number, kind: string): number {
  let best = 0;
  for (const row of db.inventory.filter('by_container', containerId)) {
    const def = db.item_def.find(row.itemId);
    if (def !== undefined && def.toolKind === kind && def.toolTier > best) best = def.toolTier;
  }
  return best;
}
