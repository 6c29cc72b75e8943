import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LogWriter } from '../../src/engine/tooling';
import type { CallResult } from '../../src/engine';
import { alice } from '../engine/fixtures';
import { drive, openBank, segmentFiles, snapshotFiles, tempDir } from './helpers';

describe('durability and confirmation', () => {
  it("'tick': call results and fan-out wait for the fsync that covers their tick", async () => {
    const db = await openBank(tempDir(), { durability: 'tick' });
    const e = db.engine;
    const seen: { durable: number; result: CallResult }[] = [];
    const fanned: number[] = [];
    e.onTick((record) => {
      expect(db.durableTick).toBeGreaterThanOrEqual(record.tick);
      fanned.push(record.tick);
    });
    e.enqueue(alice, 'open', { id: 1, name: 'a', balance: 1n }, (result) =>
      seen.push({ durable: db.durableTick, result }),
    );
    const record = e.runTick();
    expect(seen).toEqual([]); // written, not yet confirmed
    expect(fanned).toEqual([]);
    await e.flush();
    expect(seen).toEqual([{ durable: record.tick, result: { ok: true } }]);
    expect(fanned).toEqual([1]);
    await db.close();
  });

  it("'tick': ticks written while an fsync runs share the next one (group commit)", async () => {
    const db = await openBank(tempDir(), { durability: 'tick' });
    for (let i = 0; i < 40; i++) db.engine.runTick();
    await db.engine.flush();
    const stats = db.stats.log!;
    expect(stats.records).toBe(40);
    // Ticks ran back to back: the first fsync covers tick 1, one more covers the other 39.
    expect(stats.fsyncs).toBeLessThanOrEqual(3);
    expect(db.durableTick).toBe(40);
    await db.close();
  });

  it("'never': results go out at once and nothing is fsynced until close", async () => {
    const db = await openBank(tempDir(), { durability: 'never' });
    const results: CallResult[] = [];
    db.engine.enqueue(alice, 'open', { id: 1, name: 'a', balance: 1n }, (r) => results.push(r));
    db.engine.runTick();
    expect(results).toEqual([{ ok: true }]);
    expect(db.stats.log!.fsyncs).toBe(0);
    await db.close();
  });

  it("'{ everyMs }': results wait for the next interval fsync", async () => {
    const db = await openBank(tempDir(), { durability: { everyMs: 5 } });
    const results: CallResult[] = [];
    db.engine.enqueue(alice, 'open', { id: 1, name: 'a', balance: 1n }, (r) => results.push(r));
    db.engine.runTick();
    db.engine.runTick();
    expect(results).toEqual([]);
    await db.engine.flush();
    expect(results).toEqual([{ ok: true }]);
    expect(db.durableTick).toBe(2);
    await db.close();
  });

  it("confirm 'immediate' sends results before the fsync", async () => {
    const db = await openBank(tempDir(), { durability: 'tick', confirm: 'immediate' });
    const results: CallResult[] = [];
    db.engine.enqueue(alice, 'open', { id: 1, name: 'a', balance: 1n }, (r) => results.push(r));
    db.engine.runTick();
    expect(results).toEqual([{ ok: true }]);
    await db.close();
    expect(db.durableTick).toBe(1);
  });

  it('rotates segments at segmentBytes, names them by first tick, and recovers across them', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { segmentBytes: 1024 });
    const hashes = await drive(db, 50);
    await db.close();
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(1024 + 400);
    const firsts = files.map((f) => Number(f.slice(-26, -6)));
    expect(firsts[0]).toBe(1);
    const reopened = await openBank(dir, { segmentBytes: 1024 });
    expect(reopened.engine.stateHash).toBe(hashes.get(50));
    for (const first of firsts.slice(1))
      expect((await reopened.asOf(first)).stateHash).toBe(hashes.get(first));
    await reopened.close();
  });

  it('writes snapshots by tick count and by log size, syncing the log first', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { snapshotEveryTicks: 10 });
    await drive(db, 25);
    await db.snapshot(); // waits for any snapshot in flight, then one at tick 25
    expect(snapshotFiles(dir).map((f) => Number(f.slice(-27, -7)))).toContain(25);
    expect(snapshotFiles(dir).length).toBeGreaterThanOrEqual(2);
    expect(db.stats.log!.fsyncs).toBeGreaterThan(0); // durability 'never', yet a snapshot syncs the log it depends on
    await db.close();

    const bySize = tempDir();
    const db2 = await openBank(bySize, { snapshotEveryBytes: 2000 });
    for (let i = 0; i < 40; i++) {
      await drive(db2, 1);
      await db2.snapshotsSettled();
    }
    await db2.close();
    // One snapshot each time 2000 bytes have accumulated (the overshoot of the tick that crosses it is not carried over).
    expect(snapshotFiles(bySize).length).toBeGreaterThanOrEqual(2);
    expect(snapshotFiles(bySize).length).toBeLessThanOrEqual(Math.floor(db2.stats.log!.bytes / 2000));
    expect(db2.stats.snapshots).toBe(snapshotFiles(bySize).length);
  });

  it('the writer refuses out-of-sequence ticks and appends after close', async () => {
    const dir = tempDir();
    fs.mkdirSync(`${dir}/log`);
    const writer = new LogWriter(`${dir}/log`, { segment: undefined, nextTick: 1 }, { durability: 'never' });
    expect(() => writer.append(2, new Uint8Array(10))).toThrow(/out of sequence: got tick 2, expected 1/);
    writer.append(1, new Uint8Array(10));
    await writer.close();
    expect(() => writer.append(2, new Uint8Array(10))).toThrow(/closed/);
  });
});
