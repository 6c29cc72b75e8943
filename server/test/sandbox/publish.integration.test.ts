/**
 * Hot module swap end to end: a real `tickspace serve` over a real data directory running a
 * user's module file in the sandbox, a real WebSocket client connected throughout, `tickspace
 * publish` as its own process, then `tickspace log` and `tickspace replay` over the directory.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/client';
import { runTickspace, startServe, tempDataDir, type ServeProcess } from '../cli-serve/serve-process';
import { counterModuleText, writeModuleFile, type CounterModule } from './counter-module';

const ADMIN = 'hot-swap-admin-token-0123456789abcdef';
const cli = (...args: string[]) => runTickspace(args);
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serveModule(
  file: string,
  extra: string[] = [],
): Promise<{ server: ServeProcess; dir: string }> {
  const data = tempDataDir();
  cleanups.push(data.remove);
  const server = await startServe({
    dataDir: data.dir,
    args: ['--module', file, '--admin-token', ADMIN, '--tick-budget-ms', '300', ...extra],
  });
  cleanups.push(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGINT');
      await server.exited;
    }
  });
  return { server, dir: data.dir };
}

async function client(port: number): Promise<{ conn: Connection<CounterModule>; statuses: string[] }> {
  const conn = await connect<CounterModule>({
    url: `ws://127.0.0.1:${port}/ws`,
    WebSocket,
    reconnect: false,
  });
  const statuses: string[] = [];
  conn.onStatus((s) => statuses.push(s));
  cleanups.push(() => conn.close());
  await conn.subscribe({ table: 'counter' }).applied;
  return { conn, statuses };
}

const post = (port: number, body: string, token = ADMIN, query = '') =>
  fetch(`http://127.0.0.1:${port}/admin/publish${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body,
  }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { error?: { code: string; message: string } },
  }));

describe('tickspace publish into a running serve', () => {
  it('swaps v2 in while a client stays connected; log shows it; replay 1 passes across the swaps', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hot-swap-mod-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const v1 = writeModuleFile(counterModuleText({ step: 1 }), dir);
    const v2 = path.join(dir, 'v2.ts');
    fs.writeFileSync(v2, counterModuleText({ step: 10 }));
    const { server, dir: dataDir } = await serveModule(v1, ['--max-bundle-bytes', '20000']);
    await server.waitFor(
      /module: sandboxed, version [0-9a-f]{12} \(logged in this start's first tick\), tick budget 300 ms/,
    );
    const { conn, statuses } = await client(server.port);

    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(1);

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
    expect(published.stdout).toMatch(/^published .*v2\.ts as [0-9a-f]{12} \(\d+ bytes\) at tick \d+\n$/);
    await server.waitFor(/published module [0-9a-f]{12} \(\d+ bytes\) at tick \d+/);

    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(11);

    // A runaway reducer fails alone; the server keeps ticking and answering.
    await expect(conn.reducers.spin({ id: 2 })).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(21);
    expect(conn.db.counter.find(2)).toBeUndefined();

    // Bad publishes: each refused precisely, v2 keeps running.
    expect(
      (await post(server.port, counterModuleText({ step: 5 }), 'wrong-token-wrong-token-wrong-token')).status,
    ).toBe(403);
    const garbage = await post(server.port, 'export default {{{');
    expect(garbage.status).toBe(400);
    expect(garbage.body.error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/does not bundle: the published module:1:/),
    });
    const changed = await post(server.port, counterModuleText({ extraColumn: true }));
    expect(changed.status).toBe(409);
    expect(changed.body.error?.code).toBe('SCHEMA_MISMATCH');
    // A breaking change without a migration: the planner lists it with what would make it work.
    expect(changed.body.error?.message).toMatch(
      /counter\.note \[column-added\]: column 'note' \(string\) is new, without a default; to make it work/,
    );
    const tooBig = await post(server.port, counterModuleText() + `// ${'x'.repeat(20_000)}\n`);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.message).toMatch(/over the limit of 20000 \(maxPublishBytes\)/);
    // Without a content-length (chunked), the limit holds while the body streams in.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          port: server.port,
          path: '/admin/publish',
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 30; i++) req.write('x'.repeat(1000));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.body).toMatch(/more than 20000 bytes, over the limit of 20000/);
    expect((await post(server.port, '   ')).status).toBe(400);
    const noModule = await post(server.port, 'export const x = 1;');
    expect(noModule.body.error?.message).toMatch(/exports no module/);
    await conn.reducers.bump({ id: 1 });
    expect(conn.db.counter.find(1)?.value).toBe(31);

    expect(statuses).toEqual([]);
    expect(conn.status).toBe('open');
    conn.close();
    server.child.kill('SIGINT');
    expect((await server.exited).code).toBe(0);

    const log = await cli('-d', dataDir, 'log', '--from', '1');
    expect(log.code).toBe(0);
    const swaps = log.stdout.match(/system +__publish module [0-9a-f]{12} \(\d+ bytes of source\)/g) ?? [];
    expect(swaps).toHaveLength(2);
    expect(log.stdout).toMatch(
      /spin \{id: 2\} from .* -> BUDGET_EXCEEDED: reducer 'spin' ran past the tick's CPU budget of 300 ms/,
    );
    const replay = await cli('-d', dataDir, 'replay', '1');
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(/^replay 1\.\.\d+: all \d+ tick\(s\) reproduced the log/);
    expect(replay.code).toBe(0);
  });

  it('a restart with the same module file logs no new version; an unsandboxed server refuses publish with 409', async () => {
    const file = writeModuleFile(counterModuleText({ step: 3 }));
    cleanups.push(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
    const { server, dir } = await serveModule(file, ['--no-sandbox']);
    await server.waitFor(/module: unsandboxed, tick budget 300 ms \(publish needs a sandboxed module\)/);
    const refused = await post(server.port, counterModuleText({ step: 4 }));
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/runs its module unsandboxed/);
    server.child.kill('SIGINT');
    await server.exited;
    const again = await startServe({ dataDir: dir, args: ['--module', file, '--admin-token', ADMIN] });
    cleanups.push(async () => {
      if (again.child.exitCode === null) {
        again.child.kill('SIGINT');
        await again.exited;
      }
    });
    await again.waitFor(
      /module: sandboxed, version [0-9a-f]{12} \(logged in this start's first tick\), tick budget 1000 ms/,
    );
    again.child.kill('SIGINT');
    await again.exited;
    const third = await startServe({ dataDir: dir, args: ['--module', file, '--admin-token', ADMIN] });
    cleanups.push(async () => {
      if (third.child.exitCode === null) {
        third.child.kill('SIGINT');
        await third.exited;
      }
    });
    const line = await third.waitFor(/module: sandboxed, version [0-9a-f]{12}[^\n]*/);
    expect(line[0]).not.toContain('logged');
  });
});
