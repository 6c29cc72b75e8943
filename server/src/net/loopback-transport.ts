import type { ClientTransport, ServerConnection, TransportFactory } from '../protocol';
import type { SessionHub } from './session-hub';

/**
 * An in-process transport for the client SDK: each connection attempt opens a session on the hub
 * directly, with no socket. Frames cross in microtasks (in order, never re-entrantly), so bots run
 * the very code path networked clients run, minus the network.
 * @example
 * const conn = await connect<typeof game>({ transport: createLoopbackTransport(hub) });
 */
export function createLoopbackTransport(hub: SessionHub): TransportFactory {
  return (events) => {
    let open = true;
    // Frames the server sent before it closed still reach the client, as over a socket: the CLOSE
    // frame that says why (a refused handshake, a kick) is the last thing a session sends before
    // closing. Only the client's own close, or the close event once delivered, stops them.
    let delivering = true;
    let queued = 0;
    const end = (code: number, reason: string, fromClient: boolean) => {
      if (!open) return;
      open = false;
      if (fromClient) delivering = false;
      queueMicrotask(() => {
        delivering = false;
        if (fromClient) session.closed(code, reason);
        events.close(code, reason);
      });
    };
    const server: ServerConnection = {
      send(frame) {
        if (!open) return;
        queued += frame.length;
        queueMicrotask(() => {
          queued -= frame.length;
          if (delivering) events.message(frame);
        });
      },
      close: (code, reason) => end(code, reason, false),
      get bufferedAmount() {
        return queued;
      },
      remoteAddress: 'loopback',
      inProcess: true,
    };
    const session = hub.accept(server);
    queueMicrotask(() => {
      if (open) events.open();
    });
    const client: ClientTransport = {
      send(frame) {
        if (!open) return;
        queueMicrotask(() => {
          if (open) session.receive(frame);
        });
      },
      close: (code = 1000, reason = '') => end(code, reason, true),
      get bufferedAmount() {
        return 0;
      },
    };
    return client;
  };
}
