import {
  connect,
  createWebSocketTransport,
  type Connection,
  type WebSocketConstructor,
} from '@tickspace/server/client';
import type { TransportFactory } from '@tickspace/server/protocol';
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

/** A WebSocket transport that counts every frame's payload bytes both ways. */
export function countingTransport(url: string, probe: BotProbe): TransportFactory {
  const inner = createWebSocketTransport(url, { WebSocket: WebSocket as unknown as WebSocketConstructor });
  return (events) => {
    const t = inner({
      open: () => events.open(),
      message: (frame) => {
        probe.received(frame.byteLength);
        events.message(frame);
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

/**
 * A Tickspace SDK bot: connects (the server spawns its entity), learns its entity's id through an
 * owner query, then follows it with a radius subscription and walks it with `move` calls.
 * @example
 * const bot = await connectTickspaceBot({ url, scenario, index: 0, probe, connectTimeoutMs: 10_000 });
 * bot.move(1, 0);
 */
export const connectTickspaceBot: BotConnector = async (options) => {
  const { probe, scenario } = options;
  const setup = async (): Promise<{ conn: Connection<MovementModule>; id: number }> => {
    const conn = await connect<MovementModule>({
      transport: countingTransport(options.url, probe),
      reconnect: false,
      onError: (error) => probe.error(errorCode(error)),
    });
    try {
      // The entity is inserted by the connected hook, in the tick after the handshake.
      const own = conn.subscribe({ table: 'entity', where: { index: 'owner', value: conn.identity } });
      await own.applied;
      let mine = conn.db.entity.filter('owner', conn.identity)[0];
      while (mine === undefined) {
        await new Promise<void>((resolve) => {
          const off = conn.onTick(() => {
            off();
            resolve();
          });
        });
        mine = conn.db.entity.filter('owner', conn.identity)[0];
      }
      const area = conn.subscribe({
        table: 'entity',
        follow: { table: 'entity', key: mine.id, radius: scenario.aoiRadius },
      });
      await area.applied;
      await own.unsubscribe();
      return { conn, id: mine.id };
    } catch (error) {
      conn.close();
      throw error;
    }
  };
  const attempt = setup();
  // A setup that finishes after the timeout must not leave a connection behind.
  attempt.then(
    ({ conn }) => timedOut && conn.close(),
    () => {},
  );
  let timedOut = false;
  const { conn, id } = await withTimeout(attempt, options.connectTimeoutMs, 'connecting to Tickspace').catch(
    (error: unknown) => {
      timedOut = true;
      throw error;
    },
  );
  conn.onTick((tick) => probe.update(tick));
  let lost: ((reason: string) => void) | undefined;
  let closing = false;
  conn.onStatus((status) => {
    if (status === 'closed' && !closing) lost?.(conn.closeReason?.code ?? 'CLOSED');
  });
  const bot: BotConnection = {
    visibleEntities: () => conn.db.entity.count(),
    position() {
      const me = conn.db.entity.find(id);
      return me === undefined ? undefined : { x: me.x, y: me.y };
    },
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
