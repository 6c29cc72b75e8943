import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect } from '../../src/client';
import { createEngine, type Identity } from '../../src/engine';
import {
  createLoopbackTransport,
  createServer,
  createSessionHub,
  createTokenIssuer,
  refusalFault,
  type AdmitHook,
  type TickspaceServer,
} from '../../src/net';
import {
  CLOSE_CODES,
  decodeServerMessage,
  encodeConnect,
  PROTOCOL_VERSION,
  SERVER_MESSAGE,
  TickspaceError,
  type ServerConnection,
} from '../../src/protocol';
import { world } from '../subscriptions/world-fixture';

const SECRET = 'admission-hook-test-secret-of-32-bytes';
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const BANNED = { closeCode: 4403, code: 'BANNED', message: 'this identity is banned here' } as const;

/** A connection that records what the session sends and how it closes. */
function recordingConnection() {
  const sent: Uint8Array[] = [];
  const closes: { code: number; reason: string }[] = [];
  const conn: ServerConnection = {
    send: (f) => void sent.push(f),
    close: (code, reason) => void closes.push({ code, reason }),
    bufferedAmount: 0,
  };
  return { conn, sent, closes };
}

/** A hub over the world fixture whose hook refuses the identities in `banned` and records every call. */
function hubRefusing(banned: Set<Identity>, hook?: AdmitHook) {
  const engine = createEngine({ module: world });
  const asked: Identity[] = [];
  const hub = createSessionHub({
    engine,
    tokenSecret: SECRET,
    logger: quiet,
    admit:
      hook ??
      ((identity) => {
        asked.push(identity);
        return banned.has(identity) ? BANNED : undefined;
      }),
  });
  return { engine, hub, asked };
}

