import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ModuleDef } from '../../src/engine';
import {
  decodeSnapshotHeader,
  openDatabase,
  type Database,
  type DatabaseOptions,
} from '../../src/engine/tooling';
import { TickspaceError } from '../../src/protocol';
import { runCli } from '../../src/cli';
import { alice, bob } from '../engine/fixtures';
import { quietLogger, tempDir } from '../log/helpers';
import { gameV1, gameV2, gameV3, gameV3BadRows, gameV3Throws, gameV3Undeclared } from './fixtures';

function open<M extends ModuleDef>(dir: string, module: M, options: Partial<DatabaseOptions<M>> = {}) {
  return openDatabase({
    dir,
    module,
    seed: 'migrate',
    tickMs: 50,
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quietLogger().logger,
    ...options,
  });
}

async function tick(db: Database<ModuleDef>, calls: [string, Record<string, unknown>][] = []) {
  for (const [name, args] of calls) db.engine.enqueue(alice, name, args);
  const record = db.engine.runTick();
  await db.engine.flush();
  return record;
}

/** The bytes of every file in a directory tree, by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p).toString('hex');
    }
  };
  walk(dir);
  return out;
}

/** A directory with five ticks of version 1 (a snapshot at tick 3; player 3 joins and leaves). */
async function version1(dir: string) {
  const db = (await open(dir, gameV1)) as unknown as Database<ModuleDef>;
  await tick(db, [
    ['join', { name: 'alice' }],
    ['join', { name: 'bob' }],
    ['join', { name: 'dave' }],
  ]);
  await tick(db, [['hurt', { id: 1, by: 7 }]]);
  await tick(db, [['note', { id: 1, text: 'hello' }]]);
  await db.snapshot();
  await tick(db, [['hurt', { id: 2, by: 3 }]]);
  await tick(db, [['leave', { id: 3 }]]); // the highest id is gone: ids must not be reused after a migration
  await db.close();
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, text: out.join('\n'), error: err.join('\n') };
}

