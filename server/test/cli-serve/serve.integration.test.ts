import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/engine';
import { connectClient, startServe } from './serve-process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'tickspace-serve-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const serve = () => startServe({ dataDir, seed: 'serve-test' });

describe('tickspace serve (npm start)', () => {
  let token = '';
  let identity: Identity | undefined;
  let stoppedAt = 0;

  it('serves health, accepts a player, and stops cleanly on SIGTERM', async () => {
    const server = await serve();
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as {
      status: string;
      running: boolean;
    };
    expect(health).toMatchObject({ status: 'ok', running: true });
    const conn = await connectClient(server.port);
    token = conn.token;
    identity = conn.identity;
    await conn.reducers.join({ name: 'Serva' });
    const sub = conn.subscribe({ table: 'player' });
    await sub.applied;
    expect(conn.db.player.find(identity!)?.name).toBe('Serva');
    conn.close();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const m = /stopped cleanly at tick (\d+)/.exec(server.output());
    expect(m).not.toBeNull();
    stoppedAt = Number(m![1]);
    expect(stoppedAt).toBeGreaterThan(0);
  });

  it('recovers every tick after a restart and restores the identity from its token', async () => {
    const server = await serve();
    const m = /recovered at tick (\d+)/.exec(server.output());
    expect(Number(m![1])).toBe(stoppedAt);
    const conn = await connectClient(server.port, token);
    expect(conn.identity).toBe(identity);
    const sub = conn.subscribe({ table: 'player' });
    await sub.applied;
    expect(conn.db.player.find(identity!)?.name).toBe('Serva');
    conn.close();
    server.child.kill('SIGINT');
    expect((await server.exited).code).toBe(0);
  });
});
