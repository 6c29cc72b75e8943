import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_HASH,
  openDatabase,
  planRetention,
  retentionSteps,
  type RetentionPolicy,
} from '../../src/engine/tooling';
import { bank } from '../engine/fixtures';
import { drive, openBank, segmentFiles, snapshotFiles, tempDir, type BankDb } from './helpers';

const tickOf = (file: string) => Number(path.basename(file).slice(0, 20));

/** Drives `rounds` x `ticks` ticks with a snapshot (and so a retention pass) after each round. */
async function history(db: BankDb, rounds: number, ticks: number): Promise<Map<number, string>> {
  const hashes = new Map<number, string>([[0, EMPTY_HASH]]);
  for (let i = 0; i < rounds; i++) {
    for (const [t, h] of await drive(db, ticks)) hashes.set(t, h);
    await db.snapshot();
  }
  return hashes;
}

/** Every retained tick rebuilds to its logged hash, and the log's own records agree. */
async function expectEveryRetainedTick(db: BankDb, hashes: Map<number, string>): Promise<void> {
  const { oldestTick, lastTick } = db.storage;
  for (let t = oldestTick; t <= lastTick; t++)
    expect((await db.asOf(t)).stateHash, `asOf(${t})`).toBe(hashes.get(t));
  for (const rec of db.ticks(oldestTick + 1, lastTick, { calls: false, changes: false }))
    expect(rec.stateHash).toBe(hashes.get(rec.tick));
}

function diskSizes(dir: string) {
  const sum = (files: string[]) => files.reduce((n, f) => n + fs.statSync(f).size, 0);
  return { segmentBytes: sum(segmentFiles(dir)), snapshotBytes: sum(snapshotFiles(dir)) };
}

