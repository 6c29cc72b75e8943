import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const UPGRADE =
  'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

/**
 * Sends one raw request over a real TCP connection and resolves with everything the server wrote
 * before it closed (or '' if it closed without a word). A guard turns a server that never answers
 * into a failed assertion instead of a hung test.
 */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let data = '';
    const guard = setTimeout(() => {
      socket.destroy();
      resolve(`no answer within 10 s (got ${JSON.stringify(data)})`);
    }, 10_000);
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(data);
    });
    socket.on('error', reject);
  });
}

const statusLine = (response: string) => response.split('\r\n')[0];

/** Targets `new URL(target, base)` cannot parse: each one used to take the process down. */
const UNPARSABLE = ['//[', 'http://[', '//%', '//x:99999', '//:', 'http://', '//a%zz'];

describe('HTTP boundary: bad request targets', () => {
  it.each(UNPARSABLE)(
    'answers 400 to GET %s, on the plain and the upgrade path, and keeps serving',
    async (target) => {
      ts = await startTestServer(world);
      const port = ts.server.port;
      const plain = await rawRequest(
        port,
        `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
      );
      expect(statusLine(plain)).toBe('HTTP/1.1 400 Bad Request');
      expect(plain).toContain('"code":"INVALID_ARGUMENT"');
      const upgrade = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${UPGRADE}\r\n`);
      expect(statusLine(upgrade)).toBe('HTTP/1.1 400 Bad Request');
      const health = await fetch(`${ts.httpUrl}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
    },
  );

  it('refuses other targets that are no path of this server: //health is no health check, //ws no WebSocket, /a%zz no file', async () => {
    ts = await startTestServer(world);
    const port = ts.server.port;
    const get = (target: string, extra = 'Connection: close\r\n') =>
      rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`).then(statusLine);
    for (const target of ['//health', '/a%zz', '/%', '/assets/%2', '*', 'health', 'ftp://localhost/health'])
      expect({ target, status: await get(target) }).toEqual({ target, status: 'HTTP/1.1 400 Bad Request' });
    expect(await get('//ws', UPGRADE)).toBe('HTTP/1.1 400 Bad Request');
    expect(await get('/ws%zz', UPGRADE)).toBe('HTTP/1.1 400 Bad Request');
    // What a browser or a proxy sends still reaches its route: a query with any escapes, the absolute form.
    expect(await get('/health?x=%zz&y[]=1')).toBe('HTTP/1.1 200 OK');
    expect(await get('http://localhost/health')).toBe('HTTP/1.1 200 OK');
    expect(await get('/nothing%20here')).toBe('HTTP/1.1 404 Not Found');
  });

  it('survives a client that resets an upgrade while it is being refused', async () => {
    ts = await startTestServer(world);
    const port = ts.server.port;
    const resets = Array.from({ length: 20 }, () => {
      return new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET /not-ws HTTP/1.1\r\nHost: localhost\r\n${UPGRADE}\r\n`);
          socket.resetAndDestroy();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => {});
      });
    });
    await Promise.all(resets);
    expect((await fetch(`${ts.httpUrl}/health`)).status).toBe(200);
  });
});

describe('HTTP boundary: admin token', () => {
  it('accepts exactly the token: shorter, longer, empty, other scheme and case variants are refused', async () => {
    ts = await startTestServer(world, { adminToken: 'sesame', admin: { inspect: (table) => ({ table }) } });
    const inspect = (authorization: string | undefined) =>
      fetch(`${ts!.httpUrl}/admin/inspect?table=entity`, {
        headers: authorization === undefined ? {} : { authorization },
      }).then((r) => r.status);
    for (const bad of [
      undefined,
      'Bearer ',
      'Bearer sesam',
      'Bearer sesame!',
      'Bearer SESAME',
      'bearer sesame',
      'Basic sesame',
      'sesame',
      'Bearer  sesame',
    ])
      expect({ bad, status: await inspect(bad) }).toEqual({ bad, status: 403 });
    expect(await inspect('Bearer sesame')).toBe(200);
  });

  it('takes ?tick= as decimal digits only: an empty, spaced, hex or exponent tick never reaches the rewind', async () => {
    const rewound: number[] = [];
    ts = await startTestServer(world, {
      adminToken: 'sesame',
      admin: { rewind: (tick) => rewound.push(tick) },
    });
    const rewind = (query: string) =>
      fetch(`${ts!.httpUrl}/admin/rewind?${query}`, {
        method: 'POST',
        headers: { authorization: 'Bearer sesame' },
      });
    for (const query of [
      'tick=',
      'tick=%203',
      'tick=3%20',
      'tick=0x3',
      'tick=3e0',
      'tick=3.0',
      'tick=-1',
      'tick=%2B3',
      'tick=9007199254740993',
    ]) {
      const res = await rewind(query);
      expect({
        query,
        status: res.status,
        code: ((await res.json()) as { error: { code: string } }).error.code,
      }).toEqual({ query, status: 400, code: 'INVALID_ARGUMENT' });
    }
    expect(rewound).toEqual([]);
    expect((await rewind('tick=3')).status).toBe(200);
    expect(rewound).toEqual([3]);
  });

  it('refuses an empty admin token at creation instead of opening admin to everyone', async () => {
    await expect(startTestServer(world, { adminToken: '' })).rejects.toThrow(/adminToken must not be empty/);
  });
});

describe('HTTP boundary: static files', () => {
  it('does not follow a symlink out of the static root, but follows one that stays inside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tickspace-outside-'));
    const root = mkdtempSync(join(tmpdir(), 'tickspace-static-'));
    dirs.push(outside, root);
    writeFileSync(join(outside, 'secret.txt'), 'the token secret');
    mkdirSync(join(outside, 'dir'));
    writeFileSync(join(outside, 'dir', 'index.html'), 'outside index');
    writeFileSync(join(root, 'index.html'), '<h1>frontier</h1>');
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'leak.txt'));
    symlinkSync(join(outside, 'dir'), join(root, 'leakdir'));
    symlinkSync(outside, join(root, 'assets', 'up'));
    symlinkSync(join(root, 'assets', 'app.js'), join(root, 'alias.js'));
    ts = await startTestServer(world, { staticDir: root });
    for (const path of [
      '/leak.txt',
      '/leakdir/',
      '/leakdir/index.html',
      '/assets/up/secret.txt',
      '/assets/up/dir/',
    ]) {
      const res = await fetch(`${ts.httpUrl}${path}`);
      expect({ path, status: res.status, body: await res.text() }).toMatchObject({ path, status: 404 });
    }
    const alias = await fetch(`${ts.httpUrl}/alias.js`);
    expect(alias.status).toBe(200);
    expect(await alias.text()).toBe('console.log(1)');
    expect(await (await fetch(`${ts.httpUrl}/`)).text()).toBe('<h1>frontier</h1>');
  });

  it('serves a static root that is itself reached through a symlink', async () => {
    const real = mkdtempSync(join(tmpdir(), 'tickspace-static-real-'));
    const link = join(tmpdir(), `tickspace-static-link-${process.pid}`);
    dirs.push(real, link);
    writeFileSync(join(real, 'index.html'), 'through a link');
    rmSync(link, { force: true });
    symlinkSync(real, link);
    ts = await startTestServer(world, { staticDir: link });
    expect(await (await fetch(`${ts.httpUrl}/`)).text()).toBe('through a link');
  });
});
