import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/engine/tooling';
import { connectClient, REPO_ROOT, startServe, tempDataDir, type ServeProcess } from './serve-process';

const ADMIN = 'ghost-test-admin';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface PlayerRow {
  identity: string;
  online: boolean;
}
interface AvatarRow {
  identity: string;
  online: boolean;
  moving: boolean;
  x: number;
  y: number;
}

async function serve(dataDir: string): Promise<ServeProcess> {
  const server = await startServe({ dataDir, args: ['--admin-token', ADMIN] });
  cleanups.push(() => server.child.kill('SIGKILL'));
  return server;
}

async function inspect<T>(server: ServeProcess, table: string): Promise<{ tick: number; rows: T[] }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/admin/inspect?table=${table}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { tick: number; rows: T[] } }).result;
}

/** A real client joins and starts walking east; resolves once the server has it moving. */
async function joinAndWalk(server: ServeProcess): Promise<string> {
  const conn = await connectClient(server.port);
  await conn.reducers.join({ name: 'Ghost' });
  await conn.subscribe({ table: 'avatar' }).applied;
  await conn.reducers.move({ dx: 1, dy: 0 });
  expect(conn.db.avatar.find(conn.identity)).toMatchObject({ online: true, moving: true });
  return conn.identity;
}

/** The player and avatar rows as the data directory holds them (server stopped), and the call that last wrote the player. */
async function stored(dataDir: string, identity: string) {
  const db = await openDatabase({ dir: dataDir, readOnly: true });
  try {
    const player = db.engine.tables.player!.find(identity) as PlayerRow | undefined;
    const avatar = db.engine.tables.avatar!.find(identity) as AvatarRow | undefined;
    const history = await db.history('player', identity);
    return { player, avatar, lastWriter: history[history.length - 1]?.call?.reducer };
  } finally {
    await db.close();
  }
}

/** After a restart: the player is offline and the avatar stands still while ticks pass. */
async function expectNoGhost(server: ServeProcess, identity: string): Promise<void> {
  const player = (await inspect<PlayerRow>(server, 'player')).rows.find((r) => r.identity === identity);
  expect(player).toMatchObject({ online: false });
  const first = await inspect<AvatarRow>(server, 'avatar');
  const before = first.rows.find((r) => r.identity === identity)!;
  expect(before).toMatchObject({ online: false, moving: false });
  let later = first;
  while (later.tick < first.tick + 10) later = await inspect<AvatarRow>(server, 'avatar');
  const after = later.rows.find((r) => r.identity === identity)!;
  expect({ x: after.x, y: after.y }).toEqual({ x: before.x, y: before.y });
}

async function stopWith(server: ServeProcess, signal: NodeJS.Signals) {
  server.child.kill(signal);
  return server.exited;
}

describe('no ghost players after a stop of any kind', () => {
  it('a clean stop (SIGINT) disconnects every session through the engine before the log closes; the restart finds the player offline and still', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const first = await serve(data.dir);
    const identity = await joinAndWalk(first);
    expect(await stopWith(first, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(/disconnecting 1 session\(s\) through the engine/);

    // The stop itself ran the disconnect: the log says so before any restart.
    const left = await stored(data.dir, identity);
    expect(left.player).toMatchObject({ online: false });
    expect(left.avatar).toMatchObject({ online: false, moving: false });
    expect(left.lastWriter).toBe('__disconnected');

    const second = await serve(data.dir);
    await expectNoGhost(second, identity);
    expect(await stopWith(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('after SIGKILL the start-up reconciliation (a logged serverStarted tick) sets the player offline and stops the avatar, and replay reproduces it', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const first = await serve(data.dir);
    const identity = await joinAndWalk(first);
    expect(await stopWith(first, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    // The crash ran no disconnect: the stored world has a ghost.
    const ghost = await stored(data.dir, identity);
    expect(ghost.player).toMatchObject({ online: true });
    expect(ghost.avatar).toMatchObject({ online: true, moving: true });

    const second = await serve(data.dir);
    await expectNoGhost(second, identity);
    expect(await stopWith(second, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect((await stored(data.dir, identity)).lastWriter).toBe('__started');

    // Replay re-executes every tick, the reconciliation included, and matches the log.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli.ts', '--data', data.dir, 'replay', '1'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TICKSPACE_SEED: 'lifecycle-test', TICKSPACE_WORLD_TILES: '512' },
      },
    );
    const lastTick = /stopped cleanly at tick (\d+)/.exec(second.output())![1];
    expect(stdout).toMatch(
      new RegExp(`^replay 1\\.\\.${lastTick}: all ${lastTick} tick\\(s\\) reproduced the log`),
    );
  });
});
