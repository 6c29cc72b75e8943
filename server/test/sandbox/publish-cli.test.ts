import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli';
import { counterModuleText, writeModuleFile } from './counter-module';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('tickspace publish: bad input', () => {
  it('without an admin token anywhere it says where one comes from', async () => {
    const file = writeModuleFile(counterModuleText());
    dirs.push(path.dirname(file));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'hot-swap-nodata-'));
    dirs.push(empty);
    const saved = process.env.TICKSPACE_ADMIN_TOKEN;
    delete process.env.TICKSPACE_ADMIN_TOKEN;
    try {
      const r = await cli('-d', empty, 'publish', '--module', file);
      expect(r.code).toBe(2);
      expect(r.err.join('\n')).toMatch(
        /error \[INVALID_ARGUMENT\]: publish needs the server's admin token: pass --admin-token, set TICKSPACE_ADMIN_TOKEN/,
      );
    } finally {
      if (saved !== undefined) process.env.TICKSPACE_ADMIN_TOKEN = saved;
    }
  });

  it('a module that does not bundle is refused before anything is sent; an unreachable server is named', async () => {
    const bad = writeModuleFile(counterModuleText({ prelude: "import fs from 'node:fs'; void fs;" }));
    dirs.push(path.dirname(bad));
    const refused = await cli(
      'publish',
      '--module',
      bad,
      '--admin-token',
      'x'.repeat(32),
      '--url',
      'http://127.0.0.1:1',
    );
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toMatch(/does not bundle: .*imports the Node built-in 'node:fs'/);
    const good = writeModuleFile(counterModuleText());
    dirs.push(path.dirname(good));
    const port = await closedPort();
    const r = await cli(
      'publish',
      '--module',
      good,
      '--admin-token',
      'x'.repeat(32),
      '--url',
      `http://127.0.0.1:${port}`,
    );
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(
      new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
  });
});
