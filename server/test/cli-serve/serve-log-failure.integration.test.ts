import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/client';
import { openDatabase } from '../../src/engine/tooling';
import { connectClient, startServe, tempDataDir } from './serve-process';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Sets the file-size limit (RLIMIT_FSIZE, what `ulimit -f` sets) of a running process, bytes. */
function limitFileSize(pid: number, bytes: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:${bytes}`]);
}

describe('tickspace serve when the commit log cannot be written (disk full)', () => {
  it('fail-stops: clients get CLOSE 1011 LOG_FAILED, the operator one line, exit status 3, nothing acknowledged lost', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const server = await startServe({ dataDir: data.dir });
    cleanups.push(() => server.child.kill('SIGKILL'));
    const conn = await connectClient(server.port);
    await conn.reducers.join({ name: 'Filler' });
    const sub = conn.subscribe({ table: 'avatar' });
    await sub.applied;

    // From now on the segment may grow by 4 KiB: walking fills that within seconds.
    const segment = fs.readdirSync(path.join(data.dir, 'log')).map((f) => path.join(data.dir, 'log', f))[0]!;
    limitFileSize(server.child.pid!, fs.statSync(segment).size + 4096);
    let acknowledged = 0;
    let dir = 1;
    let walked: { x: number; y: number } | undefined;
    for (;;) {
      try {
        await conn.reducers.move({ dx: dir, dy: 0 });
      } catch {
        break;
      }
      // The call's tick has been fanned out: it is durable, and so is everything the cache holds.
      acknowledged = conn.tick;
      const me = conn.db.avatar.find(conn.identity)!;
      walked = { x: me.x, y: me.y };
      dir = -dir;
    }
    await conn.ready.catch(() => undefined);
    expect(conn.closeReason).toMatchObject({ closeCode: CLOSE_CODES.INTERNAL_ERROR, code: 'LOG_FAILED' });

    const exit = await server.exited;
    expect(exit.code).toBe(3);
    const out = server.output();
    const lines = out.split('\n').filter((l) => l.includes('commit log could not be written'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\[tickspace\\] the commit log could not be written: ${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: EFBIG \\(\\d+ bytes free on ${path.dirname(segment).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\); stopping$`,
      ),
    );
    // No stack trace, no uncaught error: the stop is orderly.
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain('Uncaught');
    expect(out).not.toContain('stopped cleanly');
    expect(fs.existsSync(path.join(data.dir, 'LOCK'))).toBe(false);

    // Every acknowledged tick is in the log, whole: recovery cuts nothing, and the world as of the
    // last acknowledged tick holds the avatar where the client last saw it.
    const db = await openDatabase({ dir: data.dir, readOnly: true });
    try {
      expect(db.recovery.cut).toBeUndefined();
      expect(db.store.lastTick).toBeGreaterThanOrEqual(acknowledged);
      const then = await db.asOf(acknowledged);
      const row = then.tables.avatar!.find(conn.identity) as { x: number; y: number } | undefined;
      expect(row).toMatchObject(walked!);
    } finally {
      await db.close();
    }
  }, 120_000);
});
