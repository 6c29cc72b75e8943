import {
  connect,
  createWebSocketTransport,
  type Connection,
  type WebSocketConstructor,
} from '@tickspace/server/client';
import { BinaryReader, decodeBatch, SERVER_MESSAGE, type TransportFactory } from '@tickspace/server/protocol';
import { WebSocket } from 'ws';
import {
  errorCode,
  nowMs,
  withTimeout,
  type BotConnection,
  type BotConnector,
  type BotProbe,
} from './bot-client';
import type { MovementModule } from './movement-module';
import { toFixed } from './scenario';

/** Frames a non-observer bot counts and drops instead of handing them to the SDK to decode. */
const STATE_FRAMES = new Set<number>([
  SERVER_MESSAGE.TICK_UPDATE,
  SERVER_MESSAGE.SUBSCRIBED,
  SERVER_MESSAGE.UNSUBSCRIBED,
]);

/**
 * A WebSocket transport that counts every frame's payload bytes both ways. With `decodeState`
 * false, state messages (tick updates, subscription rows), alone or inside a BATCH, are counted
 * and dropped before the SDK sees them; calls, results and the handshake go through as usual.
 */
export function countingTransport(url: string, probe: BotProbe, decodeState = true): TransportFactory {
  const inner = createWebSocketTransport(url, { WebSocket: WebSocket as unknown as WebSocketConstructor });
  return (events) => {
    const t = inner({
      open: () => events.open(),
      message: (frame) => {
        probe.received(frame.byteLength);
        if (decodeState) events.message(frame);
        else if (frame[0] === SERVER_MESSAGE.BATCH) {
          for (const message of decodeBatch(frame, SERVER_MESSAGE.BATCH))
            if (!STATE_FRAMES.has(message[0]!)) events.message(message);
        } else if (!STATE_FRAMES.has(frame[0]!)) events.message(frame);
      },
      close: (code, reason) => events.close(code, reason),
    });
    return {
      send(frame) {
        probe.sent(frame.byteLength);
        t.send(frame);
      },
      close: (code, reason) => t.close(code, reason),
      get bufferedAmount() {
        return t.bufferedAmount;
      },
    };
  };
}

/** The tick number of a TICK_UPDATE frame (`u8 type, uvar tick, ...`). */
export function tickOfFrame(frame: Uint8Array): number {
  const r = new BinaryReader(frame, 1);
  return r.uvar();
}

/**
 * A Tickspace SDK bot: connects, spawns its entity where the driver says (id = bot number),
 * follows it with a radius subscription and walks it with `move` calls. Observers keep the SDK's
 * client cache; the others drop state frames unread.
 * @example
 * const bot = await connectTickspaceBot({ url, scenario, index: 0, spawn: { x: 5, y: 5 }, observer: true, probe, connectTimeoutMs: 10_000 });
 * bot.move(1, 0);
 */
export const connectTickspaceBot: BotConnector = async (options) => {
  const { probe, scenario } = options;
  let closing = false;
  const setup = async (): Promise<Connection<MovementModule>> => {
    const conn = await connect<MovementModule>({
      transport: countingTransport(options.url, probe, options.observer),
      reconnect: false,
      onError: (error) => {
        if (!closing) probe.error(errorCode(error));
      },
    });
    try {
      await conn.reducers.spawn({ id: options.index, x: options.spawn.x, y: options.spawn.y });
      // Positions are fixed point on the server: the radii are in the same units.
      const follow = {
        table: 'entity',
        key: options.index,
        radius: toFixed(scenario, scenario.aoiRadius),
      } as const;
      const lod = scenario.lod;
      const area = conn.subscribe(
        lod === undefined
          ? { table: 'entity', follow }
          : { table: 'entity', follow, lod: { radius: toFixed(scenario, lod.radius), every: lod.every } },
      );
      // A bot that drops state frames never sees SUBSCRIBED: it counts as in the world once spawned.
      if (options.observer) await area.applied;
      return conn;
    } catch (error) {
      conn.close();
      throw error;
    }
  };
  let timedOut = false;
  const attempt = setup();
  // A setup that finishes after the timeout must not leave a connection behind.
  attempt.then(
    (conn) => timedOut && conn.close(),
    () => {},
  );
  const conn = await withTimeout(attempt, options.connectTimeoutMs, 'connecting to Tickspace').catch(
    (error: unknown) => {
      timedOut = true;
      throw error;
    },
  );
  if (options.observer) conn.onTick((tick) => probe.update(tick));
  let lost: ((reason: string) => void) | undefined;
  conn.onStatus((status) => {
    if (status === 'closed' && !closing) lost?.(conn.closeReason?.code ?? 'CLOSED');
  });
  const bot: BotConnection = {
    visibleEntities: () => (options.observer ? conn.db.entity.count() : undefined),
    move(dx, dy) {
      const sent = nowMs();
      conn.reducers.move({ dx, dy }).then(
        () => probe.roundTrip(nowMs() - sent),
        (error: unknown) => {
          if (!closing) probe.error(errorCode(error));
        },
      );
    },
    onLost(handler) {
      lost = handler;
    },
    async close() {
      closing = true;
      conn.close();
    },
  };
  return bot;
};
