/**
 * The process the crash tests SIGKILL: opens (and so recovers) a data directory with the bank
 * module, prints one JSON line when ready and one per tick once that tick is durable, and ticks
 * as fast as the tick loop allows until it is killed.
 *
 * Usage: node crash-child.mjs <dir> [segmentBytes] [snapshotEveryTicks] [retainTicks]
 *   with CRASH_CHILD_WAIT=1 it first waits for a line on stdin (pre-started by the harness)
 *   stdout: {"ready":true,"tick":N,"hash":"...","cut":...}
 *           {"tick":N,"hash":"...","file":"...","end":BYTES}   (after the tick's fsync)
 */
import { openDatabase } from '../../src/engine/tooling';
import type { TickRecord } from '../../src/engine';
import { alice, bank, bob } from '../engine/fixtures';

const [dir, segmentBytes = '4096', snapshotEveryTicks = '25', retainTicks] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: crash-child <dir> [segmentBytes] [snapshotEveryTicks] [retainTicks]\n');
  process.exit(2);
}

// Started ahead of time by the harness (process start-up is the slow part): wait for the go line.
if (process.env.CRASH_CHILD_WAIT === '1')
  await new Promise<void>((resolve) => {
    process.stdin.once('data', () => resolve());
    process.stdin.once('end', () => process.exit(0));
  });

const db = await openDatabase({
  dir,
  module: bank,
  seed: 'crash',
  tickMs: 4,
  durability: 'tick',
  segmentBytes: Number(segmentBytes),
  snapshotEveryTicks: Number(snapshotEveryTicks),
  ...(retainTicks === undefined ? {} : { retention: { ticks: Number(retainTicks) } }),
  logger: { error: () => {}, warn: () => {} },
});
const e = db.engine;
const out = (line: unknown) => process.stdout.write(JSON.stringify(line) + '\n');
out({
  ready: true,
  tick: e.tick,
  hash: e.stateHash,
  cut: db.recovery.cut ?? null,
  snapshot: db.recovery.snapshot?.tick ?? null,
});

// Where each tick's record ended (the database's own commit hook ran just before this one).
const ends = new Map<number, { file: string; end: number }>();
const queueFor = (tick: number) => {
  if (!e.db.account.has(1)) {
    e.enqueue(alice, 'open', { id: 1, name: 'alice', balance: 1_000_000n });
    e.enqueue(bob, 'open', { id: 2, name: 'bob', balance: 1_000n });
    e.connect(alice);
    return;
  }
  e.enqueue(alice, 'transfer', { from: tick % 2 ? 1 : 2, to: tick % 2 ? 2 : 1, amount: BigInt(tick % 13) });
  e.enqueue(bob, 'spawn', { kind: tick % 3 ? 'rock' : 'tree', x: tick % 97, y: tick % 89 });
  if (tick % 7 === 0) e.enqueue(bob, 'later', { inMs: 12, everyMs: 0 });
  if (tick % 17 === 0) e.enqueue(alice, 'crash', { after: 1 });
};
e.onCommit((record: TickRecord) => {
  const seg = db.store.segments[db.store.segments.length - 1]!;
  ends.set(record.tick, { file: seg.file, end: seg.validEnd });
  queueFor(record.tick + 1);
});
e.onTick((record) => {
  const at = ends.get(record.tick)!;
  ends.delete(record.tick);
  out({ tick: record.tick, hash: record.stateHash, file: at.file, end: at.end });
});
queueFor(e.tick + 1);
e.start();
