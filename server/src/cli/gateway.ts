/**
 * The gateway of a region world: one public WebSocket port in front of the region processes. It
 * reads as little of the protocol as routing needs (CONNECT's token, IDENTITY, CALL and RESULT
 * request ids, CLOSE) and relays every other byte untouched.
 *
 * - **Authentication once.** Regions share the token secret, so the client's token (or the one the
 *   first region issued) is valid in every region; the gateway only reads the identity out of it.
 * - **Routing.** A connection goes to the region the directory names, or to the spawn region.
 * - **Following a handoff.** A region closes a moved player's session with the move signal
 *   (region-sessions.ts: where they went, at which epoch), and refuses one at connect the same way,
 *   before any IDENTITY. The gateway keeps the client's socket, buffers its frames, waits until the
 *   directory holds that epoch (then the player is where it says), connects there with the token
 *   and forwards that region's IDENTITY. Meanwhile it tries the old region again now and then: a
 *   refused handoff puts the player back there, and the directory never changes for it. Since a
 *   region never lets in a player it does not hold, no wait needs a timeout. The SDK takes a
 *   second IDENTITY on an open link as "the server side changed": it resubscribes and reconciles
 *   its cache, so rows both regions hold produce no event. Calls the old region never answered
 *   (they reached it after the player left, and its guard refused none of them yet) go again.
 * - **Region restarts.** Any other loss of the region's link keeps the client's socket too: the
 *   gateway reconnects once the region serves again. Calls in flight then fail with DISCONNECTED
 *   (the region may or may not have run them; running them twice is worse).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Identity } from '../engine';
import { createTokenIssuer } from '../net';
import {
  BinaryReader,
  CLIENT_MESSAGE,
  CLOSE_CODES,
  decodeBatch,
  encodeConnect,
  encodeResult,
  SERVER_MESSAGE,
} from '../protocol';
import type { PlayerDirectory } from '../regions';
import { MOVED_CLOSE_CODE, parseMoved, type MovedTo } from './region-sessions';

/** Options for {@link startGateway}. */
export interface GatewayOptions {
  readonly port: number;
  readonly host: string;
  /** The regions' shared token secret. */
  readonly tokenSecret: Uint8Array;
  readonly directory: PlayerDirectory;
  /** Where new players go (the region holding the spawn point). */
  readonly spawnRegion: string;
  /** A region's current WebSocket URL, undefined while it is down. */
  regionUrl(region: string): string | undefined;
  /** Frames a client may send while it has no region (in transit, or its region restarting). @default 1024 */
  readonly maxBufferedFrames?: number;
  /** How often the directory and a down region are looked at again while a client waits. @default 25 */
  readonly retryMs?: number;
  /**
   * How often a moved client whose move the directory does not hold yet tries the region that
   * refused it again: it is let in once the player is back there (a refused handoff), refused again
   * otherwise. @default 1_000
   */
  readonly moveProbeMs?: number;
}

/** What a gateway did, for tests and metrics. */
export interface GatewayCounts {
  clients: number;
  /** Clients moved to another region without closing their socket. */
  moves: number;
  /** Region links lost and made again (a region restart). */
  relinks: number;
  /** Calls sent again to the new region after a move. */
  resent: number;
  /** Links a region refused at connect because the player had left it (a stale route). */
  refused: number;
}

/** A running gateway. */
export interface Gateway {
  readonly url: string;
  readonly port: number;
  readonly counts: GatewayCounts;
  close(): Promise<void>;
}

/** Closes from a region that end the client's connection too (the rest are a region going away). */
const FATAL_CLOSES = new Set<number>([
  CLOSE_CODES.PROTOCOL_ERROR,
  CLOSE_CODES.POLICY_VIOLATION,
  CLOSE_CODES.MESSAGE_TOO_BIG,
  CLOSE_CODES.INVALID_TOKEN,
  CLOSE_CODES.BACKPRESSURE,
  CLOSE_CODES.REPLACED,
  CLOSE_CODES.UNSUPPORTED_VERSION,
]);

