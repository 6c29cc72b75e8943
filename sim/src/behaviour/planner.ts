import type { ContentIndex, Recipe } from './content-index';
import type { AvatarRow, BuildingRow, GameView, InventoryRow, NodeRow } from './game-port';

/** What a player is working towards. */
export type Goal =
  | { readonly kind: 'make'; readonly itemId: string; readonly target: number }
  | { readonly kind: 'build'; readonly buildingKind: string }
  | { readonly kind: 'gather'; readonly itemId: string; readonly target: number };

/** The next concrete thing to do for a goal, from what the player sees now. */
export type Step =
  | { readonly kind: 'gather'; readonly node: NodeRow; readonly reach: number }
  | { readonly kind: 'craft'; readonly recipeId: string }
  | { readonly kind: 'goto'; readonly x: number; readonly y: number; readonly within: number }
  | { readonly kind: 'place'; readonly buildingKind: string; readonly x: number; readonly y: number }
  | { readonly kind: 'construct'; readonly building: BuildingRow }
  | {
      readonly kind: 'deposit';
      readonly building: BuildingRow;
      readonly slot: number;
      readonly quantity: number;
    }
  | { readonly kind: 'explore'; readonly itemId: string }
  | { readonly kind: 'done' }
  | { readonly kind: 'blocked'; readonly reason: string };

/** How a planner picks among candidate nodes. */
export interface PlannerChoices {
  /** Index into candidates sorted by distance (0 = nearest). @default 0 */
  pickNode?(count: number): number;
  /** Node ids to skip (recently depleted or contested). */
  readonly avoid?: ReadonlySet<number>;
}

const MAX_DEPTH = 6;

/** A snapshot of one player's situation, computed once per decision. */
export class Situation {
  readonly view: GameView;
  readonly content: ContentIndex;
  /** The player's avatar (position, movement). */
  readonly me: AvatarRow;
  /** The player's backpack container id. */
  readonly containerId: number;
  readonly backpack: InventoryRow[];
  readonly counts = new Map<string, number>();
  readonly skills = new Map<string, number>();

  constructor(view: GameView, content: ContentIndex, me: AvatarRow, containerId: number) {
    this.view = view;
    this.content = content;
    this.me = me;
    this.containerId = containerId;
    this.backpack = [];
    for (const row of view.db.inventory.iter()) {
      if (row.containerId !== containerId) continue;
      this.backpack.push(row);
      this.counts.set(row.itemId, (this.counts.get(row.itemId) ?? 0) + row.quantity);
    }
    for (const s of view.db.skill.iter()) if (s.owner === me.identity) this.skills.set(s.skillId, s.level);
  }

  count(itemId: string): number {
    return this.counts.get(itemId) ?? 0;
  }

  /** Best tool tier of a kind carried. */
  toolTier(kind: string): number {
    let best = 0;
    for (const [id, n] of this.counts) {
      if (n <= 0) continue;
      const def = this.content.items.get(id);
      if (def !== undefined && def.toolKind === kind && def.toolTier > best) best = def.toolTier;
    }
    return best;
  }

  /** Free backpack slots. */
  get freeSlots(): number {
    return this.content.settings.inventorySlots - this.backpack.length;
  }

  distanceTo(x: number, y: number): number {
    return Math.hypot(x - this.me.x, y - this.me.y);
  }

  /** Completed buildings of a kind in view, nearest first. */
  stations(kind: string): BuildingRow[] {
    const out: BuildingRow[] = [];
    for (const b of this.view.db.building.iter()) if (b.buildingId === kind && b.complete) out.push(b);
    return out.sort((a, b) => this.distanceTo(a.cx, a.cy) - this.distanceTo(b.cx, b.cy));
  }

  /** The player's own buildings of a kind, nearest first. */
  own(kind: string, complete: boolean): BuildingRow[] {
    const out: BuildingRow[] = [];
    for (const b of this.view.db.building.iter())
      if (b.buildingId === kind && b.owner === this.me.identity && b.complete === complete) out.push(b);
    return out.sort((a, b) => this.distanceTo(a.cx, a.cy) - this.distanceTo(b.cx, b.cy));
  }
}

