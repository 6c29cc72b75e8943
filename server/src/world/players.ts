import { t, type Identity } from '../engine';
import { endAction, requirePlayer } from './actions';
import { WALK_STOP_SLACK_TILES } from './physics-step';
import { ensureChunksAround } from './chunks';
import { reject } from './errors';
import type { Ctx, FrontierRuntime } from './runtime';
import { frontierSchema } from './tables';
import { closeTradesOf } from './trading';

const NAME_CHARS = /^[A-Za-z0-9_-]+$/;
/** Candidate spawn points tried before giving up. */
const SPAWN_ATTEMPTS = 64;

/**
 * Player reducers: `join`, `move`, `walk_to`, and the connect, disconnect and server-started lifecycle.
 * A player is a profile row in `player`, an entity row in `avatar` (position, movement intent)
 * and a backpack container; leaving only marks them offline, so reconnecting resumes where the
 * player stood.
 */
export function createPlayerReducers(rt: FrontierRuntime) {
  const o = rt.options;

  /**
   * `join { name }`: creates the caller's player on free land in the start area, which grows with
   * the number of players (see `start-area.ts`), or near the spawn point in a small world.
   */
  const join = frontierSchema.reducer('join', { name: t.string() }, (ctx, { name }) => {
    if (ctx.db.player.has(ctx.sender))
      reject(
        'ALREADY_JOINED',
        `identity ${ctx.sender} already plays as '${ctx.db.player.find(ctx.sender)!.name}'`,
      );
    const chars = [...name].length;
    if (chars < o.minNameChars || chars > o.maxNameChars)
      reject(
        'INVALID_NAME',
        `a name has ${o.minNameChars} to ${o.maxNameChars} characters, '${name}' has ${chars}`,
        { name },
      );
    if (!NAME_CHARS.test(name))
      reject('INVALID_NAME', `a name uses only letters, digits, '_' and '-': '${name}'`, { name });
    const nameKey = name.toLowerCase();
    const holder = ctx.db.player.filter('nameKey', nameKey)[0];
    if (holder !== undefined)
      reject('NAME_TAKEN', `the name '${name}' is taken by '${holder.name}'`, { name });
    const settings = ctx.db.settings.find(0)!;
    const info = ctx.db.world_info.find(0)!;
    const population = ctx.db.player.count() + 1;
    const spot =
      spawnInStartArea(ctx, rt, population, settings.playerRadiusTiles) ??
      findSpawn(ctx, rt, info.spawnX, info.spawnY, settings.playerRadiusTiles);
    if (spot === undefined)
      reject(
        'NO_SPAWN_POINT',
        `no free land within reach of the spawn point (${info.spawnX}, ${info.spawnY})`,
      );
    const container = ctx.db.container.insert({
      owner: ctx.sender,
      buildingId: 0,
      slots: settings.inventorySlots,
    });
    ctx.db.player.insert({
      identity: ctx.sender,
      name,
      nameKey,
      online: true,
      containerId: container.id,
      joinedMs: ctx.now,
    });
    ctx.db.avatar.insert({
      identity: ctx.sender,
      name,
      online: true,
      x: spot.x,
      y: spot.y,
      dirX: 0,
      dirY: 0,
      moving: false,
    });
    for (const skill of ctx.db.skill_def.iter().sort((a, b) => (a.id < b.id ? -1 : 1)))
      ctx.db.skill.insert({ owner: ctx.sender, skillId: skill.id, xp: 0, level: 1 });
  });

  /**
   * `move { dx, dy }`: sets the caller's movement intent (a direction of length <= 1; 0,0 stops).
   * The physics step applies it every tick. Moving cancels a gather, craft or construct action,
   * and any `walk_to` under way (the keys take over).
   */
  const move = frontierSchema.reducer('move', { dx: t.f32(), dy: t.f32() }, (ctx, { dx, dy }) => {
    const player = requirePlayer(ctx);
    const len2 = dx * dx + dy * dy;
    if (len2 > 1.0001)
      reject('INVALID_DIRECTION', `a direction has length at most 1, got ${Math.sqrt(len2).toFixed(3)}`, {
        dx,
        dy,
      });
    const moving = len2 > 0;
    if (moving) endAction(ctx, player.identity);
    ctx.db.walk_target.delete(player.identity);
    if (player.dirX === dx && player.dirY === dy && player.moving === moving) return;
    ctx.db.avatar.update({ ...ctx.db.avatar.find(player.identity)!, dirX: dx, dirY: dy, moving });
  });

  /**
   * `walk_to { x, y, stopTiles }`: walks the caller straight toward (x, y) until within
   * `stopTiles` of it, where the physics step stops them (see `physics-step.ts`): the stop is the
   * server's, so it does not depend on when a client's stop arrives. Already that close: stops at
   * once. Walking cancels a gather, craft or construct action; a `move` ends the walk.
   * @throws ReducerError INVALID_WALK_TARGET if the target is farther than `maxWalkTiles` or
   *   `stopTiles` is negative or above it.
   */
  const walkTo = frontierSchema.reducer(
    'walk_to',
    { x: t.f32(), y: t.f32(), stopTiles: t.f32() },
    (ctx, { x, y, stopTiles }) => {
      const player = requirePlayer(ctx);
      const far = Math.hypot(x - player.x, y - player.y);
      if (!(stopTiles >= 0 && stopTiles <= o.maxWalkTiles))
        reject(
          'INVALID_WALK_TARGET',
          `a walk's stop distance is 0 to ${o.maxWalkTiles} tiles, got ${stopTiles}`,
          { x, y, stopTiles },
        );
      if (far > o.maxWalkTiles)
        reject(
          'INVALID_WALK_TARGET',
          `a walk goes at most ${o.maxWalkTiles} tiles, (${x}, ${y}) is ${far.toFixed(1)} tiles from ${player.name}`,
          { x, y, stopTiles },
        );
      const avatar = ctx.db.avatar.find(player.identity)!;
      if (far <= stopTiles + WALK_STOP_SLACK_TILES) {
        ctx.db.walk_target.delete(player.identity);
        if (avatar.moving) ctx.db.avatar.update({ ...avatar, dirX: 0, dirY: 0, moving: false });
        return;
      }
      endAction(ctx, player.identity);
      const target = { identity: player.identity, x, y, stopTiles };
      if (ctx.db.walk_target.has(player.identity)) ctx.db.walk_target.update(target);
      else ctx.db.walk_target.insert(target);
      const dirX = Math.fround((x - player.x) / far);
      const dirY = Math.fround((y - player.y) / far);
      ctx.db.avatar.update({ ...avatar, dirX, dirY, moving: true });
    },
  );

  /** Lifecycle: a returning player comes back online where they left. */
  const clientConnected = (ctx: Ctx) => {
    const player = ctx.db.player.find(ctx.sender);
    const avatar = ctx.db.avatar.find(ctx.sender);
    if (player === undefined || avatar === undefined || player.online) return;
    ctx.db.player.update({ ...player, online: true });
    ctx.db.avatar.update({ ...avatar, online: true });
    ensureChunksAround(ctx.db, rt, () => rt.terrain(ctx.db), avatar.x, avatar.y, o.aoiChunks);
  };

  /** Lifecycle: a leaving player stops, drops their action and open trades, and goes offline. */
  const clientDisconnected = (ctx: Ctx) => leave(ctx, ctx.sender);

  /**
   * Lifecycle, first tick of every server start: no client is connected, so every player still
   * online (a crash or a forced stop ran no disconnect) leaves as a disconnect would have it, and
   * no avatar keeps walking without its client. In identity order, so replay writes the same.
   */
  const serverStarted = (ctx: Ctx) => {
    const ghosts = new Set<Identity>();
    for (const p of ctx.db.player.iter()) if (p.online) ghosts.add(p.identity);
    for (const a of ctx.db.avatar.iter()) if (a.online || a.moving) ghosts.add(a.identity);
    for (const identity of [...ghosts].sort()) leave(ctx, identity);
  };

  return { join, move, walkTo, clientConnected, clientDisconnected, serverStarted };
}

