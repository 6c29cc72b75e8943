import type { Content, QuestGoal } from '@tickspace/content/schema';
import { compareValues, SERVER_IDENTITY, t, type TableStore } from '../engine';
import { validateContent } from './content-loader';
import { applyRemovalPolicy } from './content-orphans';
import { CONTENT_TABLES, type ContentTable } from './content-table-list';
import { reject } from './errors';
import type { Ctx, FrontierDb } from './runtime';
import { frontierSchema } from './tables';

/** The rows each content table should hold for `content`. */
export function contentRows(content: Content): Record<ContentTable, Record<string, unknown>[]> {
  return {
    item_def: content.items.map((i) => ({
      id: i.id,
      name: i.name,
      category: i.category,
      stackSize: i.stackSize,
      iconShape: i.icon.shape,
      iconColor: i.icon.color,
      toolKind: i.tool?.kind ?? '',
      toolTier: i.tool?.tier ?? 0,
      description: i.description,
      wellFedMs: i.food?.wellFedMs ?? 0,
    })),
    recipe_def: content.recipes.map((r) => ({
      id: r.id,
      name: r.name,
      station: r.station ?? '',
      skill: r.skill,
      level: r.level,
      xp: r.xp,
      craftMs: r.craftMs,
    })),
    recipe_input: content.recipes.flatMap((r) =>
      r.inputs.map((s, position) => ({ recipeId: r.id, itemId: s.item, quantity: s.quantity, position })),
    ),
    recipe_output: content.recipes.flatMap((r) =>
      r.outputs.map((s, position) => ({ recipeId: r.id, itemId: s.item, quantity: s.quantity, position })),
    ),
    resource_def: content.resources.map((r) => ({
      id: r.id,
      name: r.name,
      itemId: r.item,
      quantityPerGather: r.quantityPerGather,
      amount: r.amount,
      gatherMs: r.gatherMs,
      respawnMs: r.respawnMs,
      toolKind: r.tool?.kind ?? '',
      toolTier: r.tool?.tier ?? 0,
      skill: r.skill,
      xp: r.xp,
      blocks: r.blocks,
      radius: r.radius,
      iconShape: r.icon.shape,
      iconColor: r.icon.color,
    })),
    building_def: content.buildings.map((b) => ({
      id: b.id,
      name: b.name,
      width: b.width,
      height: b.height,
      buildMs: b.buildMs,
      storageSlots: b.storageSlots,
      station: b.station,
      blocks: b.blocks,
      skill: b.skill,
      xp: b.xp,
      iconShape: b.icon.shape,
      iconColor: b.icon.color,
    })),
    building_cost: content.buildings.flatMap((b) =>
      b.cost.map((s, position) => ({ buildingId: b.id, itemId: s.item, quantity: s.quantity, position })),
    ),
    biome_def: content.biomes.map((b) => ({
      id: b.id,
      name: b.name,
      kind: b.kind,
      tile: b.tile,
      color: b.color,
      speedFactor: b.speedFactor,
      tMin: b.temperature[0],
      tMax: b.temperature[1],
      mMin: b.moisture[0],
      mMax: b.moisture[1],
    })),
    biome_resource: content.biomes.flatMap((b) =>
      b.resources.map((r) => ({ biomeId: b.id, resourceId: r.resource, density: r.density })),
    ),
    skill_def: content.skills.map((s) => ({
      id: s.id,
      name: s.name,
      maxLevel: s.maxLevel,
      xpBase: s.xpBase,
      xpGrowth: s.xpGrowth,
    })),
    quest_def: content.quests.map((q, position) => ({ id: q.id, name: q.name, position })),
    quest_step: content.quests.flatMap((q) =>
      q.steps.map((s, position) => ({
        questId: q.id,
        position,
        text: s.text,
        goalKind: s.goal.kind,
        target: goalTarget(s.goal),
        quantity: s.goal.quantity,
        hint: s.hint,
      })),
    ),
    project_def: content.projects.map((p, position) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      position,
      siteDx: p.site.dx,
      siteDy: p.site.dy,
      width: p.width,
      height: p.height,
    })),
    project_stage: content.projects.flatMap((p) =>
      p.stages.map((s, position) => ({ projectId: p.id, position, name: s.name, buildingId: s.building })),
    ),
    project_need: content.projects.flatMap((p) =>
      p.stages.flatMap((s, stage) =>
        s.needs.map((n, position) => ({
          projectId: p.id,
          stage,
          itemId: n.item,
          quantity: n.quantity,
          position,
        })),
      ),
    ),
    settings: [{ id: 0, ...content.settings }],
  };
}

/** The id a quest goal counts: an item, a recipe or a building. */
function goalTarget(goal: QuestGoal): string {
  if (goal.kind === 'gather') return goal.item;
  if (goal.kind === 'craft') return goal.recipe;
  return goal.building;
}