/** The close code of a client whose frames outgrew the buffer while it had no region. */
const BUFFER_FULL = CLOSE_CODES.TRY_AGAIN_LATER;

/** Request ids of the CALLs in a client frame (a BATCH holds several). */
function callIds(frame: Uint8Array, out: (id: number, frame: Uint8Array) => void): void {
  if (frame[0] === CLIENT_MESSAGE.CALL) out(new BinaryReader(frame, 1).uvar(), frame);
  else if (frame[0] === CLIENT_MESSAGE.BATCH)
    for (const m of decodeBatch(frame, CLIENT_MESSAGE.BATCH)) callIds(m, out);
}

interface ServerFacts {
  identity?: { identity: string; token: string };
  results: number[];
  close?: { closeCode: number; code: string; message: string };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function readServer(frame: Uint8Array, facts: ServerFacts): void {
  const tag = frame[0];
  if (tag === SERVER_MESSAGE.BATCH) {
    for (const m of decodeBatch(frame, SERVER_MESSAGE.BATCH)) readServer(m, facts);
    return;
  }
  const r = new BinaryReader(frame, 1);
  if (tag === SERVER_MESSAGE.RESULT) facts.results.push(r.uvar());
  else if (tag === SERVER_MESSAGE.CLOSE)
    facts.close = { closeCode: r.uvar(), code: r.string(), message: r.string() };
  else if (tag === SERVER_MESSAGE.IDENTITY) {
    let identity = '';
    for (let i = 0; i < 16; i++) identity += HEX[r.u8()];
    facts.identity = { identity, token: r.string() };
  }
}

const toBytes = (data: RawData): Uint8Array =>
  Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;

/**
 * Starts a gateway on `port` (`/ws` for clients).
 * @example
 * const gateway = await startGateway({ port: 3000, host: '0.0.0.0', tokenSecret, directory, spawnRegion: 'r1_1', regionUrl });
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const tokens = createTokenIssuer(options.tokenSecret);
  const maxBuffered = options.maxBufferedFrames ?? 1024;
  const retryMs = options.retryMs ?? 25;
  const moveProbeMs = options.moveProbeMs ?? 1_000;
  const counts: GatewayCounts = { clients: 0, moves: 0, relinks: 0, resent: 0, refused: 0 };
  const clients = new Set<WebSocket>();
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: httpServer, path: '/ws' });

  wss.on('connection', (client) => {
    counts.clients++;
    clients.add(client);
    let version = 0;
    let token = '';
    let region: string | undefined;
    let upstream: WebSocket | undefined;
    let open = false;
    let closed = false;
    /** The last move signal, until the directory holds its epoch or the region it came from lets the client in. */
    let moving: { from: string; to: MovedTo; at: number } | undefined;
    const buffer: Uint8Array[] = [];
    const inflight = new Map<number, Uint8Array>();
    let retry: NodeJS.Timeout | undefined;

