/**
 * The move signal between a region process and the gateway: how a region tells the gateway that a
 * session's player is not here (they left for another region) and where they went.
 *
 * A region closes such a session with {@link MOVED_CLOSE_CODE}, and its CLOSE frame's message names
 * the region and the epoch of the move ({@link movedMessage}). The gateway never shows it to the
 * client: it routes the client to the region the player went to.
 */
import type { Engine, ReadonlyDb } from '../engine';
import type { AdmitHook, Refusal, TickspaceServer } from '../net';
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
 * The admission hook of a region's server ({@link AdmitHook}): a CONNECT whose token names a
 * player who left this region (a tombstone in `ts_moved`) is refused with the move signal before
 * the session opens, so the client hears no IDENTITY and sends no query to a region that does not
 * hold its player (its queries that follow the player would find nothing here), and no lifecycle
 * call runs here.
 * @example
 * const server = await createServer({ engine, admit: refuseMovedAtConnect(engine) });
 */
export function refuseMovedAtConnect(engine: Engine<any>): AdmitHook {
  const kit = engine.db as unknown as ReadonlyDb<HandoffTables>;
  return (identity) => {
    const row = kit.ts_moved.find(identity);
    return row === undefined ? undefined : movedRefusal({ region: row.to, epoch: row.epoch });
  };
}

/**
 * Closes, after each tick, every open session of the server whose player left in that tick, with
 * the move signal (the connect side is {@link refuseMovedAtConnect}). Returns a function that stops.
 * @example
 * const stop = closeMovedSessions(server, engine);
 */
export function closeMovedSessions(server: TickspaceServer, engine: Engine<any>): () => void {
  const kit = engine.db as unknown as ReadonlyDb<HandoffTables>;
  return engine.onTick(() => {
    for (const session of server.hub.sessions()) {
      const identity = session.identity;
      const row = identity === undefined ? undefined : kit.ts_moved.find(identity);
      if (row === undefined) continue;
      const r = movedRefusal({ region: row.to, epoch: row.epoch });
      session.close(r.closeCode, r.code, r.message);
    }
  });
}

function movedRefusal(to: MovedTo): Refusal {
  return { closeCode: MOVED_CLOSE_CODE, code: 'NOT_HERE', message: movedMessage(to) };
}
