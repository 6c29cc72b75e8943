import { chunkIdAt, ensureChunksAround } from './chunks';
import type { AvatarRow, Ctx, FrontierRuntime } from './runtime';
import { frontierSchema } from './tables';
import type { TerrainParams } from './terrain';

/**
 * How close to its stop distance a `walk_to` counts as arrived, tiles: the f32 rounding of a
 * position far from the origin, with room to spare, so a walk never ends in a sliver of a step.
 */
export const WALK_STOP_SLACK_TILES = 1e-3;

/** Name of the scheduled physics reducer. */
export const PHYSICS_STEP = 'physics_step';

/**
 * Schedules `physics_step` for every tick from the next: a repeating schedule, whose bookkeeping
 * the engine keeps through a failed call (an error or a budget abort rolls back only the step).
 */
export function schedulePhysics(ctx: Ctx): void {
  ctx.schedule(PHYSICS_STEP, {}, { atTick: ctx.tick + 1, everyMs: ctx.tickMs });
}

/**
 * Makes the world's physics one repeating schedule of one tick, whatever its schedule table holds:
 * the self-rescheduling one-shot of worlds begun before physics repeated, a repeating row of
 * another period (a restart with another tickMs), several rows, or none (a world whose one-shot
 * step once failed, which stopped its physics). Run by `serverStarted`, a call of its own before
 * the tick's scheduled calls: so the conversion is committed even when the first step after it
 * fails, which a conversion inside the step itself was not (the failed step rolled it back).
 * Returns whether it changed anything.
 */
export function ensurePhysicsSchedule(ctx: Ctx): boolean {
  const rows = ctx.schedulesOf(PHYSICS_STEP);
  if (rows.length === 1 && rows[0]!.everyMs === ctx.tickMs) return false;
  for (const row of rows) ctx.cancelSchedule(row.id);
  schedulePhysics(ctx);
  return true;
}

/**
 * `physics_step {}` (internal, scheduled every tick): moves every player whose intent is set.
 *
 * Reads positions and intents from `avatar`, resolves each move against the chunk's static
 * colliders (rapier character controller, see physics.ts), writes the new positions back, and
 * generates terrain ahead of players entering new chunks. A player on a `walk_to` (a
 * `walk_target` row) is steered straight at the target each step, and their last step is cut
 * short where the distance to it reaches the stop distance: there they stop and the target is
 * deleted, however the ticks fall, so the stop never depends on a client's timing. It repeats every tick (see
 * schedulePhysics), so a step that fails leaves the next one scheduled. Time step: logical time since the last
 * step, capped at `maxStepMs`.
 */
export function createPhysicsStep(rt: FrontierRuntime) {
  const out = { x: 0, y: 0 };
  // One reused row for the writes: the table copies what it stores, so no object per walker.
  const row = {
    identity: '' as AvatarRow['identity'],
    name: '',
    online: false,
    x: 0,
    y: 0,
    dirX: 0,
    dirY: 0,
    moving: false,
  };
  return frontierSchema.reducer(
    PHYSICS_STEP,
    {},
    (ctx: Ctx) => {
      // A start converts an old world's schedule before any step (ensurePhysicsSchedule). A world
      // that took this version by a publish, without a restart, still steps by its one-shot (or a
      // row of another period): this call only converts it and returns, doing none of the step's
      // work, so nothing the step does can fail and roll the conversion back with it. The next
      // step integrates the time since the last one (physics_clock), so no walking is lost.
      const by = ctx.scheduled;
      if (by !== undefined && by.everyMs !== ctx.tickMs) {
        if (by.everyMs !== 0) ctx.cancelSchedule(by.id);
        schedulePhysics(ctx);
        return;
      }
      // Timing for benchmarks only; nothing here feeds back into the tables.
      const clock = rt.clock;
      const started = clock.wallMs();
      const cpu = clock.cpuMs();
      const stepped = ctx.db.physics_clock.find(0);
      const last = stepped?.lastStepMs ?? ctx.now;
      if (stepped === undefined) ctx.db.physics_clock.insert({ id: 0, lastStepMs: ctx.now });
      else ctx.db.physics_clock.update({ id: 0, lastStepMs: ctx.now });
      const dtMs = Math.min(rt.options.maxStepMs, Math.max(0, ctx.now - last));
      const movers = ctx.db.avatar.filter('moving', true);
      rt.lastStep.tick = ctx.tick;
      rt.lastStep.movers = movers.length;
      if (dtMs === 0 || movers.length === 0) {
        rt.lastStep.physicsMs = clock.wallMs() - started;
        rt.lastStep.physicsCpuMs = clock.cpuMs() - cpu;
        return;
      }
      const settings = ctx.db.settings.find(0)!;
      const physics = rt.physicsFor(ctx);
      let params: TerrainParams | undefined;
      const getParams = () => (params ??= rt.terrain(ctx.db));
      const p = getParams();
      const baseStep = (settings.playerSpeedTilesPerSec * dtMs) / 1000;
      const aoi = rt.options.aoiChunks;
      // Most steps have no walk to a target: one count instead of a lookup per mover.
      const targets = ctx.db.walk_target.count() > 0;
      for (let i = 0; i < movers.length; i++) {
        const player = movers[i]!;
        const target = targets ? ctx.db.walk_target.find(player.identity) : undefined;
        let dirX = player.dirX;
        let dirY = player.dirY;
        let maxTiles = Infinity;
        if (target !== undefined) {
          const d = Math.hypot(target.x - player.x, target.y - player.y);
          maxTiles = d - target.stopTiles;
          if (maxTiles > WALK_STOP_SLACK_TILES) {
            dirX = Math.fround((target.x - player.x) / d);
            dirY = Math.fround((target.y - player.y) / d);
          }
        }
        let x = player.x;
        let y = player.y;
        if (maxTiles > WALK_STOP_SLACK_TILES) {
          physics.walk(ctx.db, p, player.x, player.y, dirX, dirY, baseStep, out, maxTiles);
          x = Math.fround(out.x);
          y = Math.fround(out.y);
        }
        let moving = player.moving;
        if (target !== undefined) {
          const left = Math.hypot(target.x - x, target.y - y) - target.stopTiles;
          if (left <= WALK_STOP_SLACK_TILES) {
            ctx.db.walk_target.delete(player.identity);
            dirX = 0;
            dirY = 0;
            moving = false;
          }
        }
        if (x === player.x && y === player.y && moving && dirX === player.dirX && dirY === player.dirY)
          continue;
        const before = chunkIdAt(p, player.x, player.y);
        row.identity = player.identity;
        row.name = player.name;
        row.online = player.online;
        row.x = x;
        row.y = y;
        row.dirX = dirX;
        row.dirY = dirY;
        row.moving = moving;
        ctx.db.avatar.update(row);
        if (chunkIdAt(p, x, y) !== before) ensureChunksAround(ctx.db, rt, getParams, x, y, aoi);
      }
      rt.lastStep.physicsMs = clock.wallMs() - started;
      rt.lastStep.physicsCpuMs = clock.cpuMs() - cpu;
    },
    { internal: true },
  );
}