    const end = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      clients.delete(client);
      upstream?.terminate();
      if (client.readyState === WebSocket.OPEN) client.close(code, reason);
    };

    const link = async () => {
      retry = undefined;
      if (closed) return;
      let target = region;
      try {
        const identity = token === '' ? undefined : tokens.verify(token);
        const entry = identity === undefined ? undefined : await options.directory.find(identity as Identity);
        if (moving === undefined) target = entry?.region ?? region ?? options.spawnRegion;
        else if (entry !== undefined && entry.epoch >= moving.to.epoch) target = entry.region;
        // The move is not recorded yet: its old region again now and then (it refuses while moved).
        else target = Date.now() - moving.at >= moveProbeMs ? moving.from : undefined;
      } catch {
        target = undefined; // the broker is away: wait for it
      }
      const url = target === undefined ? undefined : options.regionUrl(target);
      if (closed) return;
      if (target === undefined || url === undefined) {
        retry = setTimeout(() => void link(), retryMs);
        return;
      }
      // After a move signal the calls the old region never answered go again, even to that region
      // (a refused handoff put the player back): its guard refused them (NOT_HERE) or never read them.
      const moved = region !== undefined && (target !== region || moving !== undefined);
      region = target;
      moving = undefined;
      const ws = new WebSocket(url);
      upstream = ws;
      ws.binaryType = 'nodebuffer';
      let identified = false;
      let closeCode: number | undefined;
      let closeMessage = '';
      ws.on('open', () => ws.send(encodeConnect(version, token)));
      ws.on('message', (data) => {
        const frame = toBytes(data);
        const facts: ServerFacts = { results: [] };
        try {
          readServer(frame, facts);
        } catch {
          // Not ours to judge: the client's SDK reports a malformed frame.
        }
        for (const id of facts.results) inflight.delete(id);
        if (facts.close !== undefined) {
          closeCode = facts.close.closeCode;
          closeMessage = facts.close.message;
          if (closeCode === MOVED_CLOSE_CODE) return; // the client never sees it
        }
        if (facts.identity !== undefined && !identified) {
          identified = true;
          token = facts.identity.token;
          open = true;
          if (moved) {
            counts.moves++;
            for (const call of inflight.values()) {
              ws.send(call);
              counts.resent++;
            }
          }
          for (const f of buffer.splice(0)) sendUp(ws, f);
        }
        if (client.readyState === WebSocket.OPEN) client.send(frame);
      });
      ws.on('error', () => {});
      ws.on('close', (code) => {
        if (upstream !== ws || closed) return;
        open = false;
        upstream = undefined;
        const why = closeCode ?? code;
        const to = why === MOVED_CLOSE_CODE ? parseMoved(closeMessage) : undefined;
        if (to !== undefined) {
          if (!identified) counts.refused++;
          moving = { from: region!, to, at: Date.now() };
          void link();
          return;
        }
        if (FATAL_CLOSES.has(why)) {
          // The region refused this client (a bad token, a replaced session): the client heard why.
          end(why, 'closed by the region');
          return;
        }
        counts.relinks++;
        for (const id of inflight.keys())
          if (client.readyState === WebSocket.OPEN)
            client.send(
              encodeResult(id, {
                ok: false,
                code: 'DISCONNECTED',
                message: `region ${region} went away before answering; the call may or may not have run`,
              }),
            );
        inflight.clear();
        retry = setTimeout(() => void link(), retryMs);
      });
    };

    const sendUp = (ws: WebSocket, frame: Uint8Array) => {
      try {
        callIds(frame, (id, call) => inflight.set(id, call));
      } catch {
        // A malformed frame goes on: the region answers it with its own error.
      }
      ws.send(frame);
    };

    client.on('message', (data) => {
      const frame = toBytes(data);
      if (version === 0) {
        if (frame[0] !== CLIENT_MESSAGE.CONNECT) return end(CLOSE_CODES.PROTOCOL_ERROR, 'CONNECT first');
        try {
          const r = new BinaryReader(frame, 1);
          version = r.uvar();
          token = r.string();
        } catch {
          return end(CLOSE_CODES.PROTOCOL_ERROR, 'malformed CONNECT');
        }
        void link();
        return;
      }
      if (open && upstream !== undefined) sendUp(upstream, frame);
      else if (buffer.length >= maxBuffered)
        end(BUFFER_FULL, `more than ${maxBuffered} frames while in transit`);
      else buffer.push(frame);
    });
    client.on('close', () => end(CLOSE_CODES.NORMAL, ''));
    client.on('error', () => {});
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `ws://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}/ws`,
    port,
    counts,
    close: async () => {
      for (const c of [...clients]) c.close(CLOSE_CODES.GOING_AWAY, 'the gateway is shutting down');
      wss.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
