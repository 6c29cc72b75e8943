import { SERVER_IDENTITY, t, type Identity, type Row } from '../engine';
import {
  ACTION_KINDS,
  attempt,
  currentAction,
  endAction,
  finisherArgs,
  meOf,
  notify,
  requireIdle,
  requirePlayer,
  startAction,
} from './actions';
import { distanceToRect, touchBlockers } from './chunks';
import { fedDurationMs } from './eating';
import { reject } from './errors';
import { planInventory } from './inventory';
import { PHYSICS_MARGIN_TILES } from './physics';
import type { Ctx, FrontierRuntime, Me } from './runtime';
import { checkProjectSites } from './projects';
import { advanceQuests } from './quests';
import { addXp } from './skills';
import { frontierSchema, type FrontierTables } from './tables';
import { buildingName, buildingOf, capitalised, itemAmount, resourceName, tiles, withArticle } from './words';

/** A placed building row. */
export type BuildingRow = Row<FrontierTables['building']>;

/** Largest footprint side in the content schema: bounds the spatial search for overlaps. */
const MAX_FOOTPRINT_TILES = 8;

/** @throws ReducerError UNKNOWN_BUILDING */
export function requireBuilding(ctx: Ctx, id: number): BuildingRow {
  const b = ctx.db.building.find(id);
  if (b === undefined)
    reject('UNKNOWN_BUILDING', 'That building is gone: it was taken down, or never stood.', { building: id });
  return b;
}

/** Whether `who` may use a building: its owner, or a player the owner granted access. */
function canUse(ctx: Ctx, b: BuildingRow, who: Identity): boolean {
  return b.owner === who || ctx.db.building_access.has([b.id, who]);
}

/**
 * Who may let others in, as the end of a refusal: the owner by name, or that the town's buildings
 * are nobody's to share.
 */
function whoGrants(ctx: Ctx, b: BuildingRow): string {
  if (b.owner === SERVER_IDENTITY) return 'it belongs to the town';
  const owner = ctx.db.player.find(b.owner)?.name;
  return owner === undefined ? 'only its owner can grant you access' : `${owner} can grant you access`;
}

/** @throws ReducerError NO_ACCESS */
export function requireAccess(ctx: Ctx, b: BuildingRow, player: Me): void {
  if (!canUse(ctx, b, player.identity))
    reject('NO_ACCESS', `You may not use ${buildingOf(ctx.db, b, player.identity)}; ${whoGrants(ctx, b)}.`, {
      building: b.id,
    });
}

/**
 * The refusal for an owner-only act ("grant access to", "take down") on a building that is not the
 * caller's.
 *
 * @throws ReducerError NO_ACCESS
 */
export function requireOwner(ctx: Ctx, b: BuildingRow, player: Me, act: string): void {
  if (b.owner === player.identity) return;
  const name = buildingName(ctx.db, b.buildingId);
  const owner = ctx.db.player.find(b.owner)?.name;
  const message =
    b.owner === SERVER_IDENTITY
      ? `The town's ${name} belongs to the town, not to a player.`
      : owner === undefined
        ? `Only its owner may ${act} this ${name}.`
        : `Only ${owner}, its owner, may ${act} this ${name}.`;
  reject('NO_ACCESS', message, { building: b.id });
}

/** @throws ReducerError OUT_OF_REACH when the player stands farther than reach from the footprint. */
export function requireReach(ctx: Ctx, b: BuildingRow, player: Me): void {
  const s = ctx.db.settings.find(0)!;
  const reach = s.reachTiles + s.playerRadiusTiles;
  const d = distanceToRect(player.x, player.y, b.x, b.y, b.x + b.width, b.y + b.height);
  if (d > reach)
    reject(
      'OUT_OF_REACH',
      `${capitalised(buildingOf(ctx.db, b, player.identity))} is ${tiles(d)} away; walk within ${tiles(reach)} of it.`,
      { building: b.id, distance: d },
    );
}

/**
 * Building: `place_building` checks the footprint against terrain, buildings, resource nodes and
 * players and consumes the materials; `construct` advances construction in timed steps
 * (`construct_finish`); owners `demolish` them for part of their cost back (storage is in
 * `chests.ts`). Blocking buildings bump `chunk_rev` so the physics cache rebuilds nearby chunks.
 */
