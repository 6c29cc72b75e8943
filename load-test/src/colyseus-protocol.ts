/**
 * What the Colyseus room and the colyseus.js bots agree on, kept apart from both so the bots do
 * not load the server framework.
 */

/** Name under which the movement room is defined; bots join it by this name. */
export const COLYSEUS_ROOM = 'world';

/** Message type numbers shared by the room and the bots (numbers cost fewer bytes than names). */
export const COLYSEUS_MESSAGE = { MOVE: 1, ACK: 2 } as const;

/** What a bot sends when it joins: where its entity starts. */
export interface JoinOptions {
  readonly x: number;
  readonly y: number;
}

/** A step from a bot. */
export interface MoveMessage {
  readonly dx: number;
  readonly dy: number;
  /** Echoed back in the acknowledgement. */
  readonly seq: number;
}