describe('retention plan (by hand)', () => {
  const seg = (firstTick: number, bytes = 1000) => ({ file: `s${firstTick}`, firstTick, bytes });
  const snap = (tick: number) => ({ file: `p${tick}`, tick });
  const segments = [seg(1), seg(101), seg(201), seg(301), seg(401)];
  const snapshots = [snap(100), snap(250), snap(300), snap(450)];
  const plan = (policy: RetentionPolicy, extra: Partial<Parameters<typeof planRetention>[0]> = {}) => {
    const p = planRetention({ segments, snapshots, lastTick: 480, policy, ...extra });
    return {
      anchor: p.anchor?.tick,
      snapshots: p.snapshots.map((s) => s.tick),
      segments: p.segments.map((s) => s.firstTick),
    };
  };

  it('by ticks: the newest snapshot at or before lastTick - ticks anchors; only segments wholly at or before it go', () => {
    // 480 - 200 = 280: anchor 250; segment 201..300 holds tick 251, so it stays.
    expect(plan({ ticks: 200 })).toEqual({ anchor: 250, snapshots: [100], segments: [1, 101] });
    // 480 - 180 = 300: anchor 300; segment 201..300 ends at the anchor and goes, 301.. holds tick 301.
    expect(plan({ ticks: 180 })).toEqual({ anchor: 300, snapshots: [100, 250], segments: [1, 101, 201] });
    // Anchor 299: segment 201..300 still holds tick 300, the first record after the anchor.
    expect(plan({ ticks: 180 }, { snapshots: [snap(100), snap(299), snap(450)] })).toEqual({
      anchor: 299,
      snapshots: [100],
      segments: [1, 101],
    });
    expect(plan({ ticks: 400 })).toEqual({ anchor: undefined, snapshots: [], segments: [] }); // 80: no snapshot that old
    expect(plan({ ticks: 1000 })).toEqual({ anchor: undefined, snapshots: [], segments: [] });
  });

  it('never anchors on the newest snapshot, and removes nothing without a covering snapshot', () => {
    // ticks 0 wants everything up to 480 gone, but 450 is the newest snapshot: 300 anchors.
    expect(plan({ ticks: 0 })).toEqual({ anchor: 300, snapshots: [100, 250], segments: [1, 101, 201] });
    expect(plan({ ticks: 0 }, { snapshots: [snap(450)] })).toEqual({
      anchor: undefined,
      snapshots: [],
      segments: [],
    });
    expect(plan({ ticks: 0 }, { snapshots: [] })).toEqual({ anchor: undefined, snapshots: [], segments: [] });
    // A snapshot the log does not reach yet is never an anchor.
    expect(plan({ ticks: 0 }, { lastTick: 200, snapshots: [snap(100), snap(250), snap(300)] })).toEqual({
      anchor: 100,
      snapshots: [],
      segments: [1],
    });
  });

  it('by bytes: keeps the newest segments until they reach the budget', () => {
    // 2500 bytes: 401, 301 and 201 (3000 >= 2500) are kept, so tick 201 is wanted: anchor 100.
    expect(plan({ bytes: 2500 })).toEqual({ anchor: 100, snapshots: [], segments: [1] });
    // 1500 bytes: 401 and 301 kept: anchor 300, and 201..300 goes (it ends at the anchor).
    expect(plan({ bytes: 1500 })).toEqual({ anchor: 300, snapshots: [100, 250], segments: [1, 101, 201] });
    expect(plan({ bytes: 5000 })).toEqual({ anchor: undefined, snapshots: [], segments: [] });
    expect(plan({ bytes: 6000 })).toEqual({ anchor: undefined, snapshots: [], segments: [] });
    expect(plan({ bytes: 0 })).toEqual(plan({ ticks: 0 }));
  });

  it('with both limits, the one that keeps less applies', () => {
    expect(plan({ ticks: 400, bytes: 1500 })).toEqual(plan({ bytes: 1500 }));
    expect(plan({ ticks: 180, bytes: 5000 })).toEqual(plan({ ticks: 180 }));
  });

  it('a damaged snapshot is never the anchor or the spare, and goes once it is older than the anchor', () => {
    const damaged = new Set(['p300']);
    expect(plan({ ticks: 180 }, { usable: (s) => !damaged.has(s.file) })).toEqual({
      anchor: 250,
      snapshots: [100],
      segments: [1, 101],
    });
    damaged.add('p450');
    // 450 is damaged: 300 would be the spare, but it is damaged too; 250 is the spare, 100 anchors.
    expect(plan({ ticks: 0 }, { usable: (s) => !damaged.has(s.file) })).toEqual({
      anchor: 100,
      snapshots: [],
      segments: [1],
    });
    damaged.clear();
    damaged.add('p100');
    expect(plan({ ticks: 180 }, { usable: (s) => !damaged.has(s.file) })).toEqual({
      anchor: 300,
      snapshots: [100, 250],
      segments: [1, 101, 201],
    });
  });

  it('removes snapshots before segments, syncing each directory after its removals', () => {
    const p = planRetention({ segments, snapshots, lastTick: 480, policy: { ticks: 180 } });
    expect(retentionSteps(p)).toEqual([
      { kind: 'remove', file: 'p100' },
      { kind: 'remove', file: 'p250' },
      { kind: 'sync', dir: 'snapshots' },
      { kind: 'remove', file: 's1' },
      { kind: 'remove', file: 's101' },
      { kind: 'remove', file: 's201' },
      { kind: 'sync', dir: 'log' },
    ]);
  });
});

