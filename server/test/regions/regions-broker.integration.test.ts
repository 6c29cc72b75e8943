import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_IDENTITY } from '../../src/engine';
import { openDatabase, type Database } from '../../src/engine/tooling';
import { createJetStreamFabric, type Fabric } from '../../src/fabric';
import { HANDOFF_OUTCOME, HandoffRelay, decodePayload, openPlayerDirectory } from '../../src/regions';
import { onCleanup, startBroker, tempDir } from '../fabric/broker';
import { regionModule, type PlayerPayload } from './region-fixture';

type Module = ReturnType<typeof regionModule>;
interface Region {
  name: string;
  db: Database<Module>;
  fabric: Fabric;
  relay: HandoffRelay;
}

const PLAYERS = 24;
const quiet = { error: () => {}, warn: () => {} };

/** Every player once (tables, or an outbox row its receiver has not applied); items conserved. */
function ownership(regions: Region[]): { problems: string[]; qty: number } {
  const owners = new Map<string, number>();
  let qty = 0;
  for (const r of regions) {
    const db = r.db.engine.db;
    for (const p of db.player.iter()) owners.set(p.id, (owners.get(p.id) ?? 0) + 1);
    for (const item of db.item.iter()) qty += item.qty;
    for (const row of db.ts_outbox.iter()) {
      const other = regions.find((x) => x.name === row.to)!.db.engine.db;
      if (other.ts_inbox.find([r.name, row.id])?.outcome === HANDOFF_OUTCOME.APPLIED) continue;
      owners.set(row.entity, (owners.get(row.entity) ?? 0) + 1);
      for (const item of (decodePayload(row.payload) as unknown as PlayerPayload).items) qty += item.qty;
    }
  }
  const problems: string[] = [];
  for (let i = 0; i < PLAYERS; i++) {
    const n = owners.get(`p${i}`) ?? 0;
    if (n !== 1) problems.push(`p${i} owned ${n} times`);
  }
  return { problems, qty };
}

describe('two region engines with logs on disk, handing players back and forth through a real nats-server', () => {
  it('every player owned once and every item kept while the broker is killed, restarted on its store, and paused', async () => {
    const broker = await startBroker();
    const root = tempDir('tickspace-regions-');
    const regions: Region[] = [];
    for (const name of ['west', 'east']) {
      const db = await openDatabase({
        dir: path.join(root, name),
        module: regionModule(name),
        tickMs: 20,
        logger: quiet,
      });
      // One connection per region, as separate processes would have.
      const fabric = await createJetStreamFabric({
        servers: broker.url,
        name,
        requestTimeoutMs: 500,
        reconnectWaitMs: 50,
      });
      const directory = await openPlayerDirectory(fabric);
      const relay = new HandoffRelay({
        engine: db.engine,
        fabric,
        region: name,
        directory,
        republishMs: 200,
        ackWaitMs: 1_000,
        logger: quiet,
      });
      regions.push({ name, db, fabric, relay });
      onCleanup(async () => {
        await relay.stop();
        await db.engine.stop();
        await fabric.close();
        await db.close();
      });
    }
    const [west, east] = regions as [Region, Region];
    for (let i = 0; i < PLAYERS; i++)
      void west.db.engine.call(SERVER_IDENTITY, 'spawn', { id: `p${i}`, items: 2, qty: i + 1 });
    const totalQty = 2 * ((PLAYERS * (PLAYERS + 1)) / 2);
    for (const r of regions) await r.relay.start();
    for (const r of regions) r.db.engine.start();

    // Movers: every player that is home in a region is sent to the other, until enough trips ran.
    let moving = true;
    const asked = new Set<string>();
    const violations: string[] = [];
    for (const r of regions) {
      const other = r === west ? east : west;
      r.db.engine.onTick(() => {
        const { problems, qty } = ownership(regions);
        if (problems.length > 0 || qty !== totalQty)
          violations.push(`tick ${r.db.engine.tick}: ${problems.join(', ')} qty=${qty}`);
        if (!moving) return;
        for (const p of r.db.engine.db.player.iter()) {
          const key = `${r.name}:${p.id}`;
          if (asked.has(key)) continue;
          asked.add(key);
          void r.db.engine
            .call(SERVER_IDENTITY, 'handoff_out', { entity: p.id, to: other.name })
            .then(() => asked.delete(key));
        }
      });
    }
    const applied = () => west.relay.counts.applied + east.relay.counts.applied;
    /** Waits for ticks of west until `cond` holds (bounded). */
    const until = async (what: string, cond: () => boolean, maxTicks = 2_000) => {
      for (let i = 0; i < maxTicks; i++) {
        if (cond()) return;
        await west.db.engine.nextTick();
      }
      throw new Error(
        `${what}: not reached in ${maxTicks} ticks (applied ${applied()}; west outbox ${west.db.engine.db.ts_outbox.count()}, east outbox ${east.db.engine.db.ts_outbox.count()})`,
      );
    };

    await until('first handoffs', () => applied() >= PLAYERS);
    await broker.kill();
    const deadAt = applied();
    // Handoffs go on being requested while the broker is down: they wait in the outboxes.
    await until(
      'publishes failing while the broker is dead',
      () => west.relay.counts.publishFailures + east.relay.counts.publishFailures > 0,
    );
    await broker.restart();
    await until('handoffs after the restart', () => applied() >= deadAt + PLAYERS);
    await broker.pause();
    for (let i = 0; i < 10; i++) await west.db.engine.nextTick();
    broker.resume();
    const resumedAt = applied();
    await until('handoffs after the pause', () => applied() >= resumedAt + PLAYERS);

    moving = false;
    await until(
      'quiescence',
      () =>
        west.db.engine.db.ts_outbox.count() === 0 &&
        east.db.engine.db.ts_outbox.count() === 0 &&
        asked.size === 0,
    );
    expect(violations).toEqual([]);
    const final = ownership(regions);
    expect(final.problems).toEqual([]);
    expect(final.qty).toBe(totalQty);
    expect(applied()).toBeGreaterThanOrEqual(3 * PLAYERS);

    // The directory names each player's region.
    const directory = await openPlayerDirectory(west.fabric);
    for (const r of regions)
      for (const p of r.db.engine.db.player.iter()) {
        const entry = await directory.find(p.id);
        if (entry !== undefined) expect(entry.region, p.id).toBe(r.name);
      }
    // Each region's log replays to the same states.
    for (const r of regions) {
      await r.relay.stop();
      await r.db.engine.stop();
      const report = await r.db.replay();
      expect(report.ok, `${r.name} replay`).toBe(true);
    }
  });
});
