import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { Engine, ModuleDef } from '../../../src/engine';
import { openDatabase, type Database } from '../../../src/engine/tooling';
import { createServer, databaseAdmin, type TickspaceServer } from '../../../src/net';
import type { ConsoleLimits } from '../../../src/net/admin-console/console-limits';
import { bank } from '../../engine/fixtures';

/** The admin token of the console tests (at least 32 bytes, like every test secret). */
export const ADMIN_TOKEN = 'admin-console-test-token-of-32-bytes-or-more';

/**
 * A world served with its commit log and the console's routes: by default the bank (the engine
 * tests' fixture: a composite key, a private table, i64 and optional columns).
 */
export interface ConsoleServer<M extends ModuleDef = typeof bank> {
  readonly db: Database<M>;
  readonly server: TickspaceServer;
  /** GET (or `method`) `/admin/<path>` with `token` (default: the right one); the status and parsed body. */
  request(
    path: string,
    options?: { token?: string | null; method?: string },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Boots `module` (default: the bank) on an engine bound to a commit log, served on port 0 with the console's routes. */
export async function startConsoleServer<M extends ModuleDef = typeof bank>(
  options: { limits?: Partial<ConsoleLimits>; module?: M } = {},
): Promise<ConsoleServer<M>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-admin-console-'));
  const db = await openDatabase({
    dir,
    module: (options.module ?? bank) as M,
    seed: 'admin-console',
    tickMs: 20,
    durability: 'never',
    confirm: 'immediate',
  });
  const server = await createServer({
    engine: db.engine as unknown as Engine<ModuleDef>,
    adminToken: ADMIN_TOKEN,
    tokenSecret: 'admin-console-token-secret-of-32-bytes!!',
    admin: databaseAdmin(db, options.limits === undefined ? {} : { console: options.limits }),
    log: db,
  });
  db.engine.start();
  return {
    db,
    server,
    async request(p, o = {}) {
      const token = o.token === undefined ? ADMIN_TOKEN : o.token;
      const res = await fetch(`${server.httpUrl}/admin/${p}`, {
        method: o.method ?? 'GET',
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
    },
    async close() {
      await db.engine.stop();
      await server.close();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium (or CHROMIUM_PATH), headless, with the repository's usual flags. */
export function launchChromium(): Promise<Browser> {
  const executablePath =
    process.env.CHROMIUM_PATH ||
    execSync('command -v chromium || command -v chromium-browser', { encoding: 'utf8', shell: '/bin/sh' })
      .trim()
      .split('\n')[0]!;
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-timer-throttling',
    ],
  });
}
