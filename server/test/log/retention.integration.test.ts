import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { EMPTY_HASH, openDatabase } from '../../src/engine/tooling';
import { createServer } from '../../src/net';
import { bank } from '../engine/fixtures';
import { buildChild } from './crash-harness';
import { drive, openBank, segmentFiles, snapshotFiles, tempDir } from './helpers';

const sizeOf = (files: string[]) => files.reduce((n, f) => n + fs.statSync(f).size, 0);

function gauge(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  if (m === null) throw new Error(`no ${name} in /metrics`);
  return Number(m[1]);
}

describe('retention with real processes and a real server', () => {
  it('/metrics reports the log disk bytes and the oldest retained tick, following retention', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024, retention: { ticks: 15 } });
    const server = await createServer({ engine: db.engine, log: db });
    try {
      const scrape = async () => (await fetch(`${server.httpUrl}/metrics`)).text();
      await drive(db, 30);
      await db.snapshot();
      let text = await scrape();
      expect(gauge(text, 'tickspace_log_segment_bytes')).toBe(sizeOf(segmentFiles(dir)));
      expect(gauge(text, 'tickspace_log_snapshot_bytes')).toBe(sizeOf(snapshotFiles(dir)));
      expect(gauge(text, 'tickspace_log_disk_bytes')).toBe(
        sizeOf(segmentFiles(dir)) + sizeOf(snapshotFiles(dir)),
      );
      expect(gauge(text, 'tickspace_log_oldest_tick')).toBe(0);
      const before = gauge(text, 'tickspace_log_segment_bytes');
      for (let i = 0; i < 3; i++) {
        await drive(db, 10);
        await db.snapshot(); // snapshots at 30, 40, 50, 60: 60 - 15 = 45, so 40 anchors
      }
      text = await scrape();
      expect(gauge(text, 'tickspace_log_oldest_tick')).toBe(40);
      expect(gauge(text, 'tickspace_log_disk_bytes')).toBe(
        sizeOf(segmentFiles(dir)) + sizeOf(snapshotFiles(dir)),
      );
      expect(gauge(text, 'tickspace_log_segment_bytes')).toBeLessThan(before + db.stats.log!.bytes);
      expect(db.stats.retention.freedBytes).toBeGreaterThan(0);
    } finally {
      await server.close();
      await db.close();
    }
  });

  it('survives SIGKILLs of a writer that prunes its history: recovery and every retained tick stay intact', async () => {
    const dir = tempDir('tickspace-retention-kill-');
    const child = await buildChild();
    const rng = seedrandom.alea('retention-kill');
    const acked = new Map<number, string>();
    try {
      for (let iteration = 0; iteration < 12; iteration++) {
        const proc = spawn(process.execPath, [child, dir, '1024', '10', '30'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const killAfter = 5 + Math.floor(rng() * 60);
        let seen = 0;
        let stderr = '';
        proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const lines = readline.createInterface({ input: proc.stdout });
        lines.on('line', (line) => {
          const msg = JSON.parse(line) as { ready?: boolean; tick: number; hash: string };
          if (msg.ready) return;
          acked.set(msg.tick, msg.hash);
          if (++seen === killAfter) setTimeout(() => proc.kill('SIGKILL'), rng() * 5);
        });
        const exit = await new Promise<NodeJS.Signals | null>((resolve) =>
          proc.on('exit', (_code, signal) => resolve(signal)),
        );
        expect(exit, stderr).toBe('SIGKILL');

        const db = await openDatabase({
          dir,
          module: bank,
          durability: 'never',
          snapshotEveryTicks: 0,
          snapshotEveryBytes: 0,
          logger: { error: () => {}, warn: () => {} },
        });
        try {
          const { oldestTick, lastTick } = db.storage;
          expect(lastTick).toBeGreaterThanOrEqual(Math.max(...acked.keys()));
          const logged = new Map<number, string>([[0, EMPTY_HASH]]);
          for (const rec of db.ticks(oldestTick + 1, lastTick, { calls: false, changes: false }))
            logged.set(rec.tick, rec.stateHash);
          expect(db.engine.stateHash).toBe(logged.get(lastTick));
          for (const [tick, hash] of acked)
            if (tick > oldestTick) expect(logged.get(tick), `tick ${tick}`).toBe(hash);
          for (let t = oldestTick; t <= lastTick; t++)
            expect((await db.asOf(t)).stateHash, `asOf(${t})`).toBe(logged.get(t) ?? acked.get(t));
          if (iteration === 11) {
            expect(oldestTick).toBeGreaterThan(0); // the writers pruned their history
            expect(lastTick - oldestTick).toBeGreaterThanOrEqual(30); // at least the policy (an upper bound would depend on timing)
            expect((await db.replay()).ok).toBe(true);
          }
        } finally {
          await db.close();
        }
      }
    } finally {
      fs.rmSync(child, { force: true });
    }
  });
});