describe('retention on a data directory', () => {
  it('by ticks: removes exactly the segments and snapshots behind the anchor; every retained tick still rebuilds', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024, retention: { ticks: 20 } });
    const hashes = await history(db, 8, 10);
    // Snapshots at 10..80; 80 - 20 = 60 anchors (70 and 80 are newer).
    expect(snapshotFiles(dir).map(tickOf)).toEqual([60, 70, 80]);
    const firsts = segmentFiles(dir).map(tickOf);
    // The oldest segment left holds tick 61 (the first the anchor needs); nothing older is left.
    expect(firsts[0]).toBeLessThanOrEqual(61);
    expect(firsts[1]).toBeGreaterThan(61);
    expect(db.storage.oldestTick).toBe(60);
    expect(db.stats.retention.removedSegments).toBeGreaterThan(3);
    expect(db.stats.retention.removedSnapshots).toBe(5);
    expect(db.storage).toMatchObject({
      ...diskSizes(dir),
      segments: firsts.length,
      snapshots: 3,
      lastTick: 80,
    });
    await expectEveryRetainedTick(db, hashes);
    expect((await db.replay()).ok).toBe(true);
    await db.close();
    const again = await openBank(dir, { segmentBytes: 1024 });
    expect(again.engine.stateHash).toBe(hashes.get(80));
    expect(again.recovery.snapshot?.tick).toBe(80);
    await again.close();
  });

  it('by bytes: keeps at least the budget of segments, and no segment the anchor needs', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024, retention: { bytes: 3000 } });
    const hashes = await history(db, 12, 10);
    const segs = db.store.segments;
    const anchor = db.store.snapshots[0]!.tick;
    const kept = segs.reduce((n, s) => n + s.bytes, 0);
    expect(kept).toBeGreaterThanOrEqual(3000);
    // Dropping the oldest segment left would break the budget or the anchor's records.
    expect(kept - segs[0]!.bytes < 3000 || segs[1]!.firstTick > anchor + 1).toBe(true);
    expect(segs[0]!.firstTick).toBeGreaterThan(1);
    expect(segs[0]!.firstTick).toBeLessThanOrEqual(anchor + 1);
    expect(db.store.snapshots.length).toBeGreaterThanOrEqual(2);
    expect(db.storage).toMatchObject(diskSizes(dir));
    await expectEveryRetainedTick(db, hashes);
    await db.close();
  });

  it('removes nothing while no snapshot but the newest covers old segments', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024, retention: { ticks: 0 } });
    await drive(db, 60);
    const before = segmentFiles(dir);
    expect(before.length).toBeGreaterThan(3);
    expect(await db.applyRetention()).toMatchObject({
      anchorTick: undefined,
      removedSegments: 0,
      oldestTick: 0,
    });
    await db.snapshot(); // the only snapshot: a spare, never an anchor
    expect(segmentFiles(dir)).toEqual(before);
    await drive(db, 30);
    await db.snapshot(); // now the snapshot at 60 anchors
    expect(db.storage.oldestTick).toBe(60);
    expect(snapshotFiles(dir).map(tickOf)).toEqual([60, 90]);
    await db.close();
  });

  it('a damaged anchor is passed over: the history before it stays and the directory still recovers', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024 });
    const hashes = await history(db, 4, 10); // snapshots at 10, 20, 30, 40
    await db.close();
    const victim = snapshotFiles(dir)[2]!; // tick 30, the anchor of { ticks: 5 }
    const bytes = fs.readFileSync(victim);
    bytes[bytes.length - 20]! ^= 0xff;
    fs.writeFileSync(victim, bytes);
    const again = await openBank(dir, { segmentBytes: 1024, retention: { ticks: 5 } });
    const r = await again.applyRetention();
    expect(r.anchorTick).toBe(20);
    expect(again.stats.retention.rejectedAnchors).toBe(1);
    expect(snapshotFiles(dir).map(tickOf)).toEqual([20, 30, 40]);
    await expectEveryRetainedTick(again, hashes);
    await again.close();
    // The newest snapshot damaged too: recovery still has the anchor and every record after it.
    const newest = snapshotFiles(dir)[2]!;
    fs.writeFileSync(newest, Buffer.alloc(fs.statSync(newest).size));
    const last = await openBank(dir, { segmentBytes: 1024 });
    expect(last.engine.stateHash).toBe(hashes.get(40));
    expect(last.recovery.snapshot?.tick).toBe(20);
    await last.close();
  });

  it('a crash after any prefix of the removals leaves a directory that recovers and time-travels over its whole range', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024 });
    const hashes = await history(db, 6, 10);
    const plan = planRetention({
      segments: db.store.segments,
      snapshots: db.store.snapshots,
      lastTick: db.store.lastTick,
      policy: { ticks: 15 },
    });
    await db.close();
    const steps = retentionSteps(plan).filter((s) => s.kind === 'remove');
    expect(plan.snapshots.length).toBeGreaterThan(1);
    expect(plan.segments.length).toBeGreaterThan(1);
    for (let k = 0; k <= steps.length; k++) {
      const copy = tempDir();
      fs.cpSync(dir, copy, { recursive: true });
      for (const step of steps.slice(0, k)) fs.rmSync(path.join(copy, path.relative(dir, step.file)));
      const crashed = await openBank(copy, { segmentBytes: 1024 });
      expect(crashed.engine.stateHash, `after ${k} removal(s)`).toBe(hashes.get(60));
      await expectEveryRetainedTick(crashed, hashes);
      expect((await crashed.replay()).ok).toBe(true);
      await crashed.close();
    }
  });

  it('time travel before the retained history is HISTORY_PRUNED, naming the tick, the oldest tick and the policy', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024, retention: { ticks: 20 } });
    await history(db, 8, 10);
    const pruned = {
      code: 'HISTORY_PRUNED',
      message: 'tick 10 is older than the oldest retained tick 60 (retention keeps 20 ticks)',
    };
    await expect(db.asOf(10)).rejects.toMatchObject(pruned);
    await expect(db.rewind(10)).rejects.toMatchObject(pruned);
    await expect(db.replay(11, 80)).rejects.toMatchObject(pruned);
    expect(() => [...db.ticks(10, 12)]).toThrow(expect.objectContaining({ code: 'HISTORY_PRUNED' }));
    await expect(db.history('account', 1, { from: 10 })).rejects.toMatchObject({
      code: 'HISTORY_PRUNED',
      message: 'history from tick 10 is older than the oldest retained tick 60 (retention keeps 20 ticks)',
    });
    // The retained range itself still works; a future tick is still TICK_OUT_OF_RANGE.
    expect((await db.history('account', 1))[0]).toMatchObject({ tick: 60, kind: 'snapshot' });
    expect((await db.history('account', 1, { from: 70 })).every((v) => v.tick > 70)).toBe(true);
    await expect(db.asOf(81)).rejects.toMatchObject({ code: 'TICK_OUT_OF_RANGE' });
    await db.close();
  });

  it('tracks disk bytes as segments rotate, snapshots land and retention removes files', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024 });
    expect(db.storage).toMatchObject({ diskBytes: 0, oldestTick: 0 });
    for (let i = 0; i < 5; i++) {
      await drive(db, 7);
      expect(db.storage, `after ${7 * (i + 1)} ticks`).toMatchObject(diskSizes(dir));
      await db.snapshot();
      const sizes = diskSizes(dir);
      expect(db.storage).toMatchObject({ ...sizes, diskBytes: sizes.segmentBytes + sizes.snapshotBytes });
    }
    await db.close();
    const pruning = await openBank(dir, { segmentBytes: 1024, retention: { ticks: 3 } });
    expect(pruning.storage).toMatchObject(diskSizes(dir));
    const before = pruning.storage.diskBytes;
    const r = await pruning.applyRetention();
    expect(r.freedBytes).toBeGreaterThan(0);
    expect(pruning.storage.diskBytes).toBe(before - r.freedBytes);
    expect(pruning.storage).toMatchObject(diskSizes(dir));
    await pruning.close();
  });

  it('refuses bad retention values before touching the directory', async () => {
    const bad: [unknown, RegExp][] = [
      [{ ticks: -1 }, /^retention\.ticks must be a whole number >= 0, got -1$/],
      [{ ticks: 1.5 }, /^retention\.ticks must be a whole number >= 0, got 1\.5$/],
      [{ bytes: Number.NaN }, /^retention\.bytes must be a whole number >= 0, got NaN$/],
      [{ bytes: '100' }, /^retention\.bytes must be a whole number >= 0, got "100"$/],
      [{ tick: 5 }, /^retention\.tick is not an option \(use retention\.ticks or retention\.bytes\)$/],
      [7, /^retention must be an object/],
    ];
    for (const [retention, message] of bad) {
      const dir = path.join(tempDir(), 'new');
      await expect(
        openDatabase({ dir, module: bank, retention: retention as RetentionPolicy }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
      expect(fs.existsSync(dir)).toBe(false);
    }
  });
});
