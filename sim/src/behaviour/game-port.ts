import type { ReducerCall, ReducerCallArgs, ReducerName } from '@tickspace/server/client';
import type { Row } from '@tickspace/server/engine';
import type { FrontierModule, FrontierTables } from '@tickspace/server/world';

/**
 * The port between behaviours and a connection: what one player sees (its client cache, nothing
 * more) and the calls it can make. The runners implement it over the client SDK, so bots see
 * exactly what a browser player would see and act only through reducer calls.
 */

export type AvatarRow = Row<FrontierTables['avatar']>;
export type NodeRow = Row<FrontierTables['resource_node']>;
export type InventoryRow = Row<FrontierTables['inventory']>;
export type BuildingRow = Row<FrontierTables['building']>;
export type TradeRow = Row<FrontierTables['trade']>;

/** Read access to one cached table: the subset of the SDK's cache verbs behaviours use. */
export interface CachedTable<R> {
  find(key: any): R | undefined;
  iter(): Iterable<R>;
  count(): number;
}

/** The tables a bot's cache holds (public content tables plus what its subscriptions deliver). */
export type CachedDb = { readonly [K in keyof FrontierTables]: CachedTable<Row<FrontierTables[K]>> };

/** What one player sees. */
export interface GameView {
  /** The player's identity (32 hex characters). */
  readonly identity: string;
  /** The client cache. */
  readonly db: CachedDb;
}

/** The outcome of a call as the SDK reports it. */
export type CallOutcome =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

/** A Frontier reducer a player may call. */
export type FrontierReducer = ReducerName<FrontierModule>;
/** The typed arguments of a Frontier reducer. */
export type FrontierArgs<N extends FrontierReducer> = ReducerCallArgs<FrontierModule, N>;
/** A Frontier reducer call as data. */
export type FrontierCall = ReducerCall<FrontierModule>;

/** What a behaviour can do through its connection. */
export interface GameActions {
  /** Calls a reducer with typed arguments; the outcome arrives later through the agent's `onResult`. */
  call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>): void;
}

/** Kinds of update that may prompt a reaction. */
export const UPDATE_KIND = {
  /** The player's own timed action ended (gather, craft or construct finished or was cancelled). */
  ACTION_END: 'action_end',
  /** A trade involving the player opened, changed or closed. */
  TRADE: 'trade',
  /** A notice for the player (an action could not finish). */
  NOTICE: 'notice',
  /** Someone nearby said something. */
  CHAT: 'chat',
} as const;
/** One of {@link UPDATE_KIND}. */
export type UpdateKind = (typeof UPDATE_KIND)[keyof typeof UPDATE_KIND];
