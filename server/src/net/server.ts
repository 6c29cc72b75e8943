import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Gauge } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine, Logger, ModuleDef } from '../engine';
import { TickspaceError, type ServerConnection } from '../protocol';
import type { AdmitHook } from './admission-hook';
import { AddressGate, type Admission } from './address-gate';
import { handleHttp, type AdminHandlers } from './http-routes';
import type { NetLimits } from './limits';
import { parseRequestTarget } from './request-target';
import type { LogStorageSource, ServerMetrics } from './server-metrics';
import { createSessionHub, type CloseReason, type SessionHub } from './session-hub';

/** Options for {@link createServer}. */
export interface ServerOptions {
  readonly engine: Engine<ModuleDef>;
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Path of the WebSocket endpoint. @default '/ws' */
  readonly wsPath?: string;
  /** Bearer token for /admin/*; must not be empty. @default undefined (admin disabled: 403) */
  readonly adminToken?: string;
  /** HMAC key for identity tokens, at least 32 bytes (`MIN_TOKEN_SECRET_BYTES`). @default 32 random bytes per process */
  readonly tokenSecret?: string | Uint8Array;
  /** Directory of the static client build. @default undefined (no static files) */
  readonly staticDir?: string;
  /** Limit overrides; see {@link NetLimits}. */
  readonly limits?: Partial<NetLimits>;
  /** Admin operations (snapshot, rewind, inspect); missing ones answer 501. */
  readonly admin?: AdminHandlers;
  /** The commit log whose disk use and oldest retained tick /metrics reports (a `Database`). @default undefined (no log gauges) */
  readonly log?: LogStorageSource;
  /** @default console */
  readonly logger?: Logger;
  /** Rate-limit clock (reducer calls, connection attempts per address), ms. @default performance.now */
  readonly clock?: () => number;
  /** Time a closing socket gets to finish its close handshake before it is destroyed, ms. @default 2_000 */
  readonly closeTimeoutMs?: number;
  /**
   * Pending-connection queue of the listening socket (the kernel caps it at `net.core.somaxconn`).
   * Node's 511 overflows when thousands of players reconnect at once after a restart. @default 4096
   */
  readonly backlog?: number;
  /** The session hub's admission hook ({@link AdmitHook}). @default undefined (everyone is admitted) */
  readonly admit?: AdmitHook;
}

/** A running server. */
export interface TickspaceServer {
  /** `ws://host:port/ws`. */
  readonly url: string;
  /** `http://host:port`. */
  readonly httpUrl: string;
  readonly port: number;
  readonly hub: SessionHub;
  readonly metrics: ServerMetrics;
  readonly http: HttpServer;
  /**
   * Closes every session (GOING_AWAY unless `reason` says otherwise), then the listener. Does not
   * stop the engine: the sessions' disconnect calls run in its next tick.
   */
  close(reason?: CloseReason): Promise<void>;
}

function wsConnection(
  ws: WebSocket,
  remoteAddress: string | undefined,
  closeTimeoutMs: number,
): ServerConnection {
  return {
    send(frame) {
      if (ws.readyState === ws.OPEN) ws.send(frame);
    },
    close(code, reason) {
      if (ws.readyState === ws.CLOSED) return;
      ws.close(code, reason.slice(0, 120));
      // A stalled reader never completes the close handshake: destroy the socket after a grace period.
      setTimeout(() => ws.terminate(), closeTimeoutMs).unref();
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    remoteAddress,
  };
}

/**
 * Answers a refused upgrade with 429: the code in a header and the body, so a client that can read
 * the response (Node's `ws` emits `unexpected-response`) knows why; browsers only see the failure.
 */
/**
 * Answers an upgrade that will not become a WebSocket and closes the socket. Node hands an
 * upgrade's socket over without an error listener (ws adds its own when it takes one): a reset
 * while the refusal is written would otherwise be an uncaught exception.
 */
function refuseUpgrade(socket: Duplex, status: string, headers = '', body = ''): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status}\r\nconnection: close\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** An upgrade refused by the per-address limits: 429 with the code, the reason and when to retry. */
function refuseOverLimit(socket: Duplex, refusal: Extract<Admission, { ok: false }>): void {
  refuseUpgrade(
    socket,
    '429 Too Many Requests',
    `content-type: text/plain\r\nretry-after: ${refusal.retryAfterS}\r\nx-tickspace-error: ${refusal.code}\r\n`,
    `${refusal.code}: ${refusal.message}`,
  );
}

