import { ReducerError, type Identity } from '../engine';
import { endAction, notify } from './actions';
import { ensureChunksAround } from './chunks';
import type { Ctx, FrontierRuntime } from './runtime';
import { closeTradesOf } from './trading';

/**
 * What travels with a Frontier player from one region to another (the handoff payload), version 1.
 * Times are relative (`fedLeftMs`), because each region's logical clock is its own tick count.
 */
export interface PlayerTravelPayload {
  readonly v: 1;
  readonly player: { name: string; nameKey: string; online: boolean; joinedMs: number };
  readonly avatar: { x: number; y: number; dirX: number; dirY: number; moving: boolean; online: boolean };
  readonly backpack: { slots: number; items: { slot: number; itemId: string; quantity: number }[] };
  readonly skills: { skillId: string; xp: number; level: number }[];
  readonly quests: { questId: string; step: number; count: number }[];
  /** How much longer the player is well fed, ms (0: not fed). */
  readonly fedLeftMs: number;
}

/** Frontier's rule of what travels: {@link createPlayerTravel}. */
export interface PlayerTravel {
  /**
   * Removes a player and everything that travels with them from this region, in the calling
   * reducer's transaction, and returns it. A running action (gather, craft, construct) is ended,
   * as walking ends it: each commits only at its finish, so nothing is lost. Open trades close
   * (offers are promises, no item moved yet). Notices and the chat quota stay and expire.
   * @throws ReducerError NOT_JOINED if the player is not here.
   */
  pack(ctx: Ctx, identity: Identity): PlayerTravelPayload;
  /**
   * Inserts an arriving player: a new backpack container (container ids are each region's own),
   * items, skills, quests and satiety, and generates the terrain around them.
   * @throws ReducerError ALREADY_JOINED (this identity already plays here), NAME_TAKEN (another
   * player here has the name), INVALID_HANDOFF (a payload that is not version 1's shape).
   */
  unpack(ctx: Ctx, identity: Identity, payload: Readonly<Record<string, unknown>>): void;
  /**
   * Puts a player whose handoff the receiver refused back where they were, stopped, with a notice.
   * Never refuses: if a newcomer took the name meanwhile, the player comes back as `name~n`.
   */
  restore(ctx: Ctx, identity: Identity, payload: Readonly<Record<string, unknown>>): void;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a payload's shape field by field; the first problem is named with its path. */
function checkPayload(identity: Identity, p: Readonly<Record<string, unknown>>): PlayerTravelPayload {
  const bad = (where: string): never => {
    throw new ReducerError(
      'INVALID_HANDOFF',
      `player ${identity}: travel payload field ${where} is missing or has the wrong type`,
      { details: { identity, field: where } },
    );
  };
  if (p.v !== 1) bad('v (expected 1)');
  const player = p.player;
  if (!isObject(player) || typeof player.name !== 'string' || typeof player.nameKey !== 'string')
    bad('player');
  const avatar = p.avatar;
  if (!isObject(avatar) || !num(avatar.x) || !num(avatar.y) || !num(avatar.dirX) || !num(avatar.dirY))
    bad('avatar');
  const backpack = p.backpack;
  if (!isObject(backpack) || !num(backpack.slots) || !Array.isArray(backpack.items)) bad('backpack');
  for (const [i, item] of (backpack as { items: unknown[] }).items.entries())
    if (!isObject(item) || !num(item.slot) || typeof item.itemId !== 'string' || !num(item.quantity))
      bad(`backpack.items[${i}]`);
  if (!Array.isArray(p.skills)) bad('skills');
  for (const [i, s] of (p.skills as unknown[]).entries())
    if (!isObject(s) || typeof s.skillId !== 'string' || !num(s.xp) || !num(s.level)) bad(`skills[${i}]`);
  if (!Array.isArray(p.quests)) bad('quests');
  for (const [i, q] of (p.quests as unknown[]).entries())
    if (!isObject(q) || typeof q.questId !== 'string' || !num(q.step) || !num(q.count)) bad(`quests[${i}]`);
  if (!num(p.fedLeftMs)) bad('fedLeftMs');
  return p as unknown as PlayerTravelPayload;
}

/**
 * Frontier's travel rule for region worlds (a handoff's pack, unpack and restore). The world knows
 * nothing of regions: a host wires these into the regions kit's `handoffReducers`.
 * @example
 * const travel = createPlayerTravel(rt);
 * handoffReducers(schema, { region, pack: (ctx, id) => ({ ...travel.pack(ctx, id) }), unpack: travel.unpack });
 */
export function createPlayerTravel(rt: FrontierRuntime): PlayerTravel {
  const insert = (ctx: Ctx, identity: Identity, p: PlayerTravelPayload, name: string) => {
    const container = ctx.db.container.insert({ owner: identity, buildingId: 0, slots: p.backpack.slots });
    ctx.db.player.insert({
      identity,
      name,
      nameKey: name.toLowerCase(),
      online: p.player.online,
      containerId: container.id,
      joinedMs: p.player.joinedMs,
    });
    ctx.db.avatar.insert({ identity, name, ...p.avatar });
    for (const item of p.backpack.items)
      ctx.db.inventory.insert({ containerId: container.id, owner: identity, shared: false, ...item });
    for (const s of p.skills) ctx.db.skill.insert({ owner: identity, ...s });
    for (const q of p.quests) ctx.db.quest_progress.insert({ owner: identity, ...q });
    if (p.fedLeftMs > 0) ctx.db.satiety.insert({ owner: identity, fedUntilMs: ctx.now + p.fedLeftMs });
    ensureChunksAround(ctx.db, rt, () => rt.terrain(ctx.db), p.avatar.x, p.avatar.y, rt.options.aoiChunks);
  };

  const requireAbsent = (ctx: Ctx, identity: Identity) => {
    if (ctx.db.player.has(identity) || ctx.db.avatar.has(identity))
      throw new ReducerError('ALREADY_JOINED', `player ${identity} already plays in this region`, {
        details: { identity },
      });
  };

  return {
    pack(ctx, identity) {
      const player = ctx.db.player.find(identity);
      const avatar = ctx.db.avatar.find(identity);
      if (player === undefined || avatar === undefined)
        throw new ReducerError('NOT_JOINED', `player ${identity} is not in this region`, {
          details: { identity },
        });
      endAction(ctx, identity);
      closeTradesOf(ctx, identity);
      const items = ctx.db.inventory.filter('by_container', player.containerId);
      for (const row of items) ctx.db.inventory.delete([row.containerId, row.slot]);
      const container = ctx.db.container.find(player.containerId);
      ctx.db.container.delete(player.containerId);
      const skills = ctx.db.skill.filter('by_owner', identity);
      for (const s of skills) ctx.db.skill.delete([s.owner, s.skillId]);
      const quests = ctx.db.quest_progress.filter('by_owner', identity);
      for (const q of quests) ctx.db.quest_progress.delete([q.owner, q.questId]);
      const fed = ctx.db.satiety.find(identity);
      if (fed !== undefined) ctx.db.satiety.delete(identity);
      // A walk_to under way ends at the border: its target is a point in this region's world.
      ctx.db.walk_target.delete(identity);
      ctx.db.avatar.delete(identity);
      ctx.db.player.delete(identity);
      return {
        v: 1,
        player: {
          name: player.name,
          nameKey: player.nameKey,
          online: player.online,
          joinedMs: player.joinedMs,
        },
        avatar: {
          x: avatar.x,
          y: avatar.y,
          dirX: avatar.dirX,
          dirY: avatar.dirY,
          moving: avatar.moving,
          online: avatar.online,
        },
        backpack: {
          slots: container?.slots ?? ctx.db.settings.find(0)!.inventorySlots,
          items: items
            .map((r) => ({ slot: r.slot, itemId: r.itemId, quantity: r.quantity }))
            .sort((a, b) => a.slot - b.slot),
        },
        skills: skills
          .map((s) => ({ skillId: s.skillId, xp: s.xp, level: s.level }))
          .sort((a, b) => (a.skillId < b.skillId ? -1 : 1)),
        quests: quests
          .map((q) => ({ questId: q.questId, step: q.step, count: q.count }))
          .sort((a, b) => (a.questId < b.questId ? -1 : 1)),
        fedLeftMs: fed === undefined ? 0 : Math.max(0, fed.fedUntilMs - ctx.now),
      };
    },

    unpack(ctx, identity, payload) {
      const p = checkPayload(identity, payload);
      requireAbsent(ctx, identity);
      const holder = ctx.db.player.filter('nameKey', p.player.name.toLowerCase())[0];
      if (holder !== undefined)
        throw new ReducerError('NAME_TAKEN', `the name '${p.player.name}' is taken in this region`, {
          details: { identity, name: p.player.name },
        });
      insert(ctx, identity, p, p.player.name);
    },

    restore(ctx, identity, payload) {
      // The sender's own payload: no shape check to fail, and the identity is absent here (the
      // kit refuses a moved player's calls, so no `join` recreated them while in transit).
      const p = payload as unknown as PlayerTravelPayload;
      let name = p.player.name;
      for (let n = 2; ctx.db.player.filter('nameKey', name.toLowerCase()).length > 0; n++)
        name = `${p.player.name}~${n}`;
      insert(ctx, identity, { ...p, avatar: { ...p.avatar, moving: false, dirX: 0, dirY: 0 } }, name);
      notify(ctx, identity, 'TRAVEL_REFUSED', 'The region ahead could not take you in; you stay here.');
    },
  };
}
