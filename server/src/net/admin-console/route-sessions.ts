import type { ConsoleContext } from './console-context';
import { QueryParams } from './query-params';

/**
 * `GET /admin/sessions`: every open connection (handshaking ones have no identity yet) with its
 * protocol version, peer address and the bytes queued for it (the backpressure signal).
 */
export function sessionsRoute(url: URL, ctx: ConsoleContext): unknown {
  new QueryParams(url, '/admin/sessions', []);
  const hub = ctx.hub;
  return {
    tick: ctx.engine.tick,
    clients: hub.clientCount,
    connections: hub.connectionCount,
    sessions: hub
      .sessions()
      .filter((s) => !s.isClosed)
      .map((s) => ({
        identity: s.identity ?? null,
        protocolVersion: s.protocolVersion,
        remoteAddress: s.remoteAddress ?? 'in process',
        bufferedBytes: s.bufferedAmount,
      })),
  };
}