/**
 * Starts the HTTP + WebSocket server on one port: `/ws` for clients (binary frames,
 * permessage-deflate off), `/health`, `/metrics`, `/admin/*` and static files.
 * @throws Error if the port cannot be bound; TickspaceError INVALID_ARGUMENT for an empty `adminToken`
 * or a `tokenSecret` shorter than 32 bytes.
 * @example
 * const server = await createServer({ engine, port: 3000, tokenSecret: process.env.SECRET, adminToken: process.env.ADMIN });
 * engine.start();
 * console.log(`clients connect to ${server.url}`);
 */
export async function createServer(options: ServerOptions): Promise<TickspaceServer> {
  // An empty token would match an empty Authorization header: admin open to everyone.
  if (options.adminToken === '')
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      'adminToken must not be empty: leave it undefined to disable admin',
    );
  const hub = createSessionHub({
    engine: options.engine,
    tokenSecret: options.tokenSecret,
    limits: options.limits,
    logger: options.logger,
    clock: options.clock,
    admit: options.admit,
  });
  if (options.log !== undefined) hub.metrics.watchLog(options.log);
  const wsPath = options.wsPath ?? '/ws';
  const closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
  const routes = {
    hub,
    adminToken: options.adminToken,
    admin: options.admin ?? {},
    staticDir: options.staticDir,
  };
  const logger = options.logger ?? console;
  const http = createHttpServer((req, res) => {
    // handleHttp answers its own faults; this catch is for a fault in answering one.
    handleHttp(req, res, routes).catch((error: unknown) => {
      logger.error(`HTTP ${req.method} ${req.url} failed`, error);
      res.destroy();
    });
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: hub.limits.maxFrameBytes,
    clientTracking: true,
  });
  const gate = new AddressGate({ ...hub.limits, clock: hub.clock });
  new Gauge({
    name: 'tickspace_tracked_addresses',
    help: 'Client addresses with open connections or a recent connection attempt',
    registers: [hub.metrics.registry],
    collect() {
      this.set(gate.size);
    },
  });

  http.on('upgrade', (req, socket, head) => {
    try {
      const url = parseRequestTarget(req.url);
      if (url === undefined) return refuseUpgrade(socket, '400 Bad Request');
      if (url.pathname !== wsPath) return refuseUpgrade(socket, '404 Not Found');
      const address = req.socket.remoteAddress;
      if (address === undefined) return void socket.destroy();
      // Before the upgrade: a refused attempt costs one short response, never a WebSocket or a session.
      const admission = gate.admit(address);
      if (!admission.ok) {
        hub.metrics.refusedConnections.inc({ code: admission.code });
        return refuseOverLimit(socket, admission);
      }
      socket.once('close', () => gate.release(admission.key));
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = hub.accept(wsConnection(ws, req.socket.remoteAddress, closeTimeoutMs));
        ws.on('message', (data, isBinary) => {
          if (!isBinary) return session.rejectText();
          const buf = Array.isArray(data)
            ? Buffer.concat(data)
            : data instanceof ArrayBuffer
              ? new Uint8Array(data)
              : data;
          session.receive(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        });
        ws.on('error', (error: Error & { code?: string }) => {
          // ws has already closed the socket (e.g. 1009 for a frame over maxPayload); count the reason.
          if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
            hub.metrics.rejectedFrames.inc({ code: 'FRAME_TOO_LARGE' });
          else hub.metrics.rejectedFrames.inc({ code: 'PROTOCOL_ERROR' });
        });
        ws.on('close', (code, reason) => session.closed(code, reason.toString()));
      });
    } catch (error) {
      // The 101 may already be written: closing is the only safe answer.
      logger.error(`upgrade ${req.url} failed`, error);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(
      { port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: options.backlog ?? 4096 },
      () => {
        http.off('error', reject);
        resolve();
      },
    );
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `ws://${host}:${address.port}${wsPath}`,
    httpUrl: `http://${host}:${address.port}`,
    port: address.port,
    hub,
    metrics: hub.metrics,
    http,
    close(reason) {
      closed ??= (async () => {
        hub.close(reason);
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections?.();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closed;
    },
  };
}
