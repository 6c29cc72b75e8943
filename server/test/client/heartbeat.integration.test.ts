import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, createWebSocketTransport, type Connection, type TransportFactory } from '../../src/client';
import { CLIENT_MESSAGE } from '../../src/protocol';
import { startTestServer, testClient, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

/** Resolves once `conn` has applied `n` more PONGs, or its status changed (a false drop fails at once). */
function pongs(conn: Connection<typeof world>, n: number): Promise<void> {
  let seen = 0;
  const off = conn.onFrame((m) => void (m.type === 'pong' && seen++));
  return testClient(conn)
    .waitFor(() => seen >= n || conn.status !== 'open', `${n} PONGs`)
    .finally(off);
}

/** Blocks the event loop, as a long synchronous tick or a throttled background tab would. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('client heartbeat over a socket', () => {
  it('does not take a stalled event loop for a dead server: the late check pings again instead', async () => {
    ts = await startTestServer(world);
    let stallOnPing = false;
    const inner = createWebSocketTransport(ts.url, { WebSocket: WebSocket });
    // Stalls right after a PING leaves: the PONG can only be read after the next (late) check has run.
    const stalling: TransportFactory = (events) => {
      const t = inner(events);
      return {
        send(frame) {
          t.send(frame);
          if (stallOnPing && frame[0] === CLIENT_MESSAGE.PING) {
            stallOnPing = false;
            blockEventLoop(1_000);
          }
        },
        close: (code, reason) => t.close(code, reason),
        get bufferedAmount() {
          return t.bufferedAmount;
        },
      };
    };
    // timeoutMs = intervalMs: one more silent check after the PING would end the link. 200 ms, not
    // less: client and server share this process, and on a loaded machine a PONG can take tens of ms.
    const conn = await connect<typeof world>({
      transport: stalling,
      heartbeat: { intervalMs: 200, timeoutMs: 200 },
      reconnect: false,
    });
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));
    await pongs(conn, 2);
    stallOnPing = true;
    await pongs(conn, 4);
    expect(stallOnPing).toBe(false);
    expect(statuses).toEqual([]);
    expect(conn.status).toBe('open');
    conn.close();
  });
});
