/**
 * `serve --watch`: a user's module in a temp dir (two files), a real serve and a real WebSocket
 * client; saving either file republishes at a tick boundary while the client stays connected, and
 * a save that does not load leaves the running version in place.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/client';
import { startServe, tempDataDir } from '../cli-serve/serve-process';
import { counterModuleText, type CounterModule } from './counter-module';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('serve --watch', () => {
  it('republishes on save of any of the module files, with the client still connected', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hot-swap-watch-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'module.ts');
    const step = path.join(dir, 'step.ts');
    fs.writeFileSync(step, 'export const STEP = 1;\n');
    fs.writeFileSync(file, counterModuleText({ stepFromFile: true }));
    const data = tempDataDir();
    cleanups.push(data.remove);
    const server = await startServe({ dataDir: data.dir, args: ['--module', file, '--watch'] });
    cleanups.push(async () => {
      if (server.child.exitCode === null) {
        server.child.kill('SIGINT');
        await server.exited;
      }
    });
    await server.waitFor(/module: sandboxed, version [0-9a-f]{12}.*, watching its files/);
    const conn = await connect<CounterModule>({
      url: `ws://127.0.0.1:${server.port}/ws`,
      WebSocket,
      reconnect: false,
    });
    cleanups.push(() => conn.close());
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));
    await conn.subscribe({ table: 'counter' }).applied;
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(1);

    const republished = (n: number) =>
      server.waitFor(new RegExp(`(?:watch: republished [^\\n]*\\n[\\s\\S]*){${n}}`));
    fs.writeFileSync(step, 'export const STEP = 5;\n');
    await republished(1);
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(6);

    // A save that does not parse: reported with its line, the running version stays.
    fs.writeFileSync(step, 'export const STEP = ;\n');
    await server.waitFor(
      /watch: .*module\.ts was not republished \(the running version stays\): .*step\.ts:1:\d+/,
    );
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(11);

    // The entry file itself: back to a declared step of 100.
    fs.writeFileSync(file, counterModuleText({ step: 100 }));
    await republished(2);
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(111);
    expect(statuses).toEqual([]);
    expect(conn.status).toBe('open');
  });
});