/**
 * Makes the content tables hold exactly `content`, writing only the rows that differ (so a reload
 * that changes one recipe sends subscribers one row). Must run inside a reducer: the whole swap is
 * one transaction.
 */
export function writeContent(
  db: FrontierDb,
  content: Content,
): { inserted: number; updated: number; deleted: number } {
  const rows = contentRows(content);
  const counts = { inserted: 0, updated: 0, deleted: 0 };
  for (const name of CONTENT_TABLES) {
    const table = db[name] as unknown as TableStore;
    const wanted = new Map<unknown, Record<string, unknown>>();
    const key = (row: Record<string, unknown>) => {
      const k = table.keyOf(row);
      return Array.isArray(k) ? JSON.stringify(k) : k;
    };
    for (const row of rows[name]) wanted.set(key(row), row);
    for (const old of table.iter()) {
      const next = wanted.get(key(old));
      if (next === undefined) {
        table.delete(table.keyOf(old));
        counts.deleted++;
      } else {
        wanted.delete(key(old));
        const stored = normalize(table, next);
        if (table.columnNames.some((c) => compareValues(stored[c], old[c]) !== 0)) {
          table.update(next);
          counts.updated++;
        }
      }
    }
    for (const row of wanted.values()) {
      table.insert(row);
      counts.inserted++;
    }
  }
  return counts;
}

/** f32 columns store rounded values: compare what would be stored, not the raw JSON number. */
function normalize(table: TableStore, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  table.columnNames.forEach((c, i) => {
    const v = row[c];
    out[c] = table.columns[i]!.kind === 'f32' && typeof v === 'number' ? Math.fround(v) : v;
  });
  return out;
}

/**
 * Content files as a bundle (file name -> text) from validated content: what init logs when a
 * caller passed content objects rather than a directory.
 */
export function contentFiles(content: Content): Record<string, string> {
  return {
    'items.json': JSON.stringify(content.items),
    'recipes.json': JSON.stringify(content.recipes),
    'resources.json': JSON.stringify(content.resources),
    'buildings.json': JSON.stringify(content.buildings),
    'biomes.json': JSON.stringify(content.biomes),
    'skills.json': JSON.stringify(content.skills),
    'quests.json': JSON.stringify(content.quests),
    'projects.json': JSON.stringify(content.projects),
    'settings.json': JSON.stringify(content.settings),
  };
}

/**
 * Validates a logged bundle of content file texts, rejecting the call with INVALID_CONTENT (and
 * every problem in the details) when it is not valid content.
 */
export function contentFromBundle(where: string, files: unknown): Content {
  if (
    files === null ||
    typeof files !== 'object' ||
    Array.isArray(files) ||
    Object.values(files).some((v) => typeof v !== 'string')
  )
    reject('INVALID_CONTENT', `${where}: the bundle must map file names to file texts`);
  const result = validateContent(files as Record<string, string>);
  if (!result.ok)
    reject(
      'INVALID_CONTENT',
      `${where}: ${result.problems.length} content problem(s)${where === 'content_reload' ? '; the old content stays' : ''}`,
      { problems: result.problems },
    );
  return result.content;
}

/**
 * `content_reload { bundle }`: swaps in new content as one transaction. `bundle` is a JSON object of
 * content file texts by file name; it is validated again here, so the log holds everything a replay
 * needs. Rows whose definition disappeared are handled as `content-orphans.ts` says (nodes of a
 * removed resource deleted, offers of a removed item withdrawn). Only the server may call it (the
 * content watcher enqueues it as the server identity).
 */
export const contentReload = frontierSchema.reducer(
  'content_reload',
  { bundle: t.string() },
  (ctx: Ctx, { bundle }) => {
    if (ctx.sender !== SERVER_IDENTITY)
      reject('FORBIDDEN', 'content_reload: only the server may reload content');
    let sources: unknown;
    try {
      sources = JSON.parse(bundle);
    } catch (error) {
      reject('INVALID_CONTENT', `content_reload: the bundle is not JSON (${(error as Error).message})`);
    }
    const content = contentFromBundle('content_reload', sources);
    const gone = (ids: Iterable<string>, kept: readonly { id: string }[]) => {
      const keep = new Set(kept.map((k) => k.id));
      return [...ids].filter((id) => !keep.has(id));
    };
    const removed = {
      resources: gone(
        ctx.db.resource_def.iter().map((r) => r.id),
        content.resources,
      ),
      items: gone(
        ctx.db.item_def.iter().map((r) => r.id),
        content.items,
      ),
    };
    writeContent(ctx.db, content);
    applyRemovalPolicy(ctx.db, removed);
    const info = ctx.db.world_info.find(0);
    if (info !== undefined) ctx.db.world_info.update({ ...info, contentRev: info.contentRev + 1 });
  },
);
