import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect } from '../../src/client';
import type { Identity } from '../../src/engine';
import type { FrontierModule } from '../../src/world';

const root = path.resolve(__dirname, '..', '..', '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'tickspace-serve-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `tickspace serve` as a real process and resolves once it prints the URL it serves. */
function startServe(): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/src/cli.ts',
      '--data',
      dataDir,
      'serve',
      '--port',
      '0',
      '--world-tiles',
      '512',
    ],
    {
      cwd: root,
      env: { ...process.env, TICKSPACE_SEED: 'serve-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // Both start-up lines: the URL, then the recovered tick (they may arrive in separate chunks).
      const m = /serving .* at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m && /recovered at tick \d+/.test(out))
        resolve({ child, port: Number(m[1]), output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => reject(new Error(`serve exited early with ${code}:\n${out}`)));
  });
}

describe('tickspace serve (npm start)', () => {
  let token = '';
  let identity: Identity | undefined;
  let stoppedAt = 0;

  it('serves health, accepts a player, and stops cleanly on SIGTERM', async () => {
    const server = await startServe();
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as {
      status: string;
      running: boolean;
    };
    expect(health).toMatchObject({ status: 'ok', running: true });
    const conn = await connect<FrontierModule>({
      url: `ws://127.0.0.1:${server.port}/ws`,
      WebSocket: WebSocket,
      reconnect: false,
    });
    token = conn.token;
    identity = conn.identity;
    await conn.reducers.join({ name: 'Serva' });
    const sub = conn.subscribe({ table: 'player' });
    await sub.applied;
    expect(conn.db.player.find(identity!)?.name).toBe('Serva');
    conn.close();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const m = /stopped cleanly at tick (\d+)/.exec(server.output());
    expect(m).not.toBeNull();
    stoppedAt = Number(m![1]);
    expect(stoppedAt).toBeGreaterThan(0);
  });

  it('recovers every tick after a restart and restores the identity from its token', async () => {
    const server = await startServe();
    const m = /recovered at tick (\d+)/.exec(server.output());
    expect(Number(m![1])).toBe(stoppedAt);
    const conn = await connect<FrontierModule>({
      url: `ws://127.0.0.1:${server.port}/ws`,
      WebSocket: WebSocket,
      token,
      reconnect: false,
    });
    expect(conn.identity).toBe(identity);
    const sub = conn.subscribe({ table: 'player' });
    await sub.applied;
    expect(conn.db.player.find(identity!)?.name).toBe('Serva');
    conn.close();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });
});
