import type { ClientTransport, TransportFactory } from '../protocol';

/**
 * An event handler property. Declared through a method so its parameter is compared bivariantly:
 * the browser's and the `ws` package's handlers take their own event classes, of which the
 * transport reads only the fields named here.
 */
type Handler<E> = { handle(ev: E): void }['handle'] | null;

/** The parts of the WHATWG WebSocket the transport uses (the browser's, or the `ws` package's). */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number; reason: string }>;
  onerror: Handler<unknown>;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: the browser's `WebSocket`, or `WebSocket` from the `ws` package as it is. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options for {@link createWebSocketTransport}. */
export interface WebSocketTransportOptions {
  /**
   * The WebSocket implementation. @default globalThis.WebSocket, else the `ws` package
   * (loaded on demand, so browser bundles never include it)
   */
  readonly WebSocket?: WebSocketConstructor;
}

let wsPackage: Promise<WebSocketConstructor> | undefined;
function loadWs(): Promise<WebSocketConstructor> {
  const name = 'ws';
  // A non-literal specifier keeps bundlers from pulling a Node package into browser builds.
  wsPackage ??= import(/* @vite-ignore */ name).then((m: { WebSocket: WebSocketConstructor }) => m.WebSocket);
  return wsPackage;
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * A transport over WebSocket to a Tickspace server (`ws://host:port/ws`), for browsers, networked
 * bots and the load test. Binary frames only.
 * @example
 * const conn = await connect({ transport: createWebSocketTransport('ws://localhost:3000/ws') });
 */
export function createWebSocketTransport(
  url: string,
  options: WebSocketTransportOptions = {},
): TransportFactory {
  return (events) => {
    let socket: WebSocketLike | undefined;
    let closed = false;
    const pending: Uint8Array[] = [];
    const attach = (Ctor: WebSocketConstructor) => {
      if (closed) return;
      let s: WebSocketLike;
      try {
        s = new Ctor(url);
      } catch (error) {
        closed = true;
        events.close(1006, error instanceof Error ? error.message : String(error));
        return;
      }
      socket = s;
      // `ws` in Node hands over its own Buffer as is; 'arraybuffer' would copy every message.
      // Browsers ignore the unknown value, so fall back to what they support.
      s.binaryType = 'nodebuffer';
      if (s.binaryType !== 'nodebuffer') s.binaryType = 'arraybuffer';
      s.onopen = () => {
        for (const f of pending) s.send(f);
        pending.length = 0;
        events.open();
      };
      s.onmessage = (ev) => {
        const bytes = toBytes(ev.data);
        // Text frames are not part of the protocol: the server never sends them.
        if (bytes !== undefined) events.message(bytes);
      };
      // Node's `ws` says why an upgrade failed ("Unexpected server response: 429"); browsers do not.
      let failure = '';
      s.onerror = (ev) => {
        const message = (ev as { message?: unknown }).message;
        if (typeof message === 'string') failure = message;
      };
      s.onclose = (ev) => {
        if (closed) return;
        closed = true;
        events.close(ev.code, ev.reason || failure);
      };
    };
    const Global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    const Ctor = options.WebSocket ?? Global;
    if (Ctor !== undefined) attach(Ctor);
    else
      loadWs().then(attach, (error: unknown) => {
        if (closed) return;
        closed = true;
        events.close(1006, `no WebSocket implementation: ${String(error)}`);
      });
    const transport: ClientTransport = {
      send(frame) {
        if (closed) return;
        if (socket === undefined || socket.readyState === 0) pending.push(frame);
        else socket.send(frame);
      },
      close(code = 1000, reason = '') {
        if (closed) return;
        closed = true;
        socket?.close(code, reason);
        events.close(code, reason);
      },
      get bufferedAmount() {
        return socket?.bufferedAmount ?? 0;
      },
    };
    return transport;
  };
}
