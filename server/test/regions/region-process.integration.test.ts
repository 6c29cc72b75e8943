import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/engine/tooling';
import { HANDOFF_OUTCOME, decodePayload, faultFromEnv } from '../../src/regions';
import { onCleanup, startBroker, tempDir } from '../fabric/broker';
import { regionModule, type PlayerPayload } from './region-fixture';

const CHILD = path.join(import.meta.dirname, 'region-child.ts');
const SPAWN = 12;

interface Status {
  applied: number;
  outbox: number;
  asked: number;
  tick: number;
}

/** A region child process; resolves once it is ready. */
function startChild(region: string, other: string, dir: string, url: string, spawn: number, fault?: string) {
  const child = fork(CHILD, [region, other, dir, url, String(spawn)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TICKSPACE_FAULT: fault ?? '' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
    void exited.then((why) => reject(new Error(`${region} exited before ready: ${why}`)));
  });
  return { child, ready, exited };
}

function status(child: ChildProcess): Promise<Status> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (typeof m === 'object' && m !== null && 'status' in m) {
        child.off('message', on);
        resolve((m as { status: Status }).status);
      }
    };
    child.on('message', on);
    child.send('status');
  });
}

describe('region processes killed with SIGKILL at named handoff points', () => {
  it('TICKSPACE_FAULT names a known point', () => {
    expect(() => faultFromEnv('before_lunch')).toThrow(
      /TICKSPACE_FAULT=before_lunch: expected <point>\[:<n>\].*before_publish/,
    );
    expect(() => faultFromEnv('before_publish:0')).toThrow(/n >= 1/);
    expect(faultFromEnv('')).toBeUndefined();
    expect(typeof faultFromEnv('before_publish:2')).toBe('function');
  });

  it('each region dies at its point, restarts from its log, and after quiescence every player is owned once with every item', async () => {
    const broker = await startBroker();
    const root = tempDir('tickspace-region-procs-');
    const dirs = { west: path.join(root, 'west'), east: path.join(root, 'east') };
    // west dies as a sender that the broker stored a handoff for; east after its apply is durable.
    let west = startChild('west', 'east', dirs.west, broker.url, SPAWN, 'before_pub_ack:4');
    let east = startChild('east', 'west', dirs.east, broker.url, 0, 'after_receiver_durable:4');
    await Promise.all([west.ready, east.ready]);
    expect(await west.exited).toBe('SIGKILL');
    west = startChild('west', 'east', dirs.west, broker.url, 0);
    await west.ready;
    expect(await east.exited).toBe('SIGKILL');
    east = startChild('east', 'west', dirs.east, broker.url, 0);
    await east.ready;

    // Both run again: handoffs go on after the restarts.
    const start = await status(east.child);
    for (;;) {
      const s = await status(east.child);
      if (s.applied >= start.applied + SPAWN) break;
    }
    for (const c of [west, east]) c.child.send('stop-moving');
    for (;;) {
      const [w, e] = await Promise.all([status(west.child), status(east.child)]);
      if (w.outbox === 0 && e.outbox === 0 && w.asked === 0 && e.asked === 0) break;
    }
    for (const c of [west, east]) c.child.send('exit');
    expect(await west.exited).toBe(0);
    expect(await east.exited).toBe(0);

    // Recover both logs and check the world.
    const owners = new Map<string, number>();
    let qty = 0;
    const quiet = { error: () => {}, warn: () => {} };
    const dbs = await Promise.all([
      openDatabase({ dir: dirs.west, module: regionModule('west'), logger: quiet }),
      openDatabase({ dir: dirs.east, module: regionModule('east'), logger: quiet }),
    ]);
    onCleanup(async () => {
      for (const db of dbs) await db.close();
    });
    const tables = dbs.map((db) => db.engine.db as any);
    for (const [i, db] of tables.entries()) {
      for (const p of db.player.iter()) owners.set(p.id, (owners.get(p.id) ?? 0) + 1);
      for (const item of db.item.iter()) qty += item.qty;
      for (const row of db.ts_outbox.iter()) {
        if (
          tables[1 - i].ts_inbox.find([i === 0 ? 'west' : 'east', row.id])?.outcome ===
          HANDOFF_OUTCOME.APPLIED
        )
          continue;
        owners.set(row.entity, (owners.get(row.entity) ?? 0) + 1);
        for (const item of (decodePayload(row.payload) as unknown as PlayerPayload).items) qty += item.qty;
      }
      expect(db.ts_outbox.count()).toBe(0);
    }
    expect([...owners.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(owners.size).toBe(SPAWN);
    expect(qty).toBe(2 * ((SPAWN * (SPAWN + 1)) / 2));
    for (const db of dbs) {
      const report = await db.replay();
      expect(report.ok, JSON.stringify(report).slice(0, 500)).toBe(true);
    }
  });
});