describe('start-up schema migration', () => {
  it('migrates an additive change in one logged __migrate tick; asOf, history, replay and snapshots span it', async () => {
    const dir = tempDir('schema-migrate-');
    await version1(dir);

    const db = (await open(dir, gameV2)) as unknown as Database<ModuleDef>;
    expect(db.migration).toMatchObject({ fromVersion: 1, toVersion: 2, tick: 6, rewritten: { player: 2 } });
    expect(db.migration!.differences.every((d) => d.additive)).toBe(true);
    expect(db.migration!.differences.map((d) => d.change)).toEqual(
      expect.arrayContaining(['column-added', 'table-added', 'index-added', 'reducer-added']),
    );
    const [migrate] = [...db.ticks(6, 6)];
    expect(migrate!.calls.map((c) => [c.reducer, c.origin])).toEqual([['__migrate', 2]]);
    expect(migrate!.calls[0]!.args).toMatchObject({ from: 1, to: 2, reshaped: ['player'], added: ['guild'] });
    expect(migrate!.changes).toHaveLength(2); // player rows rewritten; notes untouched
    expect(db.engine.tables.player!.find(1)).toEqual({
      id: 1,
      name: 'alice',
      hp: 93,
      level: 1,
      title: undefined,
    });
    expect(db.engine.tables.note!.find(1)).toEqual({ id: 1, text: 'hello' });
    // New code runs on the migrated rows; auto-increment continues after the old ids.
    await tick(db, [
      ['levelUp', { id: 1 }],
      ['found', { id: 7, name: 'smiths' }],
      ['join', { name: 'carol' }],
    ]);
    expect(db.engine.tables.player!.find(3)).toBeUndefined();
    expect(db.engine.tables.player!.find(4)).toMatchObject({ name: 'carol', level: 1 });
    await db.snapshot();
    await tick(db, [['hurt', { id: 1, by: 1 }]]);
    const hashAt8 = db.engine.stateHash;
    await db.close();

    // Reopen with the same module: no migration, recovery crosses the version 2 snapshot.
    const again = (await open(dir, gameV2, { olderModules: [gameV1] })) as unknown as Database<ModuleDef>;
    expect(again.migration).toBeUndefined();
    expect(again.recovery).toMatchObject({ lastTick: 8, snapshot: { tick: 7 } });
    expect(again.engine.stateHash).toBe(hashAt8);

    const before = await again.asOf(5);
    expect(before.tables.player!.find(1)).toEqual({ id: 1, name: 'alice', hp: 93 });
    expect(Object.keys(before.tables)).not.toContain('guild');
    const after = await again.asOf(6);
    expect(after.tables.player!.find(1)).toEqual({
      id: 1,
      name: 'alice',
      hp: 93,
      level: 1,
      title: undefined,
    });
    expect((await again.asOf(7)).tables.guild!.find(7)).toEqual({ id: 7, name: 'smiths' });

    const history = await again.history('player', 1);
    expect(history.map((v) => [v.tick, v.kind, v.call?.reducer])).toEqual([
      [1, 'insert', 'join'],
      [2, 'update', 'hurt'],
      [6, 'insert', '__migrate'],
      [7, 'update', 'levelUp'],
      [8, 'update', 'hurt'],
    ]);
    expect(history[1]!.row).toEqual({ id: 1, name: 'alice', hp: 93 });
    // `note` is table 1 in version 1 and table 2 in version 2; its rows were not rewritten.
    expect((await again.history('note', 1)).map((v) => [v.tick, v.kind, v.call?.reducer])).toEqual([
      [3, 'insert', 'note'],
    ]);
    expect(history[3]!.row).toMatchObject({ level: 2 });

    const replay = await again.replay(1);
    expect(replay.divergence?.message).toBeUndefined();
    expect(replay).toMatchObject({ ok: true, verifiedTicks: 8 });
    await again.close();

    // Without the old code, the ticks of version 1 cannot be re-executed, and the report says how to fix it.
    const noOld = (await open(dir, gameV2)) as unknown as Database<ModuleDef>;
    const partial = await noOld.replay(1);
    expect(partial.ok).toBe(false);
    expect(partial.divergence!.message).toMatch(
      /tick 1 is schema version 1, whose module code .*olderModules/,
    );
    const fromMigration = await noOld.replay(6);
    expect(fromMigration.divergence?.message).toBeUndefined();
    expect(fromMigration).toMatchObject({ ok: true, verifiedTicks: 3 });
    await noOld.close();

    const snaps = fs.readdirSync(path.join(dir, 'snapshots')).sort();
    const headers = snaps.map((f) =>
      decodeSnapshotHeader(f, fs.readFileSync(path.join(dir, 'snapshots', f))),
    );
    expect(headers.map((h) => [h.tick, h.formatVersion, h.schemaVersion])).toEqual([
      [3, 2, 1],
      [7, 2, 2],
    ]);

    // The CLI reads both versions without module code.
    const info = await cli('-d', dir, 'info');
    expect(info.text).toContain('schema version 2 (version 1 from tick 0, version 2 from tick 6)');
    const log = await cli('-d', dir, 'log', '--from', '5', '--to', '6', '--changes');
    expect(log.status).toBe(0);
    expect(log.text).toMatch(/\[0\] system   __migrate \{from: 1, to: 2, reshaped: \["player"\]/);
    expect(log.text).toContain('insert player {id: 1, name: "alice", hp: 93, level: 1');
    const old = await cli('-d', dir, 'inspect', 'player', '--as-of', '5', '--json');
    expect(old.status).toBe(0);
    expect(JSON.parse(old.text.split('\n')[0]!)).toEqual({ id: 1, name: 'alice', hp: 93 });
    const hist = await cli('-d', dir, 'history', 'player', '1');
    expect(hist.status).toBe(0);
    expect(hist.text).toMatch(/tick 6 .*insert.*__migrate/);
  });

  it('refuses a breaking change without a migration, listing every difference and its fix, and writes nothing', async () => {
    const dir = tempDir('schema-migrate-');
    await version1(dir);
    const v2 = await open(dir, gameV2);
    await v2.close();
    const before = tree(dir);
    const error = (await open(dir, gameV3Undeclared).catch((e: unknown) => e)) as TickspaceError;
    expect(error).toBeInstanceOf(TickspaceError);
    expect(error.code).toBe('SCHEMA_MISMATCH');
    expect(error.message).toContain(
      'schema version 2) by 3 breaking change(s) and there is no migration for version 3',
    );
    expect(error.message).toContain(
      "player.nick [column-added]: column 'nick' (string) is new, and not appended after the existing columns, without a default; to make it work: declare a default (t.string().default(...)), make it t.optional(...), or declare migrations: { 3: (m) => ... } in defineModule that fills it",
    );
    expect(error.message).toContain(
      "player.hp [column-type-changed]: column 'hp' is u32 in the module, u16 in the stored schema; to make it work: declare migrations: { 3: (m) => ... } in defineModule that converts the old value, or keep u16",
    );
    expect(error.message).toContain(
      "player.name [column-removed]: column 'name' (string) is gone from the module",
    );
    expect(error.details).toMatchObject({ fromVersion: 2, toVersion: 3 });
    expect(tree(dir)).toEqual(before);
  });

  it('a migration that throws or produces invalid rows leaves the directory untouched', async () => {
    const dir = tempDir('schema-migrate-');
    await version1(dir);
    await (await open(dir, gameV2)).close();
    const before = tree(dir);
    const thrown = (await open(dir, gameV3Throws).catch((e: unknown) => e)) as TickspaceError;
    expect(thrown.code).toBe('MIGRATION_FAILED');
    expect(thrown.message).toBe(
      "the migration to schema version 3 threw converting table 'player' row (2): bob cannot be converted",
    );
    expect(tree(dir)).toEqual(before);
    const bad = (await open(dir, gameV3BadRows).catch((e: unknown) => e)) as TickspaceError;
    expect(bad.code).toBe('MIGRATION_FAILED');
    expect(bad.message).toMatch(
      /the migration to schema version 3 produced a row that does not fit table 'player' \(key 1\): .*1/,
    );
    expect(tree(dir)).toEqual(before);
    // The directory still opens with the module it was written with.
    const still = await open(dir, gameV2);
    expect(still.migration).toBeUndefined();
    expect(still.engine.tick).toBe(6);
    await still.close();
  });

  it('a declared migration converts renamed and retyped columns, one version at a time', async () => {
    const dir = tempDir('schema-migrate-');
    await version1(dir);
    const skip = (await open(dir, gameV3).catch((e: unknown) => e)) as TickspaceError;
    expect(skip.code).toBe('SCHEMA_MISMATCH');
    expect(skip.message).toMatch(
      /declares schema version 3, but .* is at version 1: a module migrates a directory one version at a time/,
    );
    await (await open(dir, gameV2)).close();
    const db = (await open(dir, gameV3, {
      olderModules: [gameV1, gameV2],
    })) as unknown as Database<ModuleDef>;
    expect(db.migration).toMatchObject({ fromVersion: 2, toVersion: 3, tick: 7 });
    expect(db.engine.tables.player!.find(1)).toEqual({
      id: 1,
      nick: 'alice',
      hp: 930,
      level: 1,
      title: undefined,
    });
    expect(db.engine.tables.player!.find(2)).toMatchObject({ nick: 'bob', hp: 970 });
    db.engine.enqueue(bob, 'hurt', { id: 2, by: 100_000 });
    await tick(db);
    expect(db.engine.tables.player!.find(2)).toMatchObject({ hp: 0 });
    expect(await db.replay(1)).toMatchObject({ ok: true, verifiedTicks: 8 });
    expect((await db.asOf(6)).tables.player!.find(1)).toMatchObject({ name: 'alice', hp: 93 });
    expect((await db.asOf(5)).tables.player!.find(1)).toEqual({ id: 1, name: 'alice', hp: 93 });
    await db.close();
    const reopened = await open(dir, gameV3);
    expect(reopened.migration).toBeUndefined();
    await reopened.close();
  });
});

describe('a migration interrupted between the manifest and its tick', () => {
  it('is forgotten on the next open and planned again', async () => {
    const dir = tempDir('schema-migrate-');
    await version1(dir);
    const file = path.join(dir, 'tickspace.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const v2 = (await import('../../src/engine/tooling')).describeModule(gameV2);
    // What a crash right after the manifest was written leaves: version 2 from tick 6, no tick 6.
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...manifest,
        schema: v2,
        schemaVersions: [
          { version: 1, fromTick: 0, schema: manifest.schema, reshaped: [] },
          { version: 2, fromTick: 6, schema: v2, reshaped: ['player'] },
        ],
      }),
    );
    const back = await open(dir, gameV1);
    expect(back.migration).toBeUndefined();
    expect(back.engine.tick).toBe(5);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).schemaVersions).toHaveLength(1);
    await back.close();
    const db = await open(dir, gameV2);
    expect(db.migration).toMatchObject({ fromVersion: 1, toVersion: 2, tick: 6 });
    await db.close();
  });
});

