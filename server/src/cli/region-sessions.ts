/**
 * The move signal between a region process and the gateway: how a region tells the gateway that a
 * session's player is not here (they left for another region) and where they went.
 *
 * A region closes such a session with {@link MOVED_CLOSE_CODE}, and its CLOSE frame's message names
 * the region and the epoch of the move ({@link movedMessage}). The gateway never shows it to the
 * client: it routes the client to the region the player went to.
 */
import type { Engine, ReadonlyDb } from '../engine';
import type { TickspaceServer, TokenIssuer } from '../net';
import { BinaryReader, CLIENT_MESSAGE } from '../protocol';
import type { HandoffTables } from '../regions';

/** The WebSocket close code of a region session whose player moved to another region (the gateway's, never a client's). */
export const MOVED_CLOSE_CODE = 4090;

/** Where a player went, as a move signal says. */
export interface MovedTo {
  readonly region: string;
  /** The epoch of the move: the directory names `region` once it holds this epoch or a later one. */
  readonly epoch: number;
}

/**
 * The CLOSE message of a move signal.
 * @example
 * movedMessage({ region: 'r1_0', epoch: 3 }); // -> 'moved to r1_0 at epoch 3'
 */
function movedMessage(to: MovedTo): string {
  return `moved to ${to.region} at epoch ${to.epoch}`;
}

/**
 * Reads a move signal's CLOSE message; undefined for anything else.
 * @example
 * parseMoved('moved to r1_0 at epoch 3'); // -> { region: 'r1_0', epoch: 3 }
 */
export function parseMoved(message: string): MovedTo | undefined {
  const m = /^moved to ([A-Za-z0-9_-]+) at epoch (\d+)$/.exec(message);
  return m === null ? undefined : { region: m[1]!, epoch: Number(m[2]) };
}

/**
 * Keeps a region's server to the players it holds:
 * - **at connect**, a CONNECT whose token names a player who left this region (a tombstone in
 *   `ts_moved`) is refused with the move signal before the handshake: the session never opens, so
 *   the client hears no IDENTITY and sends no query to a region that does not hold its player (its
 *   queries that follow the player would find nothing here), and no lifecycle call runs here;
 * - **after each tick**, every open session whose player left in that tick is closed with it.
 *
 * The net layer has no admission hook, so the first frame is looked at by wrapping the hub's
 * `accept` on this server (the session's own handling is untouched). Returns a function that stops both.
 * @example
 * const stop = guardMovedSessions(server, engine);
 */
export function guardMovedSessions(server: TickspaceServer, engine: Engine<any>): () => void {
  const kit = engine.db as unknown as ReadonlyDb<HandoffTables>;
  const hub = server.hub;
  const moved = (identity: string | undefined): MovedTo | undefined => {
    const row = identity === undefined ? undefined : kit.ts_moved.find(identity);
    return row === undefined ? undefined : { region: row.to, epoch: row.epoch };
  };
  let guarding = true;
  const accept = hub.accept;
  hub.accept = (conn) => {
    const session = accept.call(hub, conn);
    const receive = session.receive;
    session.receive = (frame) => {
      // Only the first frame, and only once: afterwards the session's own method runs unwrapped.
      session.receive = receive;
      const to = guarding ? moved(connectIdentity(frame, hub.tokens)) : undefined;
      if (to !== undefined) session.close(MOVED_CLOSE_CODE, 'NOT_HERE', movedMessage(to));
      else receive.call(session, frame);
    };
    return session;
  };
  const unhook = engine.onTick(() => {
    for (const session of hub.sessions()) {
      const to = moved(session.identity);
      if (to !== undefined) session.close(MOVED_CLOSE_CODE, 'NOT_HERE', movedMessage(to));
    }
  });
  return () => {
    guarding = false;
    hub.accept = accept;
    unhook();
  };
}

/** The identity a CONNECT frame's token names; undefined for anything else (the session answers it). */
function connectIdentity(frame: Uint8Array, tokens: TokenIssuer): string | undefined {
  if (frame[0] !== CLIENT_MESSAGE.CONNECT) return undefined;
  try {
    const r = new BinaryReader(frame, 1);
    r.uvar(); // the protocol version: the session checks it
    const token = r.string();
    return token === '' ? undefined : tokens.verify(token);
  } catch {
    return undefined;
  }
}
