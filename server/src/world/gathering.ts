import { t } from '../engine';
import {
  ACTION_KINDS,
  attempt,
  currentAction,
  endAction,
  finisherArgs,
  meOf,
  requireIdle,
  requirePlayer,
  startAction,
} from './actions';
import { fedDurationMs } from './eating';
import { reject } from './errors';
import { bestToolTier, planInventory } from './inventory';
import type { Ctx, FrontierRuntime, Me } from './runtime';
import { advanceQuests } from './quests';
import { addXp } from './skills';
import { frontierSchema } from './tables';
import { inDuration, itemAmount, tiles } from './words';

/** Each tool tier above the required one makes gathering this much faster. */
const TIER_SPEEDUP = 0.25;

/**
 * Gathering: `gather { nodeId }` starts a timed action on a resource node within reach (with the
 * required tool); `gather_finish` (scheduled) yields the items, grants experience and depletes the
 * node, which `node_respawn` (scheduled) refills after the resource's `respawnMs`.
 */
export function createGatheringReducers(rt: FrontierRuntime) {
  /** Checks everything a gather needs; returns the node, its kind and the tool tier used. */
  const check = (ctx: Ctx, player: Me, nodeId: number) => {
    const node = ctx.db.resource_node.find(nodeId);
    if (node === undefined) reject('UNKNOWN_NODE', 'That resource is gone.', { nodeId });
    const def = ctx.db.resource_def.find(node.resourceId);
    if (def === undefined)
      reject(
        'UNKNOWN_NODE',
        `This resource (kind '${node.resourceId}') is no longer in the game's content.`,
        { nodeId },
      );
    if (node.amount === 0)
      reject(
        'NODE_DEPLETED',
        `This ${def.name} is used up; it grows back ${inDuration(node.respawnAtMs, ctx.now)}`,
        {
          nodeId,
          respawnAtMs: node.respawnAtMs,
        },
      );
    const settings = ctx.db.settings.find(0)!;
    const dist = Math.hypot(node.x - player.x, node.y - player.y);
    const reach = settings.reachTiles + def.radius + settings.playerRadiusTiles;
    if (dist > reach)
      reject('OUT_OF_REACH', `The ${def.name} is ${tiles(dist)} away; walk within ${tiles(reach)} of it.`, {
        nodeId,
        distance: dist,
      });
    let tier = 0;
    if (def.toolKind !== '') {
      tier = bestToolTier(ctx.db, player.containerId, def.toolKind);
      if (tier < def.toolTier)
        reject(
          'TOOL_REQUIRED',
          `${def.name} needs ${/^[aeiou]/i.test(def.toolKind) ? 'an' : 'a'} ${def.toolKind} of tier ${def.toolTier} or better`,
          {
            tool: def.toolKind,
            tier: def.toolTier,
          },
        );
    }
    const plan = planInventory(ctx.db, player.containerId);
    if (!plan.add(ctx.db, def.itemId, def.quantityPerGather))
      reject('INVENTORY_FULL', `no room for ${itemAmount(ctx.db, def.itemId, def.quantityPerGather)}`, {
        itemId: def.itemId,
      });
    return { node, def, tier, plan };
  };

  /** `gather { nodeId }`: rejects NOT_JOINED, BUSY, UNKNOWN_NODE, NODE_DEPLETED, OUT_OF_REACH, TOOL_REQUIRED, INVENTORY_FULL. */
  const gather = frontierSchema.reducer('gather', { nodeId: t.u32() }, (ctx, { nodeId }) => {
    const player = requirePlayer(ctx);
    requireIdle(ctx, player);
    const { def, tier } = check(ctx, player, nodeId);
    const faster = def.toolKind === '' ? 1 : 1 + TIER_SPEEDUP * (tier - def.toolTier);
    startAction(
      ctx,
      player,
      ACTION_KINDS.GATHER,
      nodeId,
      '',
      fedDurationMs(ctx, rt, player.identity, Math.round(def.gatherMs / faster)),
      'gather_finish',
      { nodeId },
    );
  });

  /** `gather_finish { owner, nodeId }` (internal): completes a gather, or explains in a notice why it cannot. */
  const gatherFinish = frontierSchema.reducer(
    'gather_finish',
    { ...finisherArgs, nodeId: t.u32() },
    (ctx, { owner, nodeId }) => {
      if (currentAction(ctx.db, owner, ACTION_KINDS.GATHER, nodeId, '') === undefined) return;
      const player = meOf(ctx.db, owner);
      endAction(ctx, owner);
      if (player === undefined) return;
      // The world may have changed since the gather started (another player emptied the node, the
      // backpack filled up): re-check, and report instead of failing, so the action still ends.
      const checked = attempt(ctx, owner, () => check(ctx, player, nodeId));
      if (checked === undefined) return;
      const { node, def, plan } = checked;
      plan.commit(ctx.db);
      const amount = node.amount - 1;
      const respawnAtMs = amount === 0 ? ctx.now + def.respawnMs : 0;
      ctx.db.resource_node.update({ ...node, amount, respawnAtMs });
      if (amount === 0) ctx.schedule('node_respawn', { nodeId }, { inMs: def.respawnMs });
      addXp(ctx.db, owner, def.skill, def.xp);
      advanceQuests(ctx.db, owner, 'gather', def.itemId, def.quantityPerGather);
    },
    { internal: true },
  );

  /** `node_respawn { nodeId }` (internal): refills a depleted node. */
  const nodeRespawn = frontierSchema.reducer(
    'node_respawn',
    { nodeId: t.u32() },
    (ctx, { nodeId }) => {
      const node = ctx.db.resource_node.find(nodeId);
      if (node === undefined) return;
      const def = ctx.db.resource_def.find(node.resourceId);
      ctx.db.resource_node.update({ ...node, amount: def?.amount ?? 1, respawnAtMs: 0 });
    },
    { internal: true },
  );

  return { gather, gatherFinish, nodeRespawn };
}
