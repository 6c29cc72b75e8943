/**
 * Bytes on the wire per moving-entity update, and per client per second, for a client that follows
 * an entity and sees about 60 moving entities. Baselines measured in the same run: the same
 * updates sent as whole binary rows, and as JSON objects with field names (a naive protocol).
 *
 * Run: npx tsx server/bench/net-bytes.bench.ts
 */
import { createEngine } from '../src/engine';
import { createSubscriptions } from '../src/engine/tooling';
import { BinaryWriter, decodeServerMessage, type SectionVisitor } from '../src/protocol';
import { report, type Figure } from './harness';
import { benchWorld, populate, SERVER } from './net-bench-world';

const ENTITIES = 2_000;
const SIDE = 1_000;
const SPEED = 0.5; // units per tick, at most: 10 units/s at 20 Hz
const RADIUS = 98; // ~60 entities visible at this density
const CLIENTS = 20;
const TICKS = 400;
const TICK_HZ = 20;

interface Tally {
  frames: number;
  frameBytes: number;
  updates: number;
  inserts: number;
  deletes: number;
  visibleSum: number;
  fullRowBytes: number;
  jsonBytes: number;
}

function measure(table: 'mover' | 'moverFixed'): Tally {
  const { module } = benchWorld(ENTITIES, SIDE, SPEED);
  const engine = createEngine({ module, seed: 'bytes' });
  populate(engine);
  const subs = createSubscriptions(engine);
  const tally: Tally = {
    frames: 0,
    frameBytes: 0,
    updates: 0,
    inserts: 0,
    deletes: 0,
    visibleSum: 0,
    fullRowBytes: 0,
    jsonBytes: 0,
  };
  const scale = table === 'moverFixed' ? 100 : 1;
  const rowWriter = new BinaryWriter();
  const caches: Map<unknown, Record<string, unknown>>[] = [];
  // Counting starts after a warm-up, once every client holds its initial rows.
  let counting = false;
  for (let c = 0; c < CLIENTS; c++) {
    const cache = new Map<unknown, Record<string, unknown>>();
    caches.push(cache);
    const visitor: SectionVisitor = {
      delete: (_t, key) => {
        cache.delete(key);
        if (counting) tally.deletes++;
      },
      insert: (t, row) => {
        cache.set(t.key.of(row), row);
        if (counting) tally.inserts++;
      },
      update: (t, key, reader) => {
        const old = cache.get(key)!;
        const row = t.update.decode(reader, old)!;
        cache.set(key, row);
        if (!counting) return;
        tally.updates++;
        rowWriter.reset();
        t.row.encode(rowWriter, row);
        tally.fullRowBytes += rowWriter.length;
        tally.jsonBytes += JSON.stringify(row).length;
      },
      reset: () => {},
    };
    const schema = subs.schema.wire;
    const handle = subs.addClient(SERVER, {
      bufferedAmount: 0,
      send: (frame) => {
        const msg = decodeServerMessage(frame, schema, visitor);
        if (msg.type === 'tick' && counting) {
          tally.frames++;
          tally.frameBytes += frame.length;
        }
      },
    });
    subs.subscribe(handle, 1, {
      table,
      follow: { table, key: c * 97, radius: RADIUS * scale, exitRadius: RADIUS * scale * 1.1 },
    });
  }
  for (let i = 0; i < TICKS; i++) {
    if (i === 20) counting = true;
    engine.enqueue(SERVER, 'step', { fixed: table === 'moverFixed', float: table === 'mover' });
    engine.runTick();
    if (i >= 20) for (const cache of caches) tally.visibleSum += cache.size;
  }
  return tally;
}

const figures: Figure[] = [];
const extra: Record<string, unknown> = {
  entities: ENTITIES,
  side: SIDE,
  maxSpeedPerTick: SPEED,
  radius: RADIUS,
  clients: CLIENTS,
  ticks: TICKS - 20,
};
for (const [label, table] of [
  ['f32 positions', 'mover'],
  ['i32 fixed-point positions', 'moverFixed'],
] as const) {
  const t = measure(table);
  const ticks = TICKS - 20;
  const seconds = ticks / TICK_HZ;
  const visible = t.visibleSum / (ticks * CLIENTS);
  const perUpdate = t.frameBytes / t.updates;
  figures.push(
    { name: `${label}: visible entities per client (mean)`, value: visible, unit: 'rows' },
    {
      name: `${label}: wire bytes per moving-entity update (all frame bytes / updates)`,
      value: perUpdate,
      unit: 'B',
    },
    {
      name: `${label}: whole binary row per update (baseline)`,
      value: t.fullRowBytes / t.updates,
      unit: 'B',
      ratio: t.fullRowBytes / t.frameBytes,
      baseline: 'delta frames',
    },
    {
      name: `${label}: JSON object per update (naive baseline)`,
      value: t.jsonBytes / t.updates,
      unit: 'B',
      ratio: t.jsonBytes / t.frameBytes,
      baseline: 'delta frames',
    },
    { name: `${label}: bytes per client per second`, value: t.frameBytes / CLIENTS / seconds, unit: 'B/s' },
    {
      name: `${label}: bytes per client per second at 60 visible (scaled)`,
      value: ((t.frameBytes / CLIENTS / seconds) * 60) / visible,
      unit: 'B/s',
    },
    {
      name: `${label}: enters + leaves per client per second`,
      value: (t.inserts + t.deletes) / CLIENTS / seconds,
      unit: '/s',
    },
  );
  extra[table] = t;
}
report('net-bytes', figures, extra);
