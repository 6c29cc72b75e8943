/**
 * Frontier served in the sandbox from a copy of its source folder (TICKSPACE_FRONTIER_SOURCE), with
 * real processes: `npm run dev` with no module argument republishes on save of a world source file
 * while a browser-protocol client stays connected, and `tickspace publish` swaps an edited copy
 * into a served Frontier; afterwards `tickspace replay` from tick 1 passes across the swaps (the
 * logged versions carry their settings, and the host file lends the host modules).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, REPO_ROOT, startServe, tempDataDir, type ServeProcess } from './serve-process';

const run = promisify(execFile);
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A copy of server/src/world whose `../engine` and `node_modules` are the repository's. */
function copyWorld(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'frontier-copy-'));
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
  const world = path.join(root, 'world');
  fs.cpSync(path.join(REPO_ROOT, 'server', 'src', 'world'), world, { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'server', 'src', 'engine'), path.join(root, 'engine'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return world;
}

/** Raises the longest player name from 16 to 40 characters in the copy's module code. */
function allowLongNames(world: string): void {
  const file = path.join(world, 'frontier-core.ts');
  const text = fs.readFileSync(file, 'utf8');
  const edited = text.replace(
    'maxNameChars: options.maxNameChars ?? 16',
    'maxNameChars: options.maxNameChars ?? 40',
  );
  expect(edited).not.toBe(text);
  fs.writeFileSync(file, edited);
}

async function stop(server: ServeProcess): Promise<void> {
  if (server.child.exitCode !== null) return;
  // The bootstrap forwards the signal to the server it runs.
  server.child.kill('SIGINT');
  await server.exited;
}

const LONG = 'A_rather_long_player_name';

describe('Frontier in the sandbox, changed while it runs', () => {
  it('npm run dev republishes on save of a world source file; the client stays connected', async () => {
    const world = copyWorld();
    const data = tempDataDir();
    cleanups.push(data.remove);
    const server = await startServe({
      dataDir: data.dir,
      viaBootstrap: 'dev',
      env: { TICKSPACE_FRONTIER_SOURCE: world },
      readyLine: /module: sandboxed, version [0-9a-f]{12}.*, watching its files/,
    });
    cleanups.push(() => stop(server));
    const conn = await connectClient(server.port);
    cleanups.push(() => conn.close());
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));
    await expect(conn.reducers.join({ name: LONG })).rejects.toMatchObject({ code: 'INVALID_NAME' });

    allowLongNames(world);
    await server.waitFor(/watch: republished .*sandbox-entry\.ts as [0-9a-f]{12} at tick \d+/);
    await conn.reducers.join({ name: LONG });
    await conn.subscribe({ table: 'player' }).applied;
    expect(conn.db.player.iter().map((p) => p.name)).toContain(LONG);
    expect(statuses).toEqual([]);
    expect(conn.status).toBe('open');
  });

  it('tickspace publish swaps an edited Frontier into a served one; replay from tick 1 passes', async () => {
    const world = copyWorld();
    const data = tempDataDir();
    cleanups.push(data.remove);
    const env = { TICKSPACE_FRONTIER_SOURCE: world };
    const server = await startServe({ dataDir: data.dir, env, readyLine: /module: sandboxed, version / });
    cleanups.push(() => stop(server));
    const conn = await connectClient(server.port);
    cleanups.push(() => conn.close());
    await expect(conn.reducers.join({ name: LONG })).rejects.toMatchObject({ code: 'INVALID_NAME' });

    allowLongNames(world);
    const cliEnv = { ...process.env, ...env, TICKSPACE_SEED: 'lifecycle-test' };
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', '--data', data.dir, ...args], {
        cwd: REPO_ROOT,
        env: cliEnv,
      });
    const published = await cli(
      'publish',
      '--module',
      'server/src/cli/frontier-module.ts',
      '--url',
      `http://127.0.0.1:${server.port}`,
    );
    expect(published.stdout).toMatch(/[0-9a-f]{12}.* tick \d+/);
    await server.waitFor(/published module [0-9a-f]{12} \(\d+ bytes\) at tick \d+/);
    await conn.reducers.join({ name: LONG });
    expect(conn.status).toBe('open');
    conn.close();
    await stop(server);

    const replay = await cli('replay');
    expect(replay.stdout).toMatch(/replay 1\.\.\d+: all \d+ tick\(s\) reproduced the log/);
    const log = await cli('log', '--from', '1');
    // Two versions: the one serve started with and the published one (built from the edited copy).
    const versions = [...log.stdout.matchAll(/__publish module ([0-9a-f]{12})/g)].map((m) => m[1]);
    expect(versions).toHaveLength(2);
    expect(versions[0]).not.toBe(versions[1]);
  });
});
