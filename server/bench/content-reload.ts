/**
 * What a live content edit costs the running world: the tick that carries a `content_reload` (one
 * item renamed) against the plain ticks around it in the same run, with `players` walking players
 * and the chunks they generated; plus the host-side work before the call (read, validate, diff)
 * and the bytes the reload adds to the commit log.
 *
 *   npx tsx server/bench/content-reload.ts [players=500] [reloads=20]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_IDENTITY, toIdentity } from '../src/engine';
import { openDatabase } from '../src/engine/tooling';
import {
  contentTableRows,
  createFrontier,
  DEFAULT_CONTENT_DIR,
  diffContent,
  readContentSources,
  storedContentRows,
  validateContent,
} from '../src/world';
import { percentile, report } from './harness';
import { dirBytes } from './log-world';

const PLAYERS = Number(process.argv[2] ?? 500);
const RELOADS = Number(process.argv[3] ?? 20);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-reload-bench-'));
const quiet = { error: () => {}, warn: () => {} };

const frontier = await createFrontier({ seed: 'bench', worldTiles: 1024 });
const db = await openDatabase({
  dir,
  module: frontier.module,
  seed: 'bench',
  durability: 'never',
  logger: quiet,
});
const e = db.engine;
e.runTick();
for (let i = 0; i < PLAYERS; i++) {
  const id = toIdentity((i + 1).toString(16).padStart(32, '0'));
  e.connect(id);
  e.enqueue(id, 'join', { name: `p${i}` });
  e.enqueue(id, 'move', { dx: Math.cos(i), dy: Math.sin(i) });
}
for (let i = 0; i < 40; i++) e.runTick();

const sources = await readContentSources(DEFAULT_CONTENT_DIR);
const items = JSON.parse(sources['items.json']!) as { name: string }[];
const plain: number[] = [];
const reload: number[] = [];
const host: number[] = [];
const logBytes: number[] = [];
for (let r = 0; r < RELOADS; r++) {
  for (let i = 0; i < 10; i++) plain.push(e.runTick().durationMs);
  items[0]!.name = `Stick ${r}`;
  const edited = { ...sources, 'items.json': JSON.stringify(items, null, 2) };
  const started = performance.now();
  const result = validateContent(edited);
  diffContent(contentTableRows(e.db as never), storedContentRows(result.content!));
  host.push(performance.now() - started);
  e.enqueue(SERVER_IDENTITY, 'content_reload', { bundle: JSON.stringify(edited) });
  const before = dirBytes(dir);
  reload.push(e.runTick().durationMs);
  await e.flush();
  logBytes.push(dirBytes(dir) - before);
}
const p50 = (xs: number[]) => percentile(xs, 0.5);
report(
  'content-reload',
  [
    { name: `plain tick p50 (${PLAYERS} walking players)`, value: p50(plain), unit: 'ms' },
    {
      name: 'tick with a content_reload, p50',
      value: p50(reload),
      unit: 'ms',
      ratio: p50(reload) / p50(plain),
      baseline: 'plain tick p50',
    },
    {
      name: 'tick with a content_reload, max',
      value: Math.max(...reload),
      unit: 'ms',
      ratio: Math.max(...reload) / p50(plain),
      baseline: 'plain tick p50',
    },
    { name: 'host work before the call (read, validate, diff), p50', value: p50(host), unit: 'ms' },
    { name: 'log bytes of the reload tick, p50', value: p50(logBytes), unit: 'bytes' },
  ],
  { players: PLAYERS, reloads: RELOADS, contentBytes: JSON.stringify(sources).length },
);
await db.close();
fs.rmSync(dir, { recursive: true, force: true });
