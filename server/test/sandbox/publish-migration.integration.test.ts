/**
 * A runtime migration end to end: a real `tickspace serve` running a sandboxed module file, a real
 * WebSocket client subscribed throughout, `tickspace publish` of a version with a new column (with
 * a default), a new table and a new reducer, then `tickspace replay` over the directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type SchemaChangedEvent } from '../../src/client';
import { runTickspace, startServe, tempDataDir } from '../cli-serve/serve-process';
import { counterModuleText, writeModuleFile, type CounterModule } from './counter-module';

const ADMIN = 'runtime-migrate-admin-token-0123456789abcdef';
const cli = (...args: string[]) => runTickspace(args);
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('tickspace publish of a module with an additive schema change', () => {
  it('migrates at a tick boundary; the client stays connected, gets the new column and calls the new reducer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-migrate-mod-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const v1 = writeModuleFile(counterModuleText(), dir);
    const v2 = path.join(dir, 'v2.ts');
    fs.writeFileSync(v2, counterModuleText({ v2: true }));
    const data = tempDataDir();
    cleanups.push(data.remove);
    const server = await startServe({ dataDir: data.dir, args: ['--module', v1, '--admin-token', ADMIN] });
    cleanups.push(async () => {
      if (server.child.exitCode === null) {
        server.child.kill('SIGINT');
        await server.exited;
      }
    });
    await server.waitFor(/module: sandboxed/);
    const conn = await connect<CounterModule>({ url: `ws://127.0.0.1:${server.port}/ws`, WebSocket });
    cleanups.push(() => conn.close());
    const identity = conn.identity;
    await conn.subscribe({ table: 'counter' }).applied;
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)).toEqual({ id: 1, value: 1 });
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));
    // Event-driven: the session stays open; SCHEMA swaps the client's codecs and the reshaped table is re-sent.
    const changed = new Promise<SchemaChangedEvent>((resolve) => conn.onSchemaChanged(resolve));

    const published = await cli(
      'publish',
      '--module',
      v2,
      '--url',
      `http://127.0.0.1:${server.port}`,
      '--admin-token',
      ADMIN,
    );
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    await server.waitFor(/published module [0-9a-f]{12} \(\d+ bytes\) at tick \d+/);

    const event = await changed;
    expect(event.reshapedTables).toEqual(['counter']);
    expect(event.addedTables).toEqual(['badge']);
    expect(conn.db.counter.find(1) as unknown).toEqual({ id: 1, value: 1, level: 1 });
    await conn.call('levelUp', { id: 1, by: 2 });
    await conn.sync();
    expect(conn.identity).toBe(identity);
    expect(conn.status).toBe('open');
    expect(conn.schema?.tables.find((t) => t.name === 'counter')?.columns.map((c) => c.name)).toEqual([
      'id',
      'value',
      'level',
    ]);
    expect(conn.db.counter.find(1) as unknown).toEqual({ id: 1, value: 1, level: 3 });
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1) as unknown).toEqual({ id: 1, value: 2, level: 3 });
    expect(statuses).toEqual([]);
    conn.close();
    server.child.kill('SIGINT');
    expect((await server.exited).code).toBe(0);

    const replay = await cli('-d', data.dir, 'replay', '1');
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(/^replay 1\.\.\d+: all \d+ tick\(s\) reproduced the log/);
    expect(replay.code).toBe(0);
  });
});