export function createBuildingReducers(rt: FrontierRuntime) {
  /**
   * `place_building { kind, x, y }` (footprint's top-left tile): rejects NOT_JOINED,
   * UNKNOWN_BUILDING_KIND, OUT_OF_BOUNDS, OUT_OF_REACH, BLOCKED, MISSING_ITEMS.
   */
  const placeBuilding = frontierSchema.reducer(
    'place_building',
    { kind: t.string(), x: t.i32(), y: t.i32() },
    (ctx, { kind, x, y }) => {
      const player = requirePlayer(ctx);
      const def = ctx.db.building_def.find(kind);
      if (def === undefined) reject('UNKNOWN_BUILDING_KIND', `no building kind '${kind}'`, { kind });
      const { worldTiles, chunkTiles } = rt.options;
      const w = def.width;
      const h = def.height;
      checkProjectSites(ctx, kind, x, y, w, h);
      if (x < 0 || y < 0 || x + w > worldTiles || y + h > worldTiles)
        reject(
          'OUT_OF_BOUNDS',
          `a ${w}x${h} ${kind} at (${x}, ${y}) leaves the ${worldTiles}x${worldTiles} world`,
          { x, y },
        );
      const s = ctx.db.settings.find(0)!;
      const d = distanceToRect(player.x, player.y, x, y, x + w, y + h);
      if (d > s.buildRangeTiles)
        reject(
          'OUT_OF_REACH',
          `The site is ${tiles(d)} away; you build within ${tiles(s.buildRangeTiles)} of where you stand.`,
          { distance: d },
        );
      const per = worldTiles / chunkTiles;
      const biomes = new Map(ctx.db.biome_def.iter().map((b) => [b.tile, b]));
      for (let ty = y; ty < y + h; ty++)
        for (let tx = x; tx < x + w; tx++) {
          const chunk = ctx.db.terrain_chunk.find(
            Math.floor(ty / chunkTiles) * per + Math.floor(tx / chunkTiles),
          );
          const tile = chunk?.tiles[(ty % chunkTiles) * chunkTiles + (tx % chunkTiles)];
          const biome = tile === undefined ? undefined : biomes.get(tile);
          if (biome === undefined || biome.kind !== 'land')
            reject(
              'BLOCKED',
              `tile (${tx}, ${ty}) is ${biome?.name ?? 'unexplored'}: buildings stand on land`,
              { x: tx, y: ty, blocker: biome?.kind ?? 'unexplored' },
            );
        }
      const m = MAX_FOOTPRINT_TILES;
      for (const other of ctx.db.building.withinRect(x - m, y - m, x + w + m, y + h + m))
        if (other.x < x + w && other.x + other.width > x && other.y < y + h && other.y + other.height > y)
          reject('BLOCKED', `The site overlaps ${buildingOf(ctx.db, other, player.identity)}.`, {
            blocker: 'building',
            id: other.id,
          });
      for (const node of ctx.db.resource_node.withinRect(x - 1, y - 1, x + w + 1, y + h + 1)) {
        const radius = ctx.db.resource_def.find(node.resourceId)?.radius ?? 0.5;
        if (distanceToRect(node.x, node.y, x, y, x + w, y + h) < radius)
          reject('BLOCKED', `The site overlaps ${withArticle(resourceName(ctx.db, node.resourceId))}.`, {
            blocker: 'resource_node',
            id: node.id,
          });
      }
      for (const other of ctx.db.avatar.withinRect(x - 1, y - 1, x + w + 1, y + h + 1))
        if (distanceToRect(other.x, other.y, x, y, x + w, y + h) < s.playerRadiusTiles + 0.05)
          reject('BLOCKED', `${other.name} stands on the site`, { blocker: 'player', name: other.name });
      const plan = planInventory(ctx.db, player.containerId);
      const costs = ctx.db.building_cost.filter('by_building', kind).sort((a, b) => a.position - b.position);
      const missing = costs.filter((c) => plan.count(c.itemId) < c.quantity);
      if (missing.length > 0)
        reject(
          'MISSING_ITEMS',
          `a ${def.name} needs ${missing.map((c) => `${itemAmount(ctx.db, c.itemId, c.quantity)} (have ${plan.count(c.itemId)})`).join(', ')}`,
          {
            missing: missing.map((c) => ({
              itemId: c.itemId,
              quantity: c.quantity,
              have: plan.count(c.itemId),
            })),
          },
        );
      for (const c of costs) plan.remove(c.itemId, c.quantity);
      plan.commit(ctx.db);
      const building = ctx.db.building.insert({
        buildingId: kind,
        owner: player.identity,
        x,
        y,
        width: w,
        height: h,
        cx: x + w / 2,
        cy: y + h / 2,
        progressMs: 0,
        complete: def.buildMs === 0,
        containerId: 0,
      });
      if (def.storageSlots > 0) {
        const container = ctx.db.container.insert({
          owner: player.identity,
          buildingId: building.id,
          slots: def.storageSlots,
        });
        ctx.db.building.update({ ...building, containerId: container.id });
      }
      if (def.blocks) touchBlockers(ctx.db, rt, ctx.tick, x, y, x + w, y + h, PHYSICS_MARGIN_TILES);
      if (def.buildMs === 0) {
        addXp(ctx.db, player.identity, def.skill, def.xp);
        advanceQuests(ctx.db, player.identity, 'build', def.id, 1);
      }
    },
  );

  const constructCheck = (ctx: Ctx, player: Me, id: number) => {
    const b = requireBuilding(ctx, id);
    requireAccess(ctx, b, player);
    if (b.complete)
      reject(
        'ALREADY_COMPLETE',
        `${capitalised(buildingOf(ctx.db, b, player.identity))} is already finished.`,
        {
          building: id,
        },
      );
    const def = ctx.db.building_def.find(b.buildingId);
    if (def === undefined)
      reject(
        'UNKNOWN_BUILDING_KIND',
        `This building (kind '${b.buildingId}') is no longer in the game's content, so it cannot be built further.`,
        { building: id },
      );
    requireReach(ctx, b, player);
    const stepMs = Math.max(
      1,
      Math.min(ctx.db.settings.find(0)!.constructStepMs, def.buildMs - b.progressMs),
    );
    return { b, def, stepMs };
  };

  /** `construct { building }`: one construction step; rejects NOT_JOINED, BUSY, UNKNOWN_BUILDING, NO_ACCESS, ALREADY_COMPLETE, OUT_OF_REACH. */
  const construct = frontierSchema.reducer('construct', { building: t.u32() }, (ctx, { building }) => {
    const player = requirePlayer(ctx);
    requireIdle(ctx, player);
    const { stepMs } = constructCheck(ctx, player, building);
    const durationMs = fedDurationMs(ctx, rt, player.identity, stepMs);
    startAction(ctx, player, ACTION_KINDS.CONSTRUCT, building, '', durationMs, 'construct_finish', {
      building,
    });
  });

  /** `construct_finish { owner, building }` (internal): adds the step's work; completes the building when done. */
  const constructFinish = frontierSchema.reducer(
    'construct_finish',
    { ...finisherArgs, building: t.u32() },
    (ctx, { owner, building }) => {
      if (currentAction(ctx.db, owner, ACTION_KINDS.CONSTRUCT, building, '') === undefined) return;
      endAction(ctx, owner);
      const player = meOf(ctx.db, owner);
      if (player === undefined) return;
      const checked = attempt(ctx, owner, () => constructCheck(ctx, player, building));
      if (checked === undefined) return;
      const { b, def, stepMs } = checked;
      const progressMs = b.progressMs + stepMs;
      const complete = progressMs >= def.buildMs;
      ctx.db.building.update({ ...b, progressMs, complete });
      if (complete) {
        addXp(ctx.db, owner, def.skill, def.xp);
        advanceQuests(ctx.db, owner, 'build', def.id, 1);
      }
    },
    { internal: true },
  );

  /**
   * `demolish { building }`: owner only; storage must be empty. Gives back
   * `demolishRefundPercent` of each cost item (rounded down), into the backpack, and tells the
   * owner what came back (`DEMOLISHED` notice). Rejects NOT_JOINED, UNKNOWN_BUILDING, NO_ACCESS,
   * STORAGE_NOT_EMPTY, INVENTORY_FULL (the refund would not fit: nothing is demolished).
   */
  const demolish = frontierSchema.reducer('demolish', { building: t.u32() }, (ctx, { building }) => {
    const player = requirePlayer(ctx);
    const b = requireBuilding(ctx, building);
    requireOwner(ctx, b, player, 'take down');
    if (b.containerId !== 0) {
      if (ctx.db.inventory.filter('by_container', b.containerId).length > 0)
        reject(
          'STORAGE_NOT_EMPTY',
          `Your ${buildingName(ctx.db, b.buildingId)} still holds items: empty it before you take it down.`,
          { building },
        );
      ctx.db.container.delete(b.containerId);
    }
    const def = ctx.db.building_def.find(b.buildingId);
    const refund = ctx.db.building_cost
      .filter('by_building', b.buildingId)
      .sort((x, y) => x.position - y.position)
      .map((c) => ({
        itemId: c.itemId,
        quantity: Math.floor((c.quantity * rt.options.demolishRefundPercent) / 100),
      }))
      .filter((c) => c.quantity > 0 && ctx.db.item_def.has(c.itemId));
    const plan = planInventory(ctx.db, player.containerId);
    for (const c of refund)
      if (!plan.add(ctx.db, c.itemId, c.quantity))
        reject(
          'INVENTORY_FULL',
          `no room for the refund of ${itemAmount(ctx.db, c.itemId, c.quantity)}: free a slot first`,
          {
            itemId: c.itemId,
            quantity: c.quantity,
          },
        );
    plan.commit(ctx.db);
    for (const a of ctx.db.building_access.filter('by_building', building))
      ctx.db.building_access.delete([a.buildingId, a.identity]);
    for (const a of ctx.db.action.iter())
      if (a.kind === ACTION_KINDS.CONSTRUCT && a.target === building) endAction(ctx, a.owner);
    ctx.db.building.delete(building);
    if (def === undefined || def.blocks)
      touchBlockers(ctx.db, rt, ctx.tick, b.x, b.y, b.x + b.width, b.y + b.height, PHYSICS_MARGIN_TILES);
    const names = refund.map((c) => `${c.quantity} ${ctx.db.item_def.find(c.itemId)!.name}`);
    notify(
      ctx,
      player.identity,
      'DEMOLISHED',
      `${def?.name ?? b.buildingId} demolished${names.length > 0 ? `: got back ${names.join(', ')}` : ''}`,
    );
  });

  return { placeBuilding, construct, constructFinish, demolish };
}
