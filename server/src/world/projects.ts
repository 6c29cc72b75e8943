import { SERVER_IDENTITY, t } from '../engine';
import { notify, requirePlayer } from './actions';
import { distanceToRect, touchBlockers } from './chunks';
import { reject } from './errors';
import { planInventory } from './inventory';
import { PHYSICS_MARGIN_TILES } from './physics';
import { projectSite } from './project-sites';
import type { Ctx, FrontierRuntime } from './runtime';
import { frontierSchema } from './tables';
import { buildingName, capitalised, itemAmount, itemName, tiles, withArticle, youHave } from './words';

/** Notice code sent to every contributor when a stage of their project completes. */
const PROJECT_STAGE_COMPLETE = 'PROJECT_STAGE_COMPLETE';

/**
 * Givers walk up to the site, as to a chest: the items are carried there, not sent.
 *
 * @throws ReducerError OUT_OF_REACH when the player stands farther than reach from the site.
 */
function requireSiteReach(ctx: Ctx, def: { id: string; name: string }, x: number, y: number): void {
  const site = projectSite(ctx.db, def.id)!;
  const s = ctx.db.settings.find(0)!;
  const reach = s.reachTiles + s.playerRadiusTiles;
  const d = distanceToRect(x, y, site.x, site.y, site.x + site.width, site.y + site.height);
  if (d > reach)
    reject(
      'OUT_OF_REACH',
      `The site of ${def.name} is ${tiles(d)} away; walk within ${tiles(reach)} of it.`,
      { project: def.id, distance: d },
    );
}

/**
 * The rules `place_building` adds for town projects: a kind some project stage raises is not for
 * players to place, and no building may stand on a project's site.
 *
 * @throws ReducerError NOT_PLACEABLE, BLOCKED
 */
export function checkProjectSites(ctx: Ctx, kind: string, x: number, y: number, w: number, h: number): void {
  for (const stage of ctx.db.project_stage.iter())
    if (stage.buildingId === kind)
      reject(
        'NOT_PLACEABLE',
        `${capitalised(withArticle(buildingName(ctx.db, kind)))} is raised by the town project ${ctx.db.project_def.find(stage.projectId)?.name ?? stage.projectId}, not placed by hand.`,
        {
          kind,
          project: stage.projectId,
        },
      );
  for (const def of ctx.db.project_def.iter()) {
    const site = projectSite(ctx.db, def.id)!;
    if (site.x < x + w && site.x + site.width > x && site.y < y + h && site.y + site.height > y)
      reject('BLOCKED', `The site overlaps the town project ${def.name}.`, {
        blocker: 'project',
        id: def.id,
      });
  }
}

/**
 * Town projects (`content/projects.json`): `contribute { project, itemId, quantity }` moves items
 * from the caller's backpack into the current stage of a project; the caller stands within reach
 * of its site (`reachTiles`, as for a chest).
 * When every need of the stage is delivered, the stage completes in the same transaction: its
 * deliveries are cleared, its building replaces the previous stage's on the site (owned by the
 * server, so no player can demolish it), and every contributor gets a notice. Progress is in
 * tables (`project_state`, `project_delivery`, `project_contributor`), so it lasts for days.
 */
