import { Client, type Room } from 'colyseus.js';
import { COLYSEUS_MESSAGE, COLYSEUS_ROOM, type JoinOptions, type MoveMessage } from './colyseus-protocol';
import { nowMs, withTimeout, type BotConnection, type BotConnector, type BotProbe } from './bot-client';

interface StateView {
  readonly tick: number;
  readonly entities: { readonly size: number };
}
interface RawSocket {
  addEventListener(type: 'message', listener: (event: { data: ArrayBuffer | Buffer }) => void): void;
}

/**
 * @colyseus/schema reports a patch that names an object the client never received on
 * console.error and skips it (the client's state is then out of step with the server's). The
 * workers count those as errors instead of printing them, once per worker thread.
 */
let consoleProbe: BotProbe | undefined;
function countDecoderErrors(probe: BotProbe): void {
  if (consoleProbe !== undefined) return;
  consoleProbe = probe;
  const { error, warn } = console;
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('"refId" not found'))
      consoleProbe!.error('COLYSEUS_REFID_NOT_FOUND');
    else error(...args);
  };
  console.warn = (...args: unknown[]) => {
    if (args[0] === 'Please report this issue to the developers.') return;
    warn(...args);
  };
}

/**
 * A colyseus.js bot: joins the movement room where the driver says, sends steps as room
 * messages and reads the StateView-filtered state the room patches to it (observers), or counts
 * the patches without decoding them (the others). Bytes are counted on the raw socket.
 * @example
 * const bot = await connectColyseusBot({ url, scenario, index: 0, spawn: { x: 5, y: 5 }, observer: true, probe, connectTimeoutMs: 10_000 });
 * bot.move(1, 0);
 */
export const connectColyseusBot: BotConnector = async (options) => {
  const { probe } = options;
  countDecoderErrors(probe);
  const client = new Client(options.url);
  const room: Room<StateView> = await withTimeout(
    client.join<StateView>(COLYSEUS_ROOM, { x: options.spawn.x, y: options.spawn.y } satisfies JoinOptions),
    options.connectTimeoutMs,
    'joining the Colyseus room',
  );
  const connection = room.connection as unknown as {
    transport: { ws: RawSocket };
    send(data: Uint8Array): void;
  };
  connection.transport.ws.addEventListener('message', (event) =>
    probe.received((event.data as ArrayBuffer).byteLength),
  );
  const send = connection.send.bind(connection);
  connection.send = (data: Uint8Array) => {
    probe.sent(data.byteLength);
    send(data);
  };
  if (options.observer) room.onStateChange((state) => probe.update(state.tick));
  else {
    // Count state bytes without decoding them: the schema decoder is bypassed after the join.
    const serializer = (
      room as unknown as { serializer: { setState(...a: unknown[]): void; patch(...a: unknown[]): void } }
    ).serializer;
    serializer.setState = () => {};
    serializer.patch = () => {};
  }
  // Acks come back in send order: a queue of send times is enough.
  const sentAt: number[] = [];
  let acked = 0;
  let seq = 0;
  room.onMessage(COLYSEUS_MESSAGE.ACK, () => {
    const at = sentAt[acked];
    if (at !== undefined) probe.roundTrip(nowMs() - at);
    acked++;
    if (acked > 1024) {
      sentAt.splice(0, acked);
      acked = 0;
    }
  });
  room.onError((code) => probe.error(`COLYSEUS_${code}`));
  let lost: ((reason: string) => void) | undefined;
  let closing = false;
  room.onLeave((code) => {
    if (!closing) lost?.(`close ${code}`);
  });
  const bot: BotConnection = {
    visibleEntities: () => (options.observer ? (room.state?.entities?.size ?? 0) : undefined),
    move(dx, dy) {
      sentAt.push(nowMs());
      room.send(COLYSEUS_MESSAGE.MOVE, { dx, dy, seq: seq++ } satisfies MoveMessage);
    },
    onLost(handler) {
      lost = handler;
    },
    async close() {
      closing = true;
      await withTimeout(room.leave(true), 5000, 'leaving the Colyseus room').catch(() =>
        room.connection.close(),
      );
    },
  };
  return bot;
};