/** A player leaves: stops, drops their action and open trades, and goes offline. */
function leave(ctx: Ctx, identity: Identity): void {
  const player = ctx.db.player.find(identity);
  const avatar = ctx.db.avatar.find(identity);
  if (player === undefined || avatar === undefined) return;
  endAction(ctx, identity);
  closeTradesOf(ctx, identity);
  ctx.db.walk_target.delete(identity);
  ctx.db.player.update({ ...player, online: false });
  ctx.db.avatar.update({ ...avatar, online: false, moving: false, dirX: 0, dirY: 0 });
}

/**
 * A free spot in the start area of a population of `population` players (its first
 * `population x spawnTilesPerPlayer` tiles), drawn from `ctx.rng`; undefined when the population
 * is small enough to start together, or when every draw landed on a collider.
 */
function spawnInStartArea(
  ctx: Ctx,
  rt: FrontierRuntime,
  population: number,
  radius: number,
): { x: number; y: number } | undefined {
  const o = rt.options;
  if (o.spawnTilesPerPlayer === 0 || population <= o.spawnSpreadAbovePlayers) return undefined;
  const params = rt.terrain(ctx.db);
  const area = rt.startArea(params);
  const tiles = area.grow(Math.min(o.maxStartAreaTiles, Math.ceil(population * o.spawnTilesPerPlayer)));
  const physics = rt.physicsFor(ctx);
  for (let i = 0; i < SPAWN_ATTEMPTS; i++) {
    const { tx, ty } = area.tile(Math.floor(ctx.rng() * tiles));
    // Inside the tile, clear of its edges, so a player radius never reaches a blocked neighbour.
    const x = Math.fround(tx + 0.5 + (ctx.rng() - 0.5) * 0.4);
    const y = Math.fround(ty + 0.5 + (ctx.rng() - 0.5) * 0.4);
    ensureChunksAround(ctx.db, rt, () => params, x, y, o.aoiChunks);
    if (params.blockedTile[physics.tileAt(ctx.db, params, x, y)] === 1) continue;
    if (physics.overlaps(ctx.db, params, x, y, radius + 0.05)) continue;
    return { x, y };
  }
  return undefined;
}

/**
 * A free spot near (sx, sy): land, clear of blocking colliders, drawn from `ctx.rng` within a radius
 * that grows with each failed attempt (so crowds spread out deterministically).
 */
function findSpawn(
  ctx: Ctx,
  rt: FrontierRuntime,
  sx: number,
  sy: number,
  radius: number,
): { x: number; y: number } | undefined {
  const params = rt.terrain(ctx.db);
  ensureChunksAround(ctx.db, rt, () => params, sx, sy, rt.options.aoiChunks);
  const physics = rt.physicsFor(ctx);
  const blocked = params.blockedTile;
  for (let i = 0; i < SPAWN_ATTEMPTS; i++) {
    const spread = 2 + i * 0.5;
    const x = Math.fround(sx + (ctx.rng() * 2 - 1) * spread);
    const y = Math.fround(sy + (ctx.rng() * 2 - 1) * spread);
    const tile = physics.tileAt(ctx.db, params, x, y);
    if (tile === 255 || blocked[tile] === 1) continue;
    if (physics.overlaps(ctx.db, params, x, y, radius + 0.05)) continue;
    ensureChunksAround(ctx.db, rt, () => params, x, y, rt.options.aoiChunks);
    return { x, y };
  }
  return undefined;
}