export function createProjectReducers(rt: FrontierRuntime) {
  /**
   * `contribute { project, itemId, quantity }`: rejects NOT_JOINED, UNKNOWN_PROJECT,
   * PROJECT_COMPLETE, OUT_OF_REACH, NOT_NEEDED, INVALID_QUANTITY (0, or more than the stage still needs),
   * MISSING_ITEMS.
   */
  const contribute = frontierSchema.reducer(
    'contribute',
    { project: t.string(), itemId: t.string(), quantity: t.u32() },
    (ctx, { project, itemId, quantity }) => {
      const player = requirePlayer(ctx);
      const def = ctx.db.project_def.find(project);
      if (def === undefined) reject('UNKNOWN_PROJECT', `no town project '${project}'`, { project });
      const stages = ctx.db.project_stage
        .filter('by_project', project)
        .sort((a, b) => a.position - b.position);
      const state = ctx.db.project_state.find(project) ?? { projectId: project, stage: 0, building: 0 };
      const stage = stages[state.stage];
      if (stage === undefined)
        reject('PROJECT_COMPLETE', `${def.name} is complete: every stage is built`, { project });
      requireSiteReach(ctx, def, player.x, player.y);
      const needs = ctx.db.project_need.filter('by_project', project).filter((n) => n.stage === state.stage);
      const need = needs.find((n) => n.itemId === itemId);
      const delivered = (id: string) => ctx.db.project_delivery.find([project, id])?.quantity ?? 0;
      const remaining = need === undefined ? 0 : need.quantity - delivered(itemId);
      if (need === undefined || remaining <= 0)
        reject(
          'NOT_NEEDED',
          need === undefined
            ? `${stage.name} of ${def.name} does not need ${itemName(ctx.db, itemId)}`
            : `${stage.name} of ${def.name} has all the ${itemName(ctx.db, itemId)} it needs`,
          { project, itemId },
        );
      if (quantity === 0 || quantity > remaining)
        reject(
          'INVALID_QUANTITY',
          `${stage.name} needs ${itemAmount(ctx.db, itemId, remaining)} more; cannot take ${quantity}`,
          {
            project,
            itemId,
            quantity,
            remaining,
          },
        );
      const plan = planInventory(ctx.db, player.containerId);
      const have = plan.count(itemId);
      if (!plan.remove(itemId, quantity))
        reject('MISSING_ITEMS', `${youHave(ctx.db, itemId, have)}, not ${quantity}.`, {
          missing: [{ itemId, quantity, have }],
        });
      plan.commit(ctx.db);
      const row = ctx.db.project_delivery.find([project, itemId]);
      if (row === undefined) ctx.db.project_delivery.insert({ projectId: project, itemId, quantity });
      else ctx.db.project_delivery.update({ ...row, quantity: row.quantity + quantity });
      const credit = ctx.db.project_contributor.find([project, player.identity]);
      if (credit === undefined)
        ctx.db.project_contributor.insert({
          projectId: project,
          owner: player.identity,
          name: player.name,
          items: quantity,
        });
      else
        ctx.db.project_contributor.update({ ...credit, name: player.name, items: credit.items + quantity });

      if (needs.some((n) => delivered(n.itemId) < n.quantity)) {
        if (!ctx.db.project_state.has(project)) ctx.db.project_state.insert(state);
        return;
      }
      // The stage is done: clear its deliveries and raise its building in place of the last one.
      for (const d of ctx.db.project_delivery.filter('by_project', project))
        ctx.db.project_delivery.delete([d.projectId, d.itemId]);
      const site = projectSite(ctx.db, project)!;
      let building = state.building;
      const old = building === 0 ? undefined : ctx.db.building.find(building);
      if (old !== undefined) {
        ctx.db.building.delete(old.id);
        touchBlockers(
          ctx.db,
          rt,
          ctx.tick,
          old.x,
          old.y,
          old.x + old.width,
          old.y + old.height,
          PHYSICS_MARGIN_TILES,
        );
      }
      const kind = ctx.db.building_def.find(stage.buildingId);
      building = 0;
      if (kind !== undefined) {
        building = ctx.db.building.insert({
          buildingId: kind.id,
          owner: SERVER_IDENTITY,
          x: site.x,
          y: site.y,
          width: kind.width,
          height: kind.height,
          cx: site.x + kind.width / 2,
          cy: site.y + kind.height / 2,
          progressMs: kind.buildMs,
          complete: true,
          containerId: 0,
        }).id;
        if (kind.blocks)
          touchBlockers(
            ctx.db,
            rt,
            ctx.tick,
            site.x,
            site.y,
            site.x + kind.width,
            site.y + kind.height,
            PHYSICS_MARGIN_TILES,
          );
      }
      const next = { projectId: project, stage: state.stage + 1, building };
      if (ctx.db.project_state.has(project)) ctx.db.project_state.update(next);
      else ctx.db.project_state.insert(next);
      const done = next.stage >= stages.length;
      for (const c of ctx.db.project_contributor.filter('by_project', project))
        notify(
          ctx,
          c.owner,
          PROJECT_STAGE_COMPLETE,
          done
            ? `${def.name} is complete: ${stage.name} was the last stage`
            : `${def.name}: ${stage.name} is complete`,
        );
    },
  );

  return { contribute };
}
