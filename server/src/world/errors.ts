import { ReducerError } from '../engine';

/**
 * Codes Frontier's reducers reject callers with (as `ReducerError` codes). A rejected call changes
 * nothing. The engine's own codes (INVALID_ARGUMENT, UNKNOWN_REDUCER...) live in
 * `protocol/errors.ts`; these are game rules, listed in `server/src/world/README.md`.
 */
export const FRONTIER_ERRORS = {
  /** The caller has no player yet: call `join` first. */
  NOT_JOINED: 'NOT_JOINED',
  /** The caller already has a player. */
  ALREADY_JOINED: 'ALREADY_JOINED',
  /** A name is too short, too long or has characters other than letters, digits, `_` and `-`. */
  INVALID_NAME: 'INVALID_NAME',
  /** Another player has this name (case-insensitively). */
  NAME_TAKEN: 'NAME_TAKEN',
  /** No free land near the spawn point (the world is full there). */
  NO_SPAWN_POINT: 'NO_SPAWN_POINT',
  /** A direction longer than 1 or not finite. */
  INVALID_DIRECTION: 'INVALID_DIRECTION',
  /** A `walk_to` whose target is farther than `maxWalkTiles` or whose stop distance is out of range. */
  INVALID_WALK_TARGET: 'INVALID_WALK_TARGET',
  /** The player is already gathering, crafting or constructing. */
  BUSY: 'BUSY',
  /** `cancel_action` while idle. */
  NO_ACTION: 'NO_ACTION',
  /** No resource node with this id. */
  UNKNOWN_NODE: 'UNKNOWN_NODE',
  /** The node is depleted and has not respawned yet. */
  NODE_DEPLETED: 'NODE_DEPLETED',
  /** The target is beyond reach. */
  OUT_OF_REACH: 'OUT_OF_REACH',
  /** Gathering this node needs a tool the player does not carry. */
  TOOL_REQUIRED: 'TOOL_REQUIRED',
  /** The items would not fit in the inventory (slots or stack limits). */
  INVENTORY_FULL: 'INVENTORY_FULL',
  /** The player (or a trade side) lacks some items. */
  MISSING_ITEMS: 'MISSING_ITEMS',
  /** No recipe with this id. */
  UNKNOWN_RECIPE: 'UNKNOWN_RECIPE',
  /** The player's skill level is below the recipe's. */
  SKILL_TOO_LOW: 'SKILL_TOO_LOW',
  /** The recipe needs a completed station nearby. */
  STATION_REQUIRED: 'STATION_REQUIRED',
  /** No item with this id. */
  UNKNOWN_ITEM: 'UNKNOWN_ITEM',
  /** No building kind with this id in the content. */
  UNKNOWN_BUILDING_KIND: 'UNKNOWN_BUILDING_KIND',
  /** No placed building with this id. */
  UNKNOWN_BUILDING: 'UNKNOWN_BUILDING',
  /** The footprint leaves the world. */
  OUT_OF_BOUNDS: 'OUT_OF_BOUNDS',
  /** The footprint overlaps water, a cliff, a building, a blocking node or a player. */
  BLOCKED: 'BLOCKED',
  /** The caller may not use this building (not the owner, no access granted). */
  NO_ACCESS: 'NO_ACCESS',
  /** The building is still under construction. */
  NOT_COMPLETE: 'NOT_COMPLETE',
  /** `construct` on a finished building. */
  ALREADY_COMPLETE: 'ALREADY_COMPLETE',
  /** The building has no storage. */
  NOT_STORAGE: 'NOT_STORAGE',
  /** A storage building must be emptied before it is demolished. */
  STORAGE_NOT_EMPTY: 'STORAGE_NOT_EMPTY',
  /** A slot index outside the container. */
  INVALID_SLOT: 'INVALID_SLOT',
  /** A slot that holds nothing. */
  EMPTY_SLOT: 'EMPTY_SLOT',
  /** A quantity of 0 or more than the slot holds. */
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  /** No player with this identity. */
  UNKNOWN_PLAYER: 'UNKNOWN_PLAYER',
  /** Trading or granting access to oneself. */
  SELF_TARGET: 'SELF_TARGET',
  /** The other player is too far away or offline. */
  TOO_FAR: 'TOO_FAR',
  /** The two players already have an open trade. */
  TRADE_EXISTS: 'TRADE_EXISTS',
  /** No open trade with this id that the caller is part of. */
  UNKNOWN_TRADE: 'UNKNOWN_TRADE',
  /** A trade side would offer more than `maxTradeItems` kinds of item. */
  TRADE_TOO_LARGE: 'TRADE_TOO_LARGE',
  /** `trade_accept` while neither side offers anything: an empty trade exchanges nothing. */
  TRADE_EMPTY: 'TRADE_EMPTY',
  /** `trade_respond` by the player who sent the invitation (only the invited player answers it). */
  NOT_INVITED: 'NOT_INVITED',
  /** `eat` on an item that is not food. */
  NOT_FOOD: 'NOT_FOOD',
  /** `eat` while the meals eaten already last `maxWellFedMs` or more ahead. */
  TOO_FULL: 'TOO_FULL',
  /** No town project with this id in the content. */
  UNKNOWN_PROJECT: 'UNKNOWN_PROJECT',
  /** `contribute` to a project whose every stage is complete. */
  PROJECT_COMPLETE: 'PROJECT_COMPLETE',
  /** `contribute` of an item the project's current stage does not need (or no longer needs). */
  NOT_NEEDED: 'NOT_NEEDED',
  /** `place_building` of a kind only town projects raise. */
  NOT_PLACEABLE: 'NOT_PLACEABLE',
  /** A chat message with no visible characters. */
  CHAT_EMPTY: 'CHAT_EMPTY',
  /** A chat message longer than `maxChatChars`. */
  CHAT_TOO_LONG: 'CHAT_TOO_LONG',
  /** More than `chatRateCount` messages within `chatRateWindowMs`. */
  CHAT_RATE_LIMITED: 'CHAT_RATE_LIMITED',
  /** A chat channel other than 'local' and 'global'. */
  UNKNOWN_CHANNEL: 'UNKNOWN_CHANNEL',
  /** A server-only reducer called by a client. */
  FORBIDDEN: 'FORBIDDEN',
  /** A content reload whose content is invalid (the old content stays). */
  INVALID_CONTENT: 'INVALID_CONTENT',
} as const;

/** One of {@link FRONTIER_ERRORS}. */
export type FrontierErrorCode = (typeof FRONTIER_ERRORS)[keyof typeof FRONTIER_ERRORS];

/**
 * Throws a `ReducerError` with a Frontier code: the call rolls back and the caller gets code and message.
 * @throws ReducerError always
 * @example
 * if (node === undefined) reject('UNKNOWN_NODE', `no resource node ${nodeId}`);
 */
export function reject(code: FrontierErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new ReducerError(code, message, details === undefined ? {} : { details });
}
