import type { ReadonlyDb } from '../engine';
import type { FrontierDb } from './runtime';
import type { FrontierTables } from './tables';

/**
 * What happens to live rows whose definition a content reload removed (world/README.md, "Content
 * is live"):
 * - resource nodes of a removed resource kind are deleted in the reload's own transaction (a node
 *   is the world's, not a player's, and cannot be gathered without its kind);
 * - item stacks of a removed item stay where they are (inventories and storage are player
 *   property) but are inert until the item returns: they cannot be moved, traded or used; offers
 *   of a removed item are taken off open trades (the items never left the offerer's backpack) and
 *   both acceptances of such a trade are cleared;
 * - buildings of a removed kind stay, inert: no recipe can name them as a station, construction
 *   stops, storage can still be withdrawn and the owner may demolish them.
 */
export interface OrphanCounts {
  /** Item stacks (inventory rows) whose item the content no longer has. */
  readonly stacks: number;
  /** Buildings whose kind the content no longer has. */
  readonly buildings: number;
}

/** What {@link applyRemovalPolicy} did in the reload's transaction. */
export interface RemovalOutcome {
  readonly nodesDeleted: number;
  readonly offersWithdrawn: number;
}

/**
 * Applies the removal policy after new content was written; must run inside the reload reducer.
 * `removed` names the resource kinds and items the reload removed: the live tables are scanned only
 * for what disappeared (a reload that removes nothing touches no live row).
 */
export function applyRemovalPolicy(
  db: FrontierDb,
  removed: { readonly resources: readonly string[]; readonly items: readonly string[] },
): RemovalOutcome {
  let nodesDeleted = 0;
  if (removed.resources.length > 0)
    for (const node of db.resource_node.iter())
      if (!db.resource_def.has(node.resourceId)) {
        db.resource_node.delete(node.id);
        nodesDeleted++;
      }
  let offersWithdrawn = 0;
  const trades = new Set<number>();
  if (removed.items.length > 0)
    for (const offer of db.trade_item.iter())
      if (!db.item_def.has(offer.itemId)) {
        db.trade_item.delete([offer.tradeId, offer.side, offer.itemId]);
        trades.add(offer.tradeId);
        offersWithdrawn++;
      }
  for (const id of [...trades].sort((a, b) => a - b)) {
    const trade = db.trade.find(id);
    if (trade !== undefined && (trade.aAccepted || trade.bAccepted))
      db.trade.update({ ...trade, aAccepted: false, bAccepted: false });
  }
  return { nodesDeleted, offersWithdrawn };
}

/** Rows left without a definition: orphaned item stacks and buildings of a removed kind. */
export function countOrphans(db: ReadonlyDb<FrontierTables>): OrphanCounts {
  let stacks = 0;
  for (const row of db.inventory.iter()) if (!db.item_def.has(row.itemId)) stacks++;
  let buildings = 0;
  for (const row of db.building.iter()) if (!db.building_def.has(row.buildingId)) buildings++;
  return { stacks, buildings };
}

/** Nodes of a resource kind the content no longer has (what a reload will delete). */
export function countOrphanNodes(db: ReadonlyDb<FrontierTables>, removedKinds: readonly string[]): number {
  if (removedKinds.length === 0) return 0;
  const removed = new Set(removedKinds);
  let n = 0;
  for (const row of db.resource_node.iter()) if (removed.has(row.resourceId)) n++;
  return n;
}
