/**
 * The process the log-failure test runs under a file-size limit (`ulimit -f`): opens a data
 * directory with the bank module, prints one JSON line per tick once the tick is durable and its
 * results are out, and ticks until an append fails. It installs no error handler, so the failure
 * takes the process down the way `tickspace serve` goes down.
 *
 * Usage: node full-disk-child.mjs <dir>
 *   stdout: {"tick":N,"hash":"..."}   (tick N is durable and fanned out)
 *           {"result":N,"ok":true}          (a call of tick N got its result)
 */
import { openDatabase } from '../../src/engine/tooling';
import { alice, bank, bob } from '../engine/fixtures';

const [dir] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: full-disk-child <dir>\n');
  process.exit(2);
}

const db = await openDatabase({
  dir,
  module: bank,
  seed: 'full-disk',
  tickMs: 2,
  durability: 'tick',
  snapshotEveryTicks: 0,
  snapshotEveryBytes: 0,
  logger: { error: () => {}, warn: () => {} },
});
const e = db.engine;
const out = (line: unknown) => process.stdout.write(JSON.stringify(line) + '\n');
const deliver = (tick: number) => (result: { ok: boolean }) => out({ result: tick, ok: result.ok });
const queueFor = (tick: number) => {
  if (tick === 1) {
    e.enqueue(alice, 'open', { id: 1, name: 'alice', balance: 1_000_000n }, deliver(tick));
    e.enqueue(bob, 'open', { id: 2, name: 'bob', balance: 0n }, deliver(tick));
    return;
  }
  e.enqueue(alice, 'transfer', { from: 1, to: 2, amount: 1n }, deliver(tick));
  e.enqueue(bob, 'spawn', { kind: 'rock', x: tick % 97, y: tick % 89 }, deliver(tick));
};
e.onCommit((record) => queueFor(record.tick + 1));
e.onTick((record) => out({ tick: record.tick, hash: record.stateHash }));
queueFor(e.tick + 1);
e.start();