let server: TickspaceServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('admission hook', () => {
  it('refuses an identity before its session exists: CLOSE with the code and message, no IDENTITY, no subscription client, no lifecycle call', () => {
    const tokens = createTokenIssuer(SECRET);
    const banned = tokens.newIdentity();
    const { engine, hub, asked } = hubRefusing(new Set([banned]));
    const queued = engine.queuedCalls;
    const { conn, sent, closes } = recordingConnection();
    hub.accept(conn).receive(encodeConnect(PROTOCOL_VERSION, tokens.issue(banned)));
    expect(asked).toEqual([banned]);
    expect(closes).toEqual([{ code: BANNED.closeCode, reason: BANNED.code }]);
    expect(sent.map((f) => decodeServerMessage(f, undefined, undefined))).toEqual([
      { type: 'close', closeCode: BANNED.closeCode, code: BANNED.code, message: BANNED.message },
    ]);
    expect(hub.clientCount).toBe(0);
    expect(hub.connectionCount).toBe(0);
    expect(hub.session(banned)).toBeUndefined();
    expect(hub.subscriptions.stats().clients).toBe(0);
    expect(engine.queuedCalls).toBe(queued);
    expect(engine.runTick().calls.map((c) => c.reducer)).toEqual(['__init']);
  });

  it('admits everyone else as before, asking once per connection with the token’s identity or a new one', () => {
    const tokens = createTokenIssuer(SECRET);
    const known = tokens.newIdentity();
    const { engine, hub, asked } = hubRefusing(new Set([tokens.newIdentity()]));
    const a = recordingConnection();
    hub.accept(a.conn).receive(encodeConnect(PROTOCOL_VERSION, tokens.issue(known)));
    const b = recordingConnection();
    hub.accept(b.conn).receive(encodeConnect(PROTOCOL_VERSION, ''));
    expect(a.sent[0]![0]).toBe(SERVER_MESSAGE.IDENTITY);
    expect(b.sent[0]![0]).toBe(SERVER_MESSAGE.IDENTITY);
    const fresh = hub.sessions().find((s) => s.identity !== known)!.identity!;
    expect(asked).toEqual([known, fresh]);
    expect(hub.clientCount).toBe(2);
    expect(hub.subscriptions.stats().clients).toBe(2);
    expect(engine.runTick().calls.map((c) => c.reducer)).toEqual(['__init', '__connected', '__connected']);
  });

  it('an unverified token is refused INVALID_TOKEN before the hook is asked', () => {
    const { hub, asked } = hubRefusing(new Set());
    const { conn, closes } = recordingConnection();
    hub.accept(conn).receive(encodeConnect(PROTOCOL_VERSION, `${'ab'.repeat(16)}.${'A'.repeat(43)}`));
    expect(closes).toEqual([{ code: CLOSE_CODES.INVALID_TOKEN, reason: 'INVALID_TOKEN' }]);
    expect(asked).toEqual([]);
  });

  it('a hook that throws or answers a malformed refusal closes the client 1011 INTERNAL and admits nobody', () => {
    const errors: unknown[][] = [];
    const logger = { ...quiet, error: (...args: unknown[]) => void errors.push(args) };
    const hooks: AdmitHook[] = [
      () => {
        throw new Error('directory unreachable');
      },
      () => ({ closeCode: 1006, code: 'GONE', message: 'reserved close code' }),
      () => ({ closeCode: 4403, code: 'not upper snake', message: 'bad code' }),
    ];
    for (const admit of hooks) {
      const engine = createEngine({ module: world });
      const hub = createSessionHub({ engine, tokenSecret: SECRET, logger, admit });
      const { conn, closes } = recordingConnection();
      hub.accept(conn).receive(encodeConnect(PROTOCOL_VERSION, ''));
      expect(closes).toEqual([{ code: CLOSE_CODES.INTERNAL_ERROR, reason: 'INTERNAL' }]);
      expect(hub.clientCount).toBe(0);
      expect(hub.subscriptions.stats().clients).toBe(0);
    }
    expect(errors).toHaveLength(3);
    expect(String(errors[1]![1])).toMatch(
      /closeCode must be 1000, 1008, 1011, 1013 or an integer from 3000 to 4999, got 1006/,
    );
    expect(String(errors[2]![1])).toMatch(/code must be UPPER_SNAKE text/);
  });

  it('validates refusals', () => {
    expect(refusalFault(BANNED)).toBeUndefined();
    expect(refusalFault({ ...BANNED, closeCode: CLOSE_CODES.TRY_AGAIN_LATER })).toBeUndefined();
    expect(refusalFault({ ...BANNED, closeCode: 5000 })).toMatch(/got 5000/);
    expect(refusalFault({ ...BANNED, closeCode: 4000.5 })).toMatch(/got 4000.5/);
    expect(refusalFault({ ...BANNED, message: 7 as unknown as string })).toMatch(/message must be text/);
  });

  it('the refusal reaches an SDK client over the loopback transport: connect() rejects with its code', async () => {
    const tokens = createTokenIssuer(SECRET);
    const banned = tokens.newIdentity();
    const { hub } = hubRefusing(new Set([banned]));
    const err = await connect({
      transport: createLoopbackTransport(hub),
      token: tokens.issue(banned),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TickspaceError);
    expect(err).toMatchObject({ code: BANNED.code, message: expect.stringContaining(BANNED.message) });
    expect(hub.connectionCount).toBe(0);
    const ok = await connect({ transport: createLoopbackTransport(hub) });
    expect(ok.identity).not.toBe(banned);
    ok.close();
  });

  it('the refusal reaches a WebSocket client through createServer({ admit }), and the SDK does not retry it', async () => {
    const tokens = createTokenIssuer(SECRET);
    const banned = tokens.newIdentity();
    const engine = createEngine({ module: world, tickMs: 20 });
    let asked = 0;
    server = await createServer({
      engine,
      tokenSecret: SECRET,
      logger: quiet,
      admit: (identity) => (asked++, identity === banned ? BANNED : undefined),
    });
    const err = await connect({
      url: server.url,
      WebSocket,
      token: tokens.issue(banned),
      reconnect: { maxAttempts: 5, initialDelayMs: 1 },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: BANNED.code });
    expect(asked).toBe(1);
    expect(server.hub.clientCount).toBe(0);
    expect(
      await server.metrics.registry.getSingleMetricAsString('tickspace_refused_connections_total'),
    ).toMatch(/code="BANNED"\} 1/);
  });
});
