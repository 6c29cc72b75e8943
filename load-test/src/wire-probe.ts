import type { WebSocketLike } from '@tickspace/server/client';
import { BinaryReader, CLIENT_MESSAGE, decodeBatch, SERVER_MESSAGE } from '@tickspace/server/protocol';
import { WebSocket } from 'ws';
import { nowMs, type BotProbe } from './bot-client';

/** The messages of one WebSocket message: a BATCH's contents, or the message itself. */
function messagesOf(bytes: Uint8Array, batchTag: number): Uint8Array[] {
  return bytes[0] === batchTag
    ? decodeBatch(bytes, batchTag as typeof CLIENT_MESSAGE.BATCH | typeof SERVER_MESSAGE.BATCH)
    : [bytes];
}

/**
 * A `ws` WebSocket that reports what crosses it to a {@link BotProbe}, reading only message headers
 * (inside BATCH frames too):
 * bytes both ways, a round trip from each CALL to the RESULT with the same request id, and the
 * tick of each TICK_UPDATE. For clients whose code the driver does not own (the sim's Frontier
 * bots), handed to the SDK as its WebSocket implementation.
 */
export type CountingWebSocketClass = new (url: string) => WebSocketLike;

function messageBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * Creates the WebSocket class for one probe (one per worker thread).
 * @example
 * const swarm = await startBotSwarm({ url, members, connect: { WebSocket: createCountingWebSocket(probe) } });
 */
export function createCountingWebSocket(probe: BotProbe): CountingWebSocketClass {
  return class CountingWebSocket extends WebSocket {
    /** Send times of calls awaiting their result, by request id. */
    readonly #calls = new Map<number, number>();

    constructor(url: string) {
      super(url);
      this.on('message', (data: unknown) => {
        const bytes = messageBytes(data);
        if (bytes === undefined) return;
        probe.received(bytes.byteLength);
        for (const message of messagesOf(bytes, SERVER_MESSAGE.BATCH)) this.#received(message);
      });
    }

    #received(message: Uint8Array): void {
      const type = message[0];
      if (type === SERVER_MESSAGE.TICK_UPDATE) probe.update(new BinaryReader(message, 1).uvar());
      else if (type === SERVER_MESSAGE.RESULT) {
        const r = new BinaryReader(message, 1);
        const id = r.uvar();
        const at = this.#calls.get(id);
        if (at === undefined) return;
        this.#calls.delete(id);
        probe.roundTrip(nowMs() - at);
        // `u8 ok`, then for a refusal `string code, string message`.
        if (r.u8() === 0) probe.error(r.string());
      }
    }

    override send(data: Uint8Array, ...rest: unknown[]): void {
      probe.sent(data.byteLength);
      const at = nowMs();
      for (const message of messagesOf(data, CLIENT_MESSAGE.BATCH))
        if (message[0] === CLIENT_MESSAGE.CALL) this.#calls.set(new BinaryReader(message, 1).uvar(), at);
      (super.send as (data: Uint8Array, ...rest: unknown[]) => void)(data, ...rest);
    }
  } as unknown as CountingWebSocketClass;
}
