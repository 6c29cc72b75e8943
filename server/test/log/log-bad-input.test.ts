import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TickspaceError, createSchema, defineModule, t, table } from '../../src/engine';
import { openDatabase, repairDataDir } from '../../src/engine/tooling';
import { drive, openBank, segmentFiles, snapshotFiles, tempDir } from './helpers';

async function history(dir: string, ticks: number, options: Parameters<typeof openBank>[1] = {}) {
  const db = await openBank(dir, options);
  const hashes = await drive(db, ticks);
  const offsets = new Map<number, { file: string; offset: number }>();
  for (const seg of db.store.segments)
    seg.offsets!.forEach((offset, i) => offsets.set(seg.firstTick + i, { file: seg.file, offset }));
  await db.close();
  return { hashes, offsets };
}

async function openError(promise: Promise<unknown>): Promise<TickspaceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TickspaceError);
  return error as TickspaceError;
}

function flipBit(file: string, offset: number): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, offset);
  b[0]! ^= 0x10;
  fs.writeSync(fd, b, 0, 1, offset);
  fs.closeSync(fd);
}

describe('commit log bad input', () => {
  it('cuts a truncated last record, reports where, and continues from the tick before', async () => {
    const dir = tempDir();
    const { hashes, offsets } = await history(dir, 20);
    const file = segmentFiles(dir)[0]!;
    fs.truncateSync(file, fs.statSync(file).size - 5);
    const db = await openBank(dir);
    expect(db.recovery.cut).toMatchObject({ file, offset: offsets.get(20)!.offset, removedFile: false });
    expect(db.recovery.cut!.reason).toMatch(/runs 5 byte\(s\) past the end/);
    expect(db.recovery.lastTick).toBe(19);
    expect(db.engine.stateHash).toBe(hashes.get(19));
    expect(fs.statSync(file).size).toBe(offsets.get(20)!.offset);
    // The log continues cleanly after the cut.
    const again = await drive(db, 1);
    await db.close();
    const reopened = await openBank(dir);
    expect(reopened.recovery.cut).toBeUndefined();
    expect(reopened.recovery.lastTick).toBe(20);
    expect(reopened.engine.stateHash).toBe(again.get(20));
    await reopened.close();
  });

  it('treats a damaged last record that ends the file as torn', async () => {
    const dir = tempDir();
    const { hashes, offsets } = await history(dir, 12);
    const file = segmentFiles(dir)[0]!;
    flipBit(file, fs.statSync(file).size - 3);
    const db = await openBank(dir);
    expect(db.recovery.cut).toMatchObject({ offset: offsets.get(12)!.offset, reason: 'checksum mismatch' });
    expect(db.engine.stateHash).toBe(hashes.get(11));
    await db.close();
  });

  it('cuts a zero-filled tail (size extended, data lost) as torn', async () => {
    const dir = tempDir();
    const { hashes } = await history(dir, 8);
    const file = segmentFiles(dir)[0]!;
    fs.appendFileSync(file, Buffer.alloc(300));
    const db = await openBank(dir);
    expect(db.recovery.cut).toMatchObject({ bytes: 300, reason: 'record length is 0' });
    expect(db.engine.stateHash).toBe(hashes.get(8));
    await db.close();
  });

  it('refuses a flipped bit in the middle with the segment, offset, tick and the way out; repair keeps the ticks before', async () => {
    const dir = tempDir();
    const { hashes, offsets } = await history(dir, 20);
    const at = offsets.get(10)!;
    flipBit(at.file, at.offset + 20);
    const error = await openError(openBank(dir));
    expect(error.code).toBe('CORRUPT_LOG');
    expect(error.message).toContain(
      `log/${path.basename(at.file)} at byte ${at.offset} (the record for tick 10): checksum mismatch`,
    );
    expect(error.message).toMatch(/not a torn tail.*tickspace repair --data/);
    expect(error.details).toMatchObject({ offset: at.offset, expectedTick: 10 });
    // The lock was released: the refusal leaves the directory usable by repair.
    const report = repairDataDir(dir);
    expect(report.truncated).toMatchObject({ file: at.file, offset: at.offset });
    expect(report.lastTick).toBe(9);
    const saved = fs.readdirSync(report.quarantine!);
    expect(saved).toEqual([`${path.basename(at.file)}.from-${at.offset}`]);
    const db = await openBank(dir);
    expect(db.recovery.lastTick).toBe(9);
    expect(db.engine.stateHash).toBe(hashes.get(9));
    await db.close();
  });

  it('refuses a segment with the wrong magic', async () => {
    const dir = tempDir();
    await history(dir, 5);
    const file = segmentFiles(dir)[0]!;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('NOTALOG!'), 0, 8, 0);
    fs.closeSync(fd);
    const error = await openError(openBank(dir));
    expect(error.code).toBe('CORRUPT_LOG');
    expect(error.message).toMatch(/at byte 0 .*wrong magic 4e4f54414c4f4721 .*not a Tickspace log segment/);
  });

  it('removes an empty newest segment (crash before its header) and refuses an empty older one', async () => {
    const dir = tempDir();
    const { hashes } = await history(dir, 30, { segmentBytes: 1024 });
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const empty = path.join(dir, 'log', String(31).padStart(20, '0') + '.tslog');
    fs.writeFileSync(empty, '');
    const db = await openBank(dir, { segmentBytes: 1024 });
    expect(db.recovery.cut).toMatchObject({
      file: empty,
      removedFile: true,
      reason: 'the file is empty (no header)',
    });
    expect(fs.existsSync(empty)).toBe(false);
    expect(db.engine.stateHash).toBe(hashes.get(30));
    await db.close();

    fs.truncateSync(files[1]!, 0);
    const error = await openError(openBank(dir, { segmentBytes: 1024 }));
    expect(error.code).toBe('CORRUPT_LOG');
    expect(error.message).toContain(`${path.basename(files[1]!)} at byte 0`);
    expect(error.message).toContain('the file is empty (no header)');
  });

  it('cuts a newest segment whose header a power loss left zero-filled, and refuses one with records behind a damaged header', async () => {
    const dir = tempDir();
    const { hashes } = await history(dir, 30, { segmentBytes: 1024 });
    const files = segmentFiles(dir);
    // A new segment created after the last fsync: its header was cut at byte k and zero-filled.
    for (const k of [3, 12]) {
      const torn = path.join(dir, 'log', String(31).padStart(20, '0') + '.tslog');
      const header = fs.readFileSync(files[files.length - 1]!).subarray(0, 32);
      fs.writeFileSync(torn, Buffer.concat([header.subarray(0, k), Buffer.alloc(90)]));
      const db = await openBank(dir, { segmentBytes: 1024 });
      expect(db.recovery.cut).toMatchObject({ file: torn, removedFile: true, offset: 0 });
      expect(db.recovery.cut!.reason).toMatch(k < 8 ? /wrong magic/ : /header checksum/);
      expect(fs.existsSync(torn)).toBe(false);
      expect(db.engine.stateHash).toBe(hashes.get(30));
      await db.close();
    }

    // The same damage in front of intact records is corruption: nothing is cut.
    const last = files[files.length - 1]!;
    const bytes = fs.readFileSync(last);
    bytes.fill(0, 12, 32);
    fs.writeFileSync(last, bytes);
    const error = await openError(openBank(dir, { segmentBytes: 1024 }));
    expect(error.code).toBe('CORRUPT_LOG');
    expect(error.message).toMatch(/header checksum .* yet an intact record follows at byte \d+/);
    expect(fs.readFileSync(last)).toEqual(bytes);
  });

  it('refuses a missing segment after the snapshot, and reports it in time travel before the snapshot', async () => {
    const dir = tempDir();
    await history(dir, 40, { segmentBytes: 1024 });
    const files = segmentFiles(dir);
    fs.rmSync(files[1]!);
    const error = await openError(openBank(dir, { segmentBytes: 1024 }));
    expect(error.code).toBe('CORRUPT_LOG');
    expect(error.message).toMatch(/ticks \d+\.\.\d+ are missing from the log/);

    // With a snapshot past the gap, recovery does not need the lost ticks; reading them fails precisely.
    const dir2 = tempDir();
    const db = await openBank(dir2, { segmentBytes: 1024 });
    await drive(db, 40);
    await db.snapshot();
    await db.close();
    const files2 = segmentFiles(dir2);
    const lostFirst = Number(path.basename(files2[1]!).slice(0, 20));
    fs.rmSync(files2[1]!);
    const db2 = await openBank(dir2, { segmentBytes: 1024 });
    expect(db2.recovery.snapshot?.tick).toBe(40);
    const lost = await openError(db2.asOf(lostFirst));
    expect(lost.code).toBe('CORRUPT_LOG');
    expect(lost.message).toMatch(new RegExp(`ticks ${lostFirst}\\.\\.\\d+ are missing from the log`));
    await db2.close();
  });

  it('refuses a snapshot newer than the log, and repair sets it aside', async () => {
    const dir = tempDir();
    const db = await openBank(dir);
    const hashes = await drive(db, 20);
    await db.snapshot();
    const cut = db.store.segments[0]!.offsets![15]!; // start of tick 16
    await db.close();
    fs.truncateSync(segmentFiles(dir)[0]!, cut);
    const error = await openError(openBank(dir));
    expect(error.code).toBe('CORRUPT_LOG');
    expect(error.message).toMatch(
      /snapshots\/0+20\.tssnap \(tick 20\) is newer than the log, which ends at tick 15.*records 16\.\.20 are missing/,
    );
    expect(error.message).toContain('tickspace repair');
    const report = repairDataDir(dir);
    expect(report.moved.map((m) => path.basename(m.file))).toEqual([
      path.basename(snapshotFiles(dir)[0] ?? '00000000000000000020.tssnap'),
    ]);
    const db2 = await openBank(dir);
    expect(db2.recovery.lastTick).toBe(15);
    expect(db2.engine.stateHash).toBe(hashes.get(15));
    await db2.close();
  });

  it('passes over a damaged snapshot for an older starting point', async () => {
    const dir = tempDir();
    const db = await openBank(dir);
    const hashes = await drive(db, 10);
    await db.snapshot();
    await drive(db, 5);
    await db.close();
    const snap = snapshotFiles(dir)[0]!;
    flipBit(snap, 60);
    const db2 = await openBank(dir);
    expect(db2.recovery.skippedSnapshots).toHaveLength(1);
    expect(db2.recovery.skippedSnapshots[0]!.reason).toMatch(/checksum mismatch/);
    expect(db2.recovery.snapshot).toBeUndefined();
    expect(db2.recovery.replayedTicks).toBe(15);
    expect((await db2.asOf(10)).stateHash).toBe(hashes.get(10));
    await db2.close();
  });

  it('treats a length prefix above maxRecordBytes as damage', async () => {
    const dir = tempDir();
    await history(dir, 6);
    const error = await openError(openBank(dir, { maxRecordBytes: 64 }));
    expect(error.code).toBe('CORRUPT_LOG');
    expect(error.message).toMatch(
      /record length \d+ exceeds maxRecordBytes 64 \(the record itself is intact: raise maxRecordBytes\)/,
    );
    // A garbage length above the limit in the middle of the log is damage, reported as such.
    const dir2 = tempDir();
    const { offsets } = await history(dir2, 6);
    const at = offsets.get(3)!;
    const fd = fs.openSync(at.file, 'r+');
    fs.writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0x7f]), 0, 4, at.offset);
    fs.closeSync(fd);
    const damage = await openError(openBank(dir2));
    expect(damage.message).toMatch(
      /record length 2147483647 exceeds maxRecordBytes 268435456, yet an intact record follows at byte \d+/,
    );
  });

  it('rejects missing, foreign, mismatched and locked data directories with precise errors', async () => {
    const root = tempDir();
    const missing = path.join(root, 'nope');
    let error = await openError(openBank(missing, { create: false }));
    expect(error.code).toBe('BAD_DATA_DIR');
    expect(error.message).toBe(`no data directory at ${missing}`);

    const foreign = path.join(root, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'hello');
    error = await openError(openBank(foreign));
    expect(error.code).toBe('BAD_DATA_DIR');
    expect(error.message).toMatch(/is not empty and has no tickspace\.json.*notes\.txt/);

    const other = path.join(root, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'tickspace.json'), JSON.stringify({ format: 'something-else' }));
    error = await openError(openBank(other));
    expect(error.message).toMatch(/belongs to something else \(format is "something-else"/);

    const dir = path.join(root, 'data');
    await history(dir, 3);
    error = await openError(openBank(dir, { seed: 'another' }));
    expect(error.message).toMatch(/created with seed "test", not "another"/);
    error = await openError(openBank(dir, { tickMs: 20 }));
    expect(error.message).toMatch(/created with tickMs 50, not 20/);

    const s = createSchema({ account: table({ public: true }, { id: t.u64().primaryKey() }) });
    const changed = defineModule(s, { reducers: [] });
    error = await openError(openDatabase({ dir, module: changed }));
    expect(error.code).toBe('SCHEMA_MISMATCH');
    // Every difference is listed with its fix (migration.test.ts covers the rules).
    expect(error.message).toMatch(/by \d+ breaking change\(s\) and there is no migration for version 2/);
    expect(error.message).toMatch(/entity \[table-removed\]: table 'entity' is gone from the module/);
    expect(error.message).toMatch(
      /account\.id \[column-type-changed\]: column 'id' is u64 in the module, u32/,
    );

    const first = await openBank(dir);
    error = await openError(openBank(dir));
    expect(error.code).toBe('DATA_DIR_LOCKED');
    await first.close();
    fs.writeFileSync(path.join(dir, 'LOCK'), '999999999'); // a crashed owner
    const taken = await openBank(dir);
    await taken.close();
  });

  it('rejects out-of-range writer options', async () => {
    const dir = tempDir();
    await expect(openBank(dir, { segmentBytes: 10 })).rejects.toThrow(/segmentBytes must be >= 1024/);
    await expect(openBank(tempDir(), { durability: { everyMs: 0 } })).rejects.toThrow(/everyMs must be > 0/);
  });
});
