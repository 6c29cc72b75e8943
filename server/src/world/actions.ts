import { ReducerError, t, type Identity } from '../engine';
import { reject } from './errors';
import type { Ctx, FrontierDb, Me } from './runtime';
import { frontierSchema } from './tables';
import { inDuration } from './words';

/** Kinds of timed action. */
export const ACTION_KINDS = { GATHER: 'gather', CRAFT: 'craft', CONSTRUCT: 'construct' } as const;
/** One of {@link ACTION_KINDS}. */
export type ActionKind = (typeof ACTION_KINDS)[keyof typeof ACTION_KINDS];

/** A player's profile and avatar, or undefined. */
export function meOf(db: FrontierDb, who: Identity): Me | undefined {
  const player = db.player.find(who);
  const avatar = db.avatar.find(who);
  if (player === undefined || avatar === undefined) return undefined;
  return {
    identity: player.identity,
    name: player.name,
    nameKey: player.nameKey,
    online: player.online,
    containerId: player.containerId,
    joinedMs: player.joinedMs,
    x: avatar.x,
    y: avatar.y,
    dirX: avatar.dirX,
    dirY: avatar.dirY,
    moving: avatar.moving,
  };
}

/**
 * The caller's player (profile and avatar).
 * @throws ReducerError NOT_JOINED
 */
export function requirePlayer(ctx: Ctx): Me {
  const me = meOf(ctx.db, ctx.sender);
  if (me === undefined) reject('NOT_JOINED', `identity ${ctx.sender} has no player: call 'join' first`);
  return me;
}

/** @throws ReducerError BUSY if the player is already doing something. */
export function requireIdle(ctx: Ctx, player: Me): void {
  const action = ctx.db.action.find(player.identity);
  if (action !== undefined)
    reject(
      'BUSY',
      `${player.name} is already busy (${action.kind}), done ${inDuration(action.endsMs, ctx.now)}`,
      {
        action: action.kind,
      },
    );
}

/**
 * Starts a timed action: stops the player, records the action and schedules its finisher
 * (`finisher` runs with `{ owner, ...args }` after `durationMs`).
 */
export function startAction(
  ctx: Ctx,
  player: Me,
  kind: ActionKind,
  target: number,
  recipeId: string,
  durationMs: number,
  finisher: string,
  args: Record<string, unknown>,
): void {
  if (player.moving)
    ctx.db.avatar.update({ ...ctx.db.avatar.find(player.identity)!, moving: false, dirX: 0, dirY: 0 });
  const scheduleId = ctx.schedule(finisher, { owner: player.identity, ...args }, { inMs: durationMs });
  ctx.db.action.insert({
    owner: player.identity,
    kind,
    target,
    recipeId,
    startedMs: ctx.now,
    endsMs: ctx.now + durationMs,
    scheduleId,
  });
}

/** Ends a player's action (if any) and cancels its finisher. Returns whether there was one. */
export function endAction(ctx: Ctx, owner: Identity): boolean {
  const action = ctx.db.action.find(owner);
  if (action === undefined) return false;
  ctx.cancelSchedule(action.scheduleId);
  ctx.db.action.delete(owner);
  return true;
}

/**
 * The action a finisher belongs to, if it is still the player's current one (a cancelled or
 * replaced action's finisher finds nothing and does nothing).
 */
export function currentAction(
  db: FrontierDb,
  owner: Identity,
  kind: ActionKind,
  target: number,
  recipeId: string,
) {
  const action = db.action.find(owner);
  if (
    action === undefined ||
    action.kind !== kind ||
    action.target !== target ||
    action.recipeId !== recipeId
  )
    return undefined;
  return action;
}

/** Tells a player something happened without a call of theirs (an action that could not finish). */
export function notify(ctx: Ctx, owner: Identity, code: string, text: string): void {
  ctx.db.notice.insert({ owner, code, text, sentMs: ctx.now });
}

/**
 * Runs the rule checks of a finisher: a rule that no longer holds (a `ReducerError`) becomes a
 * notice to the player and `undefined`, so the finisher can still end the action. Checks must not
 * write before they throw. Anything else is a server fault and propagates.
 */
export function attempt<T>(ctx: Ctx, owner: Identity, checks: () => T): T | undefined {
  try {
    return checks();
  } catch (error) {
    if (!(error instanceof ReducerError)) throw error;
    notify(ctx, owner, error.code, error.message);
    return undefined;
  }
}

/** `cancel_action {}`: stops the caller's current action. Rejects NOT_JOINED, NO_ACTION. */
export const cancelAction = frontierSchema.reducer('cancel_action', {}, (ctx) => {
  const player = requirePlayer(ctx);
  if (!endAction(ctx, player.identity)) reject('NO_ACTION', `${player.name} is not doing anything`);
});

/** Reducer argument columns shared by finishers. */
export const finisherArgs = { owner: t.identity() };
