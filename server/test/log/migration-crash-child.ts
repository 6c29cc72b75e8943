/**
 * The process the migration crash test SIGKILLs: opens a data directory with version 1 of the
 * migration fixture game, plays three ticks, publishes version 2 (an additive migration, recorded
 * by a manifest written off the tick), runs the boundary tick and kills itself at the moment it
 * was told: `sync` (right after the boundary tick returned, before any I/O callback ran), a delay
 * in ms (ticking on meanwhile), or `durable` (once the boundary tick is durable).
 *
 * Usage: node migration-crash-child.mjs <dir> <sync|ms|durable>
 *   stdout: {"boundary":N} before the boundary tick, {"durable":N} in `durable` mode
 */
import { openDatabase, publishModule } from '../../src/engine/tooling';
import { alice } from '../engine/fixtures';
import { gameV1, gameV2 } from '../migration/fixtures';

const [dir, when = 'sync'] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: migration-crash-child <dir> <sync|ms|durable>\n');
  process.exit(2);
}
const out = (line: unknown) => process.stdout.write(JSON.stringify(line) + '\n');
const die = () => process.kill(process.pid, 'SIGKILL');

const db = await openDatabase({ dir, module: gameV1, seed: 'crash', tickMs: 4, durability: 'tick' });
const e = db.engine;
for (let i = 0; i < 3; i++) {
  e.enqueue(alice, 'join', { name: `p${i}` });
  e.runTick();
  await e.flush();
}
publishModule(db, { module: gameV2, payload: {} });
out({ boundary: e.tick + 1 });
e.enqueue(alice, 'hurt', { id: 1, by: 1 });
e.runTick();
if (when === 'sync') die();
if (when === 'durable') {
  await e.flush();
  out({ durable: e.tick });
  die();
}
setTimeout(die, Number(when));
for (;;) {
  e.enqueue(alice, 'hurt', { id: 1, by: 1 });
  e.runTick();
  await e.flush();
}
