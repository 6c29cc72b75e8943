import { describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/client';
import { createEngine } from '../../src/engine';
import { createLoopbackTransport, createSessionHub } from '../../src/net';
import { testClient } from '../kit';
import { world } from '../subscriptions/world-fixture';

/** Resolves once `conn` has applied `n` more PONGs, or its status changed (a false drop fails at once). */
function pongs(conn: Connection<typeof world>, n: number): Promise<void> {
  let seen = 0;
  const off = conn.onFrame((m) => void (m.type === 'pong' && seen++));
  return testClient(conn)
    .waitFor(() => seen >= n || conn.status !== 'open', `${n} PONGs`)
    .finally(off);
}

describe('client heartbeat', () => {
  it('pings a quiet loopback link and never takes it for dead', async () => {
    const engine = createEngine({ module: world, tickMs: 50 });
    const hub = createSessionHub({ engine, tokenSecret: 'heartbeat-test-secret-of-32-bytes' });
    // timeoutMs = intervalMs: a PING unanswered for one check would end the link.
    const conn = await connect<typeof world>({
      transport: createLoopbackTransport(hub),
      heartbeat: { intervalMs: 10, timeoutMs: 10 },
      reconnect: false,
    });
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));
    // The client never calls: only its heartbeat makes the server answer.
    await pongs(conn, 5);
    expect(statuses).toEqual([]);
    expect(conn.status).toBe('open');
    conn.close();
    hub.close();
  });

  it('refuses a heartbeat without positive times', async () => {
    const engine = createEngine({ module: world, tickMs: 50 });
    const hub = createSessionHub({ engine, tokenSecret: 'heartbeat-test-secret-of-32-bytes' });
    await expect(
      connect({ transport: createLoopbackTransport(hub), heartbeat: { intervalMs: 0 } }),
    ).rejects.toThrow(RangeError);
    hub.close();
  });
});