describe('snapshots across a migration', () => {
  it('a snapshot whose header names another schema version than the manifest gives its tick is passed over', async () => {
    const { crc32c } = await import('../../src/engine/tooling');
    const dir = tempDir('schema-migrate-');
    await version1(dir);
    const db = (await open(dir, gameV2)) as unknown as Database<ModuleDef>;
    await tick(db, [['levelUp', { id: 1 }]]);
    await db.snapshot();
    await db.close();
    const file = path.join(dir, 'snapshots', '00000000000000000007.tssnap');
    const bytes = new Uint8Array(fs.readFileSync(file));
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(12, true)).toBe(2);
    view.setUint32(12, 1, true); // claims version 1, checksums made consistent again
    view.setUint32(36, crc32c(bytes, 0, 0, 36), true);
    const end = bytes.length - 12;
    view.setUint32(end, crc32c(bytes, 0, 0, end), true);
    fs.writeFileSync(file, bytes);
    const again = await open(dir, gameV2);
    expect(again.recovery.snapshot).toMatchObject({ tick: 3 });
    expect(again.recovery.skippedSnapshots[0]!.reason).toMatch(
      /holds schema version 1, but the manifest says tick 7 is version 2/,
    );
    expect(again.engine.tables.player!.find(1)).toMatchObject({ level: 2 });
    await again.close();
  });
});

describe('snapshot format 1', () => {
  it('is still read (its schema version follows from the manifest)', async () => {
    const { crc32c, decodeSnapshotHeader: header } = await import('../../src/engine/tooling');
    const dir = tempDir('schema-migrate-');
    await version1(dir);
    const file = path.join(dir, 'snapshots', '00000000000000000003.tssnap');
    const bytes = new Uint8Array(fs.readFileSync(file));
    const view = new DataView(bytes.buffer);
    view.setUint32(8, 1, true); // what a build before schema versions wrote: format 1, flags 0
    view.setUint32(12, 0, true);
    view.setUint32(36, crc32c(bytes, 0, 0, 36), true);
    const end = bytes.length - 12;
    view.setUint32(end, crc32c(bytes, 0, 0, end), true);
    fs.writeFileSync(file, bytes);
    expect(header(file, bytes)).toMatchObject({ formatVersion: 1, schemaVersion: undefined, tick: 3 });
    const db = await open(dir, gameV2);
    expect(db.recovery).toMatchObject({ snapshot: { tick: 3 }, skippedSnapshots: [] });
    expect((await db.asOf(4)).tables.player!.find(1)).toEqual({ id: 1, name: 'alice', hp: 93 });
    await db.close();
  });
});
