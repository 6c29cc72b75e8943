// Handoff latency and rate between two region engines (fsynced logs on disk, 20 Hz ticks), over a
// real nats-server (JetStream), against the in-process fabric as the baseline in the same run.
// Run: npx tsx server/bench/regions-handoff.ts [players=200] [seconds=8]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_IDENTITY } from '../src/engine';
import { openDatabase } from '../src/engine/tooling';
import { createJetStreamFabric, createMemoryFabric, startNatsServer, type Fabric } from '../src/fabric';
import { HandoffRelay } from '../src/regions';
import { regionModule } from '../test/regions/region-fixture';
import { percentile, report, type Figure } from './harness';

const PLAYERS = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 8);
const quiet = { error: () => {}, warn: () => {} };

interface Result {
  arrive: number[];
  complete: number[];
  handoffs: number;
  tickP99: number;
}

async function run(label: string, fabricFor: (region: string) => Promise<Fabric>): Promise<Result> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `tickspace-bench-${label}-`));
  const names = ['west', 'east'] as const;
  const regions = [];
  for (const name of names) {
    const db = await openDatabase({ dir: path.join(root, name), module: regionModule(name), logger: quiet });
    const fabric = await fabricFor(name);
    const relay = new HandoffRelay({
      engine: db.engine,
      fabric,
      region: name,
      republishMs: 1_000,
      logger: quiet,
    });
    regions.push({ name, db, fabric, relay });
  }
  const [west, east] = regions as [(typeof regions)[0], (typeof regions)[0]];
  for (let i = 0; i < PLAYERS; i++)
    void west.db.engine.call(SERVER_IDENTITY, 'spawn', { id: `p${i}`, items: 3, qty: 1 });
  for (const r of regions) await r.relay.start();
  for (const r of regions) r.db.engine.start();
  const sentAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const result: Result = { arrive: [], complete: [], handoffs: 0, tickP99: 0 };
  const ticks: number[] = [];
  let moving = true;
  for (const r of regions) {
    const other = r === west ? east : west;
    r.db.engine.onTick((record) => {
      ticks.push(record.durationMs);
      const now = performance.now();
      for (const p of r.db.engine.db.player.iter()) {
        const sent = sentAt.get(p.id);
        if (sent !== undefined && !arrivedAt.has(p.id)) {
          arrivedAt.set(p.id, now);
          result.arrive.push(now - sent);
        }
      }
      // A handoff is complete once no outbox holds the entity any more (the answer was applied).
      for (const id of arrivedAt.keys()) {
        if (west.db.engine.db.ts_outbox.filter('entity', id).length > 0) continue;
        if (east.db.engine.db.ts_outbox.filter('entity', id).length > 0) continue;
        result.complete.push(now - sentAt.get(id)!);
        result.handoffs++;
        sentAt.delete(id);
        arrivedAt.delete(id);
      }
      if (!moving) return;
      for (const p of r.db.engine.db.player.iter()) {
        if (sentAt.has(p.id)) continue;
        sentAt.set(p.id, performance.now());
        void r.db.engine.call(SERVER_IDENTITY, 'handoff_out', { entity: p.id, to: other.name });
      }
    });
  }
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  moving = false;
  for (const r of regions) {
    await r.relay.stop();
    await r.db.engine.stop();
    await r.fabric.close();
    await r.db.close();
  }
  result.tickP99 = percentile(ticks, 0.99);
  fs.rmSync(root, { recursive: true, force: true });
  return result;
}

const storeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-bench-nats-'));
const broker = await startNatsServer({ storeDir: path.join(storeRoot, 'store') });
try {
  const memory = createMemoryFabric();
  const base = await run('memory', async () => ({ ...memoryFacade(memory) }));
  const js = await run('jetstream', (name) => createJetStreamFabric({ servers: broker.url, name }));
  const figures: Figure[] = [];
  for (const [label, r] of [
    ['memory', base],
    ['jetstream', js],
  ] as const) {
    figures.push(
      { name: `${label}: handoffs completed per second`, value: r.handoffs / SECONDS, unit: 'handoffs/s' },
      { name: `${label}: arrival latency p50`, value: percentile(r.arrive, 0.5), unit: 'ms' },
      { name: `${label}: arrival latency p99`, value: percentile(r.arrive, 0.99), unit: 'ms' },
      { name: `${label}: complete (outbox row gone) p50`, value: percentile(r.complete, 0.5), unit: 'ms' },
      { name: `${label}: complete p99`, value: percentile(r.complete, 0.99), unit: 'ms' },
      { name: `${label}: region tick p99 (calls only)`, value: r.tickP99, unit: 'ms' },
    );
  }
  figures.push({
    name: 'jetstream arrival p50 against the in-process fabric',
    value: percentile(js.arrive, 0.5),
    unit: 'ms',
    ratio: percentile(js.arrive, 0.5) / percentile(base.arrive, 0.5),
    baseline: 'memory arrival p50',
  });
  report('regions-handoff', figures, { players: PLAYERS, seconds: SECONDS, tickMs: 50, durability: 'tick' });
} finally {
  await broker.stop();
  fs.rmSync(storeRoot, { recursive: true, force: true });
}

/** The in-process fabric shared by both regions; `close` is a no-op so one region's stop does not end the other's. */
function memoryFacade(memory: ReturnType<typeof createMemoryFabric>): Fabric {
  return {
    publish: (s, d, id) => memory.publish(s, d, id),
    consume: (o, h) => memory.consume(o, h),
    send: (s, d) => memory.send(s, d),
    subscribe: (s, h) => memory.subscribe(s, h),
    kv: (b) => memory.kv(b),
    close: async () => {},
  };
}
