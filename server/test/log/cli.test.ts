import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli';
import { retentionFromFlags } from '../../src/cli/retention-flags';
import { drive, openBank, segmentFiles, snapshotFiles, tempDir } from './helpers';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures.ts');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err, text: out.join('\n'), error: err.join('\n') };
}

async function dataDir(ticks = 25) {
  const dir = tempDir();
  const db = await openBank(dir, { modulePath: `${fixtures}#bank`, snapshotEveryTicks: 10 });
  const hashes = await drive(db, ticks);
  await db.snapshotsSettled();
  await db.close();
  return { dir, hashes };
}

describe('tickspace CLI', () => {
  it('info summarizes a data directory', async () => {
    const { dir, hashes } = await dataDir();
    const r = await cli('--data', dir, 'info');
    expect(r.status).toBe(0);
    expect(r.text).toContain('tables: account, entity, counter, membership');
    expect(r.text).toContain(`ticks 0..25, state hash ${hashes.get(25)}`);
    const json = JSON.parse((await cli('-d', dir, 'info', '--json')).text) as {
      retainedTicks: { last: number };
      modulePath: string;
    };
    expect(json.retainedTicks.last).toBe(25);
    expect(json.modulePath).toBe(`${fixtures}#bank`);
  });

  it('log lists ticks, calls with arguments and outcomes, and row changes', async () => {
    const { dir, hashes } = await dataDir();
    const r = await cli('-d', dir, 'log', '--from', '11', '--to', '11', '--changes');
    expect(r.status).toBe(0);
    expect(r.out[0]).toMatch(
      new RegExp(`^tick 11 @550ms hash ${hashes.get(11)} \\| 3 call\\(s\\), 3 change\\(s\\)`),
    );
    expect(r.out[1]).toBe('  [0] client   transfer {from: 2, to: 1, amount: 4n} from aaaaaaaa… -> ok');
    expect(r.out[3]).toBe(
      "  [2] client   crash {after: 2} from aaaaaaaa… -> INTERNAL: reducer 'crash' failed with a server error",
    );
    expect(r.text).toContain('insert entity {id: 10, kind: "rock"');
    const lines = (await cli('-d', dir, 'log', '--json')).out;
    expect(lines).toHaveLength(20);
    expect(JSON.parse(lines[19]!)).toMatchObject({ tick: 25, stateHash: hashes.get(25) });
    expect((await cli('-d', dir, 'log', '--from', '999')).text).toBe(
      'no ticks in 999..25 (the log holds 1..25)',
    );
  });

  it('inspect reads a table as of a tick, with filters', async () => {
    const { dir } = await dataDir();
    const r = await cli('-d', dir, 'inspect', '--as-of', '12', 'entity', 'kind=tree', 'x>=6');
    expect(r.status).toBe(0);
    expect(r.out[0]).toMatch(/^entity as of tick 12 \(state hash [0-9a-f]{16}\): 3 of 11 row\(s\)$/);
    expect(r.out.slice(1).map((l) => /x: (\d+)/.exec(l)![1])).toEqual(['6', '9', '12']);
    const bad = await cli('-d', dir, 'inspect', 'entity', 'size>3');
    expect(bad.status).toBe(2);
    expect(bad.error).toMatch(/^error \[INVALID_ARGUMENT\]: table 'entity' has no column 'size'/);
    expect((await cli('-d', dir, 'inspect', '--as-of', '99', 'entity')).error).toMatch(
      /^error \[TICK_OUT_OF_RANGE\]: tick 99 is outside the retained history 0\.\.25/,
    );
  });

  it('history shows each version with its call and sender', async () => {
    const { dir } = await dataDir(4);
    const r = await cli('-d', dir, 'history', 'account', '2');
    expect(r.out).toEqual([
      `tick 1 @50ms insert   {id: 2, owner: "${'b'.repeat(32)}", name: "bob", balance: 10n, level: 1} by client call 3 'open' from ${'b'.repeat(32)}`,
      `tick 2 @100ms update   {id: 2, owner: "${'b'.repeat(32)}", name: "bob", balance: 12n, level: 1} by client call 0 'transfer' from ${'a'.repeat(32)}`,
      `tick 3 @150ms update   {id: 2, owner: "${'b'.repeat(32)}", name: "bob", balance: 9n, level: 1} by client call 0 'transfer' from ${'a'.repeat(32)}`,
      `tick 4 @200ms update   {id: 2, owner: "${'b'.repeat(32)}", name: "bob", balance: 13n, level: 1} by client call 0 'transfer' from ${'a'.repeat(32)}`,
    ]);
    expect((await cli('-d', dir, 'history', 'membership', '1')).error).toMatch(
      /the key has 2 columns \(group, member\), got 1 value/,
    );
    expect((await cli('-d', dir, 'history', 'account', 'x')).error).toMatch(
      /'id' expects a number \(u32\), got "x"/,
    );
    const broken = await cli('-d', dir, 'history', 'membership', '[1,');
    expect(broken.status).toBe(2);
    expect(broken.error).toMatch(
      /^error \[INVALID_ARGUMENT\]: the key "\[1," starts with '\[' but is not a JSON array/,
    );
    expect((await cli('-d', dir, 'history', 'membership', '[{"a":1}')).status).toBe(2);
  });

  it('takes ticks as decimal digits only: an empty, spaced, hex or exponent tick is refused before anything is read or written', async () => {
    const { dir } = await dataDir(5);
    for (const text of ['', ' 3', '3 ', '0x3', '3e0', '3.0', '-1', '+3', '9007199254740993'])
      for (const argv of [
        ['rewind', text],
        ['log', '--from', text],
        ['inspect', 'account', '--as-of', text],
        ['replay', text],
      ]) {
        const r = await cli('-d', dir, ...argv);
        expect({ argv, status: r.status, error: r.error }).toMatchObject({
          argv,
          status: 2,
          error: expect.stringMatching(/^error \[INVALID_ARGUMENT\]: .* must be a non-negative integer/),
        });
      }
    expect((await cli('-d', dir, 'info', '--json')).text).toMatch(/"retainedTicks":\{"first":0,"last":5\}/);
  });

  it('replay verifies the log with the recorded module; rewind rolls back as a new tick that replays', async () => {
    const { dir, hashes } = await dataDir();
    const ok = await cli('-d', dir, 'replay');
    expect(ok.status).toBe(0);
    expect(ok.text).toMatch(/^replay 1\.\.25: all 25 tick\(s\) reproduced the log/);
    const rw = await cli('-d', dir, 'rewind', '5');
    expect(rw.status).toBe(0);
    expect(rw.out[0]).toMatch(/^rewound to tick 5 in new tick 26: \d+ inserted, \d+ updated, \d+ deleted/);
    expect(rw.out[1]).toBe('undo with: tickspace rewind 25');
    expect((await cli('-d', dir, 'inspect', 'account')).out.slice(1)).toEqual(
      (await cli('-d', dir, 'inspect', '--as-of', '5', 'account')).out.slice(1),
    );
    const undo = await cli('-d', dir, 'rewind', '25');
    expect(undo.status).toBe(0);
    for (const table of ['account', 'entity', 'counter'])
      expect((await cli('-d', dir, 'inspect', table)).out.slice(1)).toEqual(
        (await cli('-d', dir, 'inspect', '--as-of', '25', table)).out.slice(1),
      );
    expect((await cli('-d', dir, 'inspect', '--as-of', '25', 'account')).out[0]).toContain(
      `state hash ${hashes.get(25)}`,
    );
    expect((await cli('-d', dir, 'replay', '20')).text).toMatch(
      /^replay 20\.\.27: all 8 tick\(s\) reproduced the log/,
    );
  });

  it('replay exits 1 with the divergence when the module changed', async () => {
    const { dir } = await dataDir(6);
    const other = path.join(tempDir(), 'changed.ts');
    fs.writeFileSync(
      other,
      fs
        .readFileSync(fixtures, 'utf8')
        .replace(
          "from '../../src/engine'",
          `from ${JSON.stringify(path.resolve(path.dirname(fixtures), '../../src/engine'))}`,
        )
        .replace('balance: a.balance - amount', 'balance: a.balance - amount - 1n'),
    );
    const r = await cli('-d', dir, 'replay', '--module', `${other}#bank`);
    expect(r.status).toBe(1);
    expect(r.err[0]).toBe('replay 1..6: DIVERGED after 1 matching tick(s)');
    expect(r.err[1]).toMatch(
      /^ {2}tick 2 change 0 \(table 'account', call 0 'transfer'\): the log has update into 'account' .*"balance":"998n".*the replay produced update into 'account' .*"balance":"997n"/,
    );
  });

  it('snapshot and repair work offline; repair cuts at damage', async () => {
    const { dir } = await dataDir(12);
    expect((await cli('-d', dir, 'snapshot')).text).toMatch(/^snapshot of tick 12: \d+ rows, \d+ bytes/);
    expect((await cli('-d', dir, 'repair')).text).toBe(
      'nothing to repair: the log is intact through tick 12',
    );
    const file = segmentFiles(dir)[0]!;
    const bytes = fs.readFileSync(file);
    bytes[200]! ^= 1;
    fs.writeFileSync(file, bytes);
    const refused = await cli('-d', dir, 'info');
    expect(refused.status).toBe(2);
    expect(refused.error).toMatch(
      /^error \[CORRUPT_LOG\]: commit log is corrupt in log\/0+1\.tslog at byte \d+ \(the record for tick 1\): checksum mismatch, yet an intact record follows/,
    );
    const dry = await cli('-d', dir, 'repair', '--dry-run');
    expect(dry.out.at(-1)).toBe('the log would end at tick 0');
    const done = await cli('-d', dir, 'repair');
    expect(done.text).toMatch(/did cut .*0+1\.tslog at byte 32 \(checksum mismatch/);
    expect(done.text).toMatch(/did move .*snapshots\/0+10\.tssnap: newer than the log, which ends at tick 0/);
    expect((await cli('-d', dir, 'info')).status).toBe(0);
  });

  it('says precisely what is wrong with a missing or foreign data directory', async () => {
    const root = tempDir();
    let r = await cli('-d', path.join(root, 'missing'), 'log');
    expect(r.status).toBe(2);
    expect(r.error).toBe(`error [BAD_DATA_DIR]: no data directory at ${path.join(root, 'missing')}`);
    r = await cli('-d', root, 'inspect', 'account');
    expect(r.error).toBe(
      `error [BAD_DATA_DIR]: ${root} is not a Tickspace data directory: it has no tickspace.json`,
    );
    const { dir } = await dataDir(2);
    const manifest = path.join(dir, 'tickspace.json');
    fs.writeFileSync(
      manifest,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(manifest, 'utf8')), modulePath: undefined }),
    );
    expect((await cli('-d', dir, 'replay')).error).toMatch(
      /this command runs reducers: pass --module <file\.ts\[#export\]>/,
    );
    expect((await cli('-d', dir, 'nonsense')).status).toBe(2);
  });

  it('info shows disk use and the oldest retained tick; time travel before it is HISTORY_PRUNED in every command', async () => {
    const dir = tempDir();
    const db = await openBank(dir, {
      modulePath: `${fixtures}#bank`,
      segmentBytes: 1024,
      retention: { ticks: 20 },
    });
    for (let i = 0; i < 8; i++) {
      await drive(db, 10);
      await db.snapshot();
    }
    await db.close();
    const size = (files: string[]) => files.reduce((n, f) => n + fs.statSync(f).size, 0);
    const [segs, snaps] = [size(segmentFiles(dir)), size(snapshotFiles(dir))];
    const info = await cli('-d', dir, 'info');
    expect(info.text).toContain('ticks 60..80');
    expect(info.text).toContain('oldest retained tick 60 (older history was removed by a retention policy)');
    expect(info.text).toContain(`disk: ${segs + snaps} bytes (`);
    expect(info.text).toContain(
      `log ${segs} bytes in ${segmentFiles(dir).length} segment(s), snapshots ${snaps} bytes`,
    );
    const json = JSON.parse((await cli('-d', dir, 'info', '--json')).text) as Record<string, unknown>;
    expect(json).toMatchObject({
      oldestRetainedTick: 60,
      historyPruned: true,
      diskBytes: segs + snaps,
      logBytes: segs,
      snapshotBytes: snaps,
    });
    const pruned = (tick: number, what = 'tick') =>
      `error [HISTORY_PRUNED]: ${what} ${tick} is older than the oldest retained tick 60 (older history was removed by a retention policy)`;
    expect((await cli('-d', dir, 'inspect', '--as-of', '10', 'entity')).error).toBe(pruned(10));
    expect((await cli('-d', dir, 'history', 'account', '1', '--from', '10')).error).toBe(
      pruned(10, 'history from tick'),
    );
    expect((await cli('-d', dir, 'replay', '5')).error).toBe(pruned(4));
    expect((await cli('-d', dir, 'replay')).text).toMatch(
      /^replay 61\.\.80: all 20 tick\(s\) reproduced the log/,
    );
    const rewind = await cli('-d', dir, 'rewind', '59');
    expect(rewind.status).toBe(2);
    expect(rewind.error).toBe(pruned(59));
    expect((await cli('-d', dir, 'inspect', '--as-of', '60', 'entity')).status).toBe(0);
  });

  it('serve reads its retention policy from flags or the environment, refusing anything but whole numbers', () => {
    expect(retentionFromFlags({}, {})).toBeUndefined();
    expect(retentionFromFlags({ retainTicks: '72000' }, {})).toEqual({ ticks: 72000 });
    expect(retentionFromFlags({ retainBytes: '512MiB' }, { TICKSPACE_RETAIN_TICKS: '100' })).toEqual({
      ticks: 100,
      bytes: 512 * 1024 * 1024,
    });
    expect(
      retentionFromFlags(
        { retainTicks: '5' },
        { TICKSPACE_RETAIN_TICKS: '100', TICKSPACE_RETAIN_BYTES: '2048' },
      ),
    ).toEqual({ ticks: 5, bytes: 2048 });
    expect(() => retentionFromFlags({ retainTicks: '-5' }, {})).toThrow(
      `--retain-ticks must be a whole number of ticks >= 0, got "-5"`,
    );
    expect(() => retentionFromFlags({ retainTicks: '1.5' }, {})).toThrow(
      /--retain-ticks must be a whole number/,
    );
    expect(() => retentionFromFlags({ retainTicks: '10MiB' }, {})).toThrow(
      /--retain-ticks must be a whole number of ticks/,
    );
    expect(() => retentionFromFlags({}, { TICKSPACE_RETAIN_BYTES: 'lots' })).toThrow(
      `$TICKSPACE_RETAIN_BYTES must be a whole number of bytes (optionally with KiB, MiB, GiB or TiB) >= 0, got "lots"`,
    );
  });
});