/** Distance from a point to a building's footprint. */
export function distanceToBuilding(x: number, y: number, b: BuildingRow): number {
  const dx = Math.max(b.x - x, 0, x - (b.x + b.width));
  const dy = Math.max(b.y - y, 0, y - (b.y + b.height));
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * Plans the next step towards a goal from what the player sees: gather what is missing (crafting
 * the tool a resource needs first), build the station a recipe needs, craft, place and construct.
 * Pure: the same situation and choices give the same step.
 * @example
 * const step = nextStep(new Situation(view, content, me), { kind: 'make', itemId: 'rope', target: 2 }, {});
 */
export function nextStep(s: Situation, goal: Goal, choices: PlannerChoices): Step {
  switch (goal.kind) {
    case 'make':
    case 'gather': {
      if (s.count(goal.itemId) >= goal.target) return { kind: 'done' };
      return needItem(s, goal.itemId, goal.target, 0, choices, goal.kind === 'gather') ?? { kind: 'done' };
    }
    case 'build': {
      if (s.own(goal.buildingKind, true).length > 0) return { kind: 'done' };
      return needBuilding(s, goal.buildingKind, 0, choices) ?? { kind: 'done' };
    }
  }
}

function needItem(
  s: Situation,
  itemId: string,
  quantity: number,
  depth: number,
  choices: PlannerChoices,
  gatherOnly = false,
): Step | undefined {
  if (s.count(itemId) >= quantity) return undefined;
  if (depth > MAX_DEPTH) return { kind: 'blocked', reason: `too deep: ${itemId}` };
  const c = s.content;
  let missingTool: { kind: string; tier: number } | undefined;
  const sources = c.sources.get(itemId) ?? [];
  const candidates: NodeRow[] = [];
  const usable = new Set<string>();
  for (const res of sources) {
    if (res.toolKind !== '' && s.toolTier(res.toolKind) < res.toolTier) {
      missingTool ??= { kind: res.toolKind, tier: res.toolTier };
      continue;
    }
    usable.add(res.id);
  }
  if (usable.size > 0) {
    for (const node of s.view.db.resource_node.iter())
      if (node.amount > 0 && usable.has(node.resourceId) && !(choices.avoid?.has(node.id) ?? false))
        candidates.push(node);
    if (candidates.length > 0) {
      candidates.sort((a, b) => s.distanceTo(a.x, a.y) - s.distanceTo(b.x, b.y) || a.id - b.id);
      const pick = Math.min(
        candidates.length - 1,
        Math.max(0, choices.pickNode?.(Math.min(candidates.length, 4)) ?? 0),
      );
      const node = candidates[pick]!;
      const def = c.resources.get(node.resourceId)!;
      const reach = c.settings.reachTiles + def.radius + c.settings.playerRadiusTiles;
      return { kind: 'gather', node, reach };
    }
  }
  if (!gatherOnly)
    for (const recipe of c.makers.get(itemId) ?? []) {
      if ((s.skills.get(recipe.def.skill) ?? 1) < recipe.def.level) continue;
      const step = needRecipe(s, recipe, depth + 1, choices);
      if (step !== undefined && step.kind !== 'blocked') return step;
    }
  if (missingTool !== undefined) {
    for (const tool of c.toolsFor(missingTool.kind, missingTool.tier)) {
      const step = needItem(s, tool.id, 1, depth + 1, choices);
      if (step !== undefined && step.kind !== 'blocked') return step;
    }
  }
  if (usable.size > 0 || sources.length > 0) return { kind: 'explore', itemId };
  return { kind: 'blocked', reason: `no way to obtain ${itemId}` };
}

function needRecipe(s: Situation, recipe: Recipe, depth: number, choices: PlannerChoices): Step | undefined {
  const station = recipe.def.station;
  let near: BuildingRow | undefined;
  if (station !== '') {
    near = s.stations(station)[0];
    if (near === undefined) return needBuilding(s, station, depth + 1, choices);
  }
  for (const input of recipe.inputs) {
    const step = needItem(s, input.itemId, input.quantity, depth + 1, choices);
    if (step !== undefined) return step;
  }
  if (near !== undefined) {
    const radius = s.content.settings.stationRadiusTiles;
    if (distanceToBuilding(s.me.x, s.me.y, near) > radius - 0.5)
      return { kind: 'goto', x: near.cx, y: near.cy, within: radius - 0.8 };
  }
  return { kind: 'craft', recipeId: recipe.def.id };
}

function needBuilding(s: Situation, kind: string, depth: number, choices: PlannerChoices): Step | undefined {
  if (depth > MAX_DEPTH) return { kind: 'blocked', reason: `too deep: ${kind}` };
  const unfinished = s.own(kind, false)[0];
  if (unfinished !== undefined) return { kind: 'construct', building: unfinished };
  for (const cost of s.content.buildingCosts.get(kind) ?? []) {
    const step = needItem(s, cost.itemId, cost.quantity, depth + 1, choices);
    if (step !== undefined) return step;
  }
  const spot = findSite(s, kind);
  if (spot === undefined) return { kind: 'blocked', reason: `no free site for ${kind}` };
  return { kind: 'place', buildingKind: kind, x: spot.x, y: spot.y };
}

/**
 * A free footprint for a building near the player: on land tiles the cache knows, clear of
 * buildings, resource nodes and players. Deterministic: tries offsets in a fixed order.
 */
export function findSite(s: Situation, kind: string): { x: number; y: number } | undefined {
  const def = s.content.buildings.get(kind);
  if (def === undefined) return undefined;
  const info = s.view.db.world_info.find(0);
  if (info === undefined) return undefined;
  const landTiles = new Set<number>();
  for (const b of s.view.db.biome_def.iter()) if (b.kind === 'land') landTiles.add(b.tile);
  const per = info.worldTiles / info.chunkTiles;
  const tileAt = (tx: number, ty: number): number | undefined => {
    if (tx < 0 || ty < 0 || tx >= info.worldTiles || ty >= info.worldTiles) return undefined;
    const chunk = s.view.db.terrain_chunk.find(
      Math.floor(ty / info.chunkTiles) * per + Math.floor(tx / info.chunkTiles),
    );
    return chunk?.tiles[(ty % info.chunkTiles) * info.chunkTiles + (tx % info.chunkTiles)];
  };
  const w = def.width;
  const h = def.height;
  const px = Math.floor(s.me.x);
  const py = Math.floor(s.me.y);
  const offsets: [number, number][] = [];
  for (let r = 2; r <= 4; r++)
    for (const [ox, oy] of [
      [r, 0],
      [0, r],
      [-r - w + 1, 0],
      [0, -r - h + 1],
      [r, r],
      [-r - w + 1, -r - h + 1],
      [r, -r - h + 1],
      [-r - w + 1, r],
    ] as const)
      offsets.push([ox, oy]);
  const buildings = [...s.view.db.building.iter()];
  const nodes = [...s.view.db.resource_node.iter()];
  const players = [...s.view.db.avatar.iter()];
  // Town project sites take no player buildings (place_building refuses them as BLOCKED).
  const sites = [...s.view.db.project_def.iter()].map((p) => ({
    x: Math.floor(info.spawnX) + p.siteDx,
    y: Math.floor(info.spawnY) + p.siteDy,
    w: p.width,
    h: p.height,
  }));
  for (const [ox, oy] of offsets) {
    const x = px + ox;
    const y = py + oy;
    let ok = true;
    for (let ty = y; ty < y + h && ok; ty++)
      for (let tx = x; tx < x + w && ok; tx++) {
        const tile = tileAt(tx, ty);
        if (tile === undefined || !landTiles.has(tile)) ok = false;
      }
    if (!ok) continue;
    if (
      buildings.some(
        (b) => b.x < x + w + 1 && b.x + b.width > x - 1 && b.y < y + h + 1 && b.y + b.height > y - 1,
      )
    )
      continue;
    if (sites.some((p) => p.x < x + w && p.x + p.w > x && p.y < y + h && p.y + p.h > y)) continue;
    if (nodes.some((n) => n.x > x - 1.2 && n.x < x + w + 1.2 && n.y > y - 1.2 && n.y < y + h + 1.2)) continue;
    if (players.some((p) => p.x > x - 0.8 && p.x < x + w + 0.8 && p.y > y - 0.8 && p.y < y + h + 0.8))
      continue;
    const dx = Math.max(x - s.me.x, 0, s.me.x - (x + w));
    const dy = Math.max(y - s.me.y, 0, s.me.y - (y + h));
    if (Math.hypot(dx, dy) > s.content.settings.buildRangeTiles - 0.5) continue;
    return { x, y };
  }
  return undefined;
}

/**
 * A slot worth storing: the biggest stack that the goal does not need, or undefined.
 */
export function slotToStore(s: Situation, keep: ReadonlySet<string>): InventoryRow | undefined {
  let best: InventoryRow | undefined;
  for (const row of s.backpack) {
    if (keep.has(row.itemId)) continue;
    const def = s.content.items.get(row.itemId);
    if (def !== undefined && def.toolKind !== '') continue;
    if (best === undefined || row.quantity > best.quantity) best = row;
  }
  return best;
}
