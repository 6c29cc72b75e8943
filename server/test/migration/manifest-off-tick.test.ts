/**
 * A runtime migration writes the manifest that records its schema version off the tick (on the
 * libuv pool), and the log writer holds the migration tick's record, and every one after it, until
 * that manifest is in place: no reader and no recovery can find a record of a schema version the
 * manifest lacks. The crash test (manifest-crash.integration.test.ts) kills a real process around it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toIdentity, type CallResult, type ModuleDef } from '../../src/engine';
import {
  LogWriter,
  openDatabase,
  publishModule,
  readManifest,
  type Database,
} from '../../src/engine/tooling';
import { loadModuleFile, loadModuleText } from '../../src/engine/sandbox';
import { counterModuleText, writeModuleFile } from '../sandbox/counter-module';

const alice = toIdentity('c'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-off-tick-'));
  dirs.push(dir);
  return dir;
}

const logBytes = (dir: string) =>
  fs.readdirSync(path.join(dir, 'log')).reduce((n, f) => n + fs.statSync(path.join(dir, 'log', f)).size, 0);
const versionsOnDisk = (dir: string) =>
  (readManifest(dir).schemaVersions ?? [{ version: 1, fromTick: 0 }]).map((v) => [v.version, v.fromTick]);

interface Policy {
  readonly durability: 'tick' | 'never';
  readonly confirm: 'durable' | 'immediate';
}

async function counterDb(dir: string, policy: Policy): Promise<Database<ModuleDef>> {
  const v1 = await loadModuleFile(writeModuleFile(counterModuleText()));
  const db = await openDatabase({ dir, module: v1.module, logger: quiet, ...policy });
  db.engine.publish(v1);
  db.engine.enqueue(alice, 'bump', { id: 1 });
  db.engine.runTick();
  await db.engine.flush();
  return db;
}

describe("a runtime migration's manifest is written off the tick, before the tick's record", () => {
  const policies: Policy[] = [
    { durability: 'tick', confirm: 'durable' },
    { durability: 'tick', confirm: 'immediate' },
    { durability: 'never', confirm: 'durable' },
  ];
  for (const policy of policies)
    it(`holds the boundary tick's record (and the next one's) until the manifest names its version (durability '${policy.durability}', confirm '${policy.confirm}')`, async () => {
      const dir = tempDir();
      const db = await counterDb(dir, policy);
      const v2 = await loadModuleText(counterModuleText({ v2: true }), 'v2.ts');
      const results: CallResult[] = [];
      publishModule(db, v2, (r) => results.push(r));
      const bytes = logBytes(dir);
      const boundary = db.engine.runTick().tick;
      db.engine.enqueue(alice, 'bump', { id: 1 }, (r) => results.push(r));
      db.engine.runTick();
      // Both ticks ran; neither reached the log, and the manifest is still the old one.
      expect(logBytes(dir)).toBe(bytes);
      expect(versionsOnDisk(dir)).toEqual([[1, 0]]);
      expect(db.store.lastTick).toBe(boundary - 1);
      expect(results).toEqual([]); // not confirmed while not written, whatever the durability
      await db.engine.flush();
      expect(versionsOnDisk(dir)).toEqual([
        [1, 0],
        [2, boundary],
      ]);
      expect(db.store.lastTick).toBe(boundary + 1);
      expect(logBytes(dir)).toBeGreaterThan(bytes);
      expect(results).toEqual([{ ok: true }, { ok: true }]);
      expect([...db.ticks(boundary, boundary)][0]!.calls.map((c) => c.reducer).slice(0, 2)).toEqual([
        '__publish',
        '__migrate',
      ]);
      expect((await db.asOf(boundary + 1)).tables.counter!.find(1)).toMatchObject({ value: 2, level: 1 });
      await db.close();
      const back = await openDatabase({ dir, module: v2.module, logger: quiet });
      expect(back.migration).toBeUndefined();
      expect(back.recovery.lastTick).toBe(boundary + 1);
      const replay = await back.replay(boundary);
      expect(replay.divergence?.message).toBeUndefined();
      expect(replay.ok).toBe(true);
      await back.close();
    });

  it('forgets every version a crash left in the manifest without its tick (two migrations at consecutive ticks)', async () => {
    const dir = tempDir();
    const db = await counterDb(dir, { durability: 'tick', confirm: 'durable' });
    const last = db.engine.tick;
    const manifest = db.manifest;
    await db.close();
    const v2 = await loadModuleText(counterModuleText({ v2: true }), 'v2.ts');
    const described = (await import('../../src/engine/tooling')).describeModule(v2.module);
    // What a crash after both manifest writes and before the held ticks were written leaves.
    fs.writeFileSync(
      path.join(dir, 'tickspace.json'),
      JSON.stringify({
        ...manifest,
        schema: described,
        schemaVersions: [
          { version: 1, fromTick: 0, schema: manifest.schema, reshaped: [] },
          { version: 2, fromTick: last + 1, schema: described, reshaped: ['counter'] },
          { version: 3, fromTick: last + 2, schema: described, reshaped: [] },
        ],
      }),
    );
    const back = await openDatabase({ dir, module: v2.module, logger: quiet });
    // Both forgotten: the data is version 1's, and the open migrates it to version 2 again.
    expect(back.migration).toMatchObject({ fromVersion: 1, toVersion: 2, tick: last + 1 });
    expect(versionsOnDisk(dir)).toEqual([
      [1, 0],
      [2, last + 1],
    ]);
    expect(back.engine.tables.counter!.find(1)).toMatchObject({ value: 1, level: 1 });
    await back.close();
  });
});

describe('LogWriter.holdUntil', () => {
  it('writes held appends in order once the hold resolves; a rejected hold fails the writer and writes none', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'log'));
    const writer = new LogWriter(
      path.join(dir, 'log'),
      { segment: undefined, nextTick: 1 },
      { durability: 'tick' },
    );
    writer.append(1, new Uint8Array([1, 1, 1]));
    let open!: () => void;
    writer.holdUntil(new Promise<void>((resolve) => (open = resolve)), 'the first hold');
    const frame = new Uint8Array([2, 2]);
    writer.append(2, frame);
    frame.fill(9); // the caller reuses its buffer: the held copy must not change
    writer.append(3, new Uint8Array([3]));
    expect(writer.nextTick).toBe(4);
    const durable = writer.whenDurable()!;
    const size = () => fs.statSync(writer.currentFile).size;
    const before = size();
    await new Promise((resolve) => setImmediate(resolve));
    expect(size()).toBe(before);
    open();
    await durable;
    expect(writer.durableTick).toBe(3);
    const bytes = fs.readFileSync(writer.currentFile);
    expect([...bytes.subarray(bytes.length - 6)]).toEqual([1, 1, 1, 2, 2, 3]);

    writer.holdUntil(Promise.reject(new Error('disk full')), 'writing the manifest of schema version 2');
    writer.append(4, new Uint8Array([4]));
    await expect(writer.whenDurable()).rejects.toMatchObject({
      code: 'LOG_FAILED',
      message: expect.stringMatching(/writing the manifest of schema version 2 failed/),
    });
    expect(writer.failed).toBe(true);
    expect(() => writer.append(5, new Uint8Array([5]))).toThrow(/manifest of schema version 2/);
    expect(fs.statSync(writer.currentFile).size).toBe(bytes.length);
    await writer.close();
  });
});
