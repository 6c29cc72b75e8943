import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type Connection } from '../../src/client';
import type { ReadonlyDb } from '../../src/engine';
import { openDatabase } from '../../src/engine/tooling';
import { createJetStreamFabric, DEFAULT_ACK_WAIT_MS } from '../../src/fabric';
import { createFrontierRegion } from '../../src/cli/frontier-region';
import { serveRegions, type RegionWorld } from '../../src/cli/serve-regions';
import { printRegionWorldInfo } from '../../src/cli/info-regions';
import { refuseRewindPastHandoff } from '../../src/cli/rewind-regions';
import { openPlayerDirectory, regionGrid, type GhostTables, type HandoffTables } from '../../src/regions';
import { startCutProxy, type CutProxy } from './cut-proxy';

/**
 * 24 by default (about a minute here). TICKSPACE_REGION_BOTS=200 runs the scale as an
 * opt-in heavy run (minutes on two cores: not in the default `npm test`).
 */
const BOTS = Number(process.env.TICKSPACE_REGION_BOTS ?? 24);
/** One fault per leg, in this order (see the test). */
const LEGS = 4;
const LEG_MS = 2_000;
/** The region whose broker link goes through the test's proxy. */
const CUT_REGION = 'r0_1';
const WORLD = { spec: '2x2', worldTiles: 512, seed: 'region-world', tickMs: 50 };
const quiet = { error: () => {}, warn: () => {} };
/** TICKSPACE_REGION_DEBUG=1 prints the world's lines, the legs and the quiescence polls with times. */
const debug = process.env.TICKSPACE_REGION_DEBUG
  ? (line: string) => console.error(new Date().toISOString(), line)
  : () => {};

let world: RegionWorld | undefined;
let proxy: CutProxy | undefined;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-region-world-'));
afterAll(async () => {
  world?.broker?.resume();
  proxy?.restore();
  await world?.stop();
  await proxy?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Resolves after `ms` of wall time: the bots' walking legs (a player's pace, not a synchronisation). */
const walkFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bot's own avatar in its client cache. */
const avatarOf = (conn: Connection<any>) =>
  (conn.db as unknown as { avatar: { find(k: string): { x: number; y: number } | undefined } }).avatar.find(
    conn.identity,
  );

/** Retries a call a region refused while it restarted or while its player was in transit. */
async function insist(conn: Connection<any>, reducer: string, args: Record<string, unknown>) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await conn.call(reducer, args);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 200 || !(code === 'DISCONNECTED' || code === 'NOT_HERE' || code === 'NOT_JOINED'))
        throw error;
      // The next tick this client hears: its region is back, or it has arrived.
      await new Promise<void>((resolve) => {
        const off = conn.onTick(() => {
          off();
          resolve();
        });
      });
    }
  }
}

describe('a 2x2 region world behind the gateway', () => {
  it(
    `${BOTS} bots walk across borders while regions are SIGKILLed (at a named handoff point and at random) and restarted, the broker is paused, killed and restarted on its store, and one region is cut off from it: every player owned once, outboxes empty, the directory matches, every log replays`,
    async () => {
      const lines: string[] = [];
      const cut = await startCutProxy();
      proxy = cut;
      world = await serveRegions({
        dataDir: root,
        ...WORLD,
        natsUrl: undefined,
        port: 0,
        host: '127.0.0.1',
        print: (line) => {
          lines.push(line);
          debug(line);
        },
        // Every bot leaves the spawn region first: it crashes with its fifth outbox row durable and unpublished.
        fault: 'r1_1=before_publish:5',
        // One region reaches the broker through the test's proxy, on every launch.
        regionNatsUrl: (name, url) => {
          if (name !== CUT_REGION) return url;
          cut.target(Number(new URL(url).port));
          return cut.url;
        },
      });
      expect(lines.join('\n')).toContain('no --nats given: started a local nats-server');
      const w = world;
      const broker = w.broker!;

      const closes: string[] = [];
      const bots = await Promise.all(
        Array.from({ length: BOTS }, async (_, i) => {
          const conn = (await connect({
            url: w.gatewayUrl,
            WebSocket: WebSocket as never,
          })) as Connection<any>;
          conn.onStatus((s) => {
            if (s === 'closed') closes.push(conn.identity);
          });
          await conn.call('join', { name: `bot${i}` });
          await conn.subscribe({
            table: 'avatar',
            follow: { table: 'avatar', key: conn.identity as never, radius: 12, exitRadius: 14 },
          }).applied;
          return { conn, angle: (2 * Math.PI * i) / BOTS };
        }),
      );
      const firstPids = w.pids();
      const firstBrokerPid = broker.pid;
      const linksBeforeCut = cut.links;
      /** The most handoffs in flight (outbox rows) the regions held at once while the broker was frozen. */
      let inFlightWhilePaused = 0;

      for (let leg = 0; leg < LEGS; leg++) {
        const sign = leg % 2 === 0 ? 1 : -1;
        await Promise.all(
          bots.map((b) =>
            insist(b.conn, 'move', {
              dx: Math.fround(sign * Math.cos(b.angle) * 0.99),
              dy: Math.fround(sign * Math.sin(b.angle) * 0.99),
            }),
          ),
        );
        debug(`leg ${leg}`);
        if (leg === 0) {
          // The spawn region's planned crash (its fifth handoff) comes first, and its restart: a
          // region cannot start while the broker is frozen, and the status below waits for every
          // region. Asked of the regions, a tick at a time.
          for (let i = 0; i < 400 && w.pids().r1_1 === firstPids.r1_1; i++) await w.status();
          await w.ready('r1_1');
          // The broker frozen (SIGSTOP): connections open, nothing answered. It is thawed once
          // handoffs are in flight (outbox rows the regions could not finish), asked of the regions.
          await broker.pause();
          await walkFor(LEG_MS);
          // The crash and restart above can take the whole leg: walkers already past their border
          // cross none while the broker is frozen. Then they turn round (calls reach their region
          // without the broker) until one crossing is held.
          for (let turn = 0; turn < 4 && inFlightWhilePaused === 0; turn++) {
            if (turn > 0) {
              const back = turn % 2 === 1 ? -1 : 1;
              await Promise.all(
                bots.map((b) =>
                  insist(b.conn, 'move', {
                    dx: Math.fround(back * Math.cos(b.angle) * 0.99),
                    dy: Math.fround(back * Math.sin(b.angle) * 0.99),
                  }),
                ),
              );
              await walkFor(LEG_MS);
            }
            for (let i = 0; i < 100 && inFlightWhilePaused === 0; i++)
              inFlightWhilePaused = (await w.status()).reduce((n, s) => n + s.outbox, 0);
          }
          broker.resume();
          continue;
        }
        if (leg === 1) process.kill(w.pids().r0_0!, 'SIGKILL');
        if (leg === 2) {
          // The broker SIGKILLed mid-walk and started again on its store (same port, same dir).
          await walkFor(LEG_MS / 2);
          await broker.kill();
          await walkFor(LEG_MS / 2);
          await broker.restart();
          continue;
        }
        if (leg === 3) {
          // One region cut off from the broker (every socket through the proxy destroyed, new
          // ones refused) for a leg, then let through again.
          cut.cut();
          await walkFor(LEG_MS);
          cut.restore();
          continue;
        }
        await walkFor(LEG_MS);
      }
      await Promise.all(bots.map((b) => insist(b.conn, 'move', { dx: 0, dy: 0 })));

      // Quiescence: asked of the regions themselves, each answer after a tick of theirs. A delivery
      // the killed region took and never acked comes back only after the consumer's ack wait (30 s),
      // but the sender's next republish (a new message id per attempt) finishes the handoff before.
      // The bound stays past that wait (a bound on the wait, not a synchronisation).
      debug('quiescence');
      const quietFrom = Date.now();
      const quietBy = quietFrom + DEFAULT_ACK_WAIT_MS + 30_000;
      let status = await w.status();
      while (Date.now() < quietBy) {
        const owners = status.flatMap((s) => s.players);
        if (status.every((s) => s.outbox === 0) && owners.length === BOTS && new Set(owners).size === BOTS)
          break;
        status = await w.status();
        debug(JSON.stringify(status.map((s) => [s.region, s.outbox, s.players.length, s.relay])));
      }
      const owner = new Map<string, string>();
      for (const s of status)
        for (const p of s.players) {
          expect(owner.has(p), `${p} owned by ${owner.get(p)} and ${s.region}`).toBe(false);
          owner.set(p, s.region);
        }
      expect(owner.size).toBe(BOTS);
      for (const s of status) expect(s.outbox, `${s.region}'s outbox`).toBe(0);
      // The walks did cross, and both kills happened and were recovered from.
      expect(new Set(owner.values()).size).toBeGreaterThan(1);
      const pids = w.pids();
      expect(pids.r1_1).not.toBe(firstPids.r1_1);
      expect(pids.r0_0).not.toBe(firstPids.r0_0);
      expect(lines.filter((l) => l.includes('exited')).length).toBeGreaterThanOrEqual(2);
      // The broker faults happened: handoffs were held while it was frozen, it is a new process on
      // the same port, and the cut region linked to it again through the proxy.
      expect(inFlightWhilePaused).toBeGreaterThan(0);
      expect(broker.pid).not.toBe(firstBrokerPid);
      expect(cut.links).toBeGreaterThan(linksBeforeCut);

      // The directory names each player's owner (a player who never left the spawn region has no entry).
      const fabric = await createJetStreamFabric({ servers: w.natsUrl, name: 'test' });
      const directory = await openPlayerDirectory(fabric);
      for (const [id, region] of owner) {
        const entry = await directory.find(id);
        expect(entry?.region ?? 'r1_1', id).toBe(region);
      }
      await fabric.close();

      // No client socket closed; each cache holds its own avatar, where its owner has it.
      expect(closes).toEqual([]);
      // The gateway followed players across borders and linked clients again to restarted regions.
      // Every player who ends outside the spawn region was followed at least once (how many crossings
      // the legs make depends on timing: the walk through a restarting region waits).
      const awayFromSpawn = [...owner.values()].filter((r) => r !== 'r1_1').length;
      expect(awayFromSpawn).toBeGreaterThan(0);
      expect(w.gatewayCounts.moves).toBeGreaterThanOrEqual(awayFromSpawn);
      expect(w.gatewayCounts.relinks).toBeGreaterThan(0);
      const missing = bots.filter((b) => avatarOf(b.conn) === undefined);
      // One line for the heavy run's report (what the assertions below would only show on failure).
      console.info(
        `[region-world] ${BOTS} bots: quiet after ${Date.now() - quietFrom} ms of waiting; owners ${owner.size}; gateway ${JSON.stringify(w.gatewayCounts)}; handoffs in flight while the broker was frozen: ${inFlightWhilePaused}; proxy links ${cut.links}; relays ${JSON.stringify(status.map((s) => [s.region, s.relay]))}; caches without their avatar: ${missing.length}`,
      );
      const describeBot = (b: (typeof bots)[number]) =>
        `${b.conn.identity} owned by ${owner.get(b.conn.identity)}, ${b.conn.status}, ${(b.conn.db as any).avatar.count()} avatar rows`;
      expect(missing.map(describeBot)).toEqual([]);
      const grid = regionGrid(WORLD.spec, WORLD.worldTiles, WORLD.worldTiles);
      for (const b of bots) {
        const a = avatarOf(b.conn)!;
        const region = owner.get(b.conn.identity)!;
        // Within the owner's rectangle, or at most the hysteresis past it.
        expect(
          grid.crossing(region, a.x, a.y, 4),
          `${b.conn.identity} at ${a.x},${a.y} in ${region}`,
        ).toBeUndefined();
      }
      // Global chat: a line said in one region reaches every region, once.
      const speaker = bots[0]!;
      await insist(speaker.conn, 'say', { channel: 'global', text: 'hello, world' });
      const line = `bot0: hello, world`;
      let chat = (await w.status()).map((s) => s.globalChat);
      for (let i = 0; i < 400 && !chat.every((lines) => lines.includes(line)); i++)
        chat = (await w.status()).map((s) => s.globalChat);
      for (const lines of chat) expect(lines.filter((l) => l === line)).toHaveLength(1);
      for (const b of bots) b.conn.close();
      await world.stop();
      world = undefined;
      await cut.close();
      proxy = undefined;

      // Every region's log: replays bit for bit, outbox empty, the players disjoint, skills conserved.
      let skills = 0;
      let skillDefs = 0;
      for (const name of grid.regions.map((r) => r.name)) {
        const region = await createFrontierRegion({
          region: name,
          grid,
          seed: WORLD.seed,
          worldTiles: WORLD.worldTiles,
        });
        const db = await openDatabase({
          dir: path.join(root, 'regions', name),
          module: region.module,
          logger: quiet,
        });
        try {
          const report = await db.replay(db.store.firstTick + 1, db.store.lastTick);
          expect(report.ok, `${name}: ${report.divergence?.message}`).toBe(true);
          const kit = db.engine.db as unknown as ReadonlyDb<HandoffTables>;
          const tables = db.engine.db as unknown as Record<string, { count(): number; iter(): any[] }>;
          expect(kit.ts_outbox.count()).toBe(0);
          // Ghosts are the neighbours' players mirrored here: every one of them is a ghost of its owner.
          const ghosts = db.engine.db as unknown as ReadonlyDb<GhostTables>;
          for (const g of ghosts.ts_ghost.iter())
            expect(owner.get(g.entity), `ghost ${g.entity} in ${name}`).not.toBe(name);
          const here = new Set(
            tables
              .avatar!.iter()
              .map((a: { identity: string }) => a.identity)
              .filter((identity: string) => !ghosts.ts_ghost.has(identity)),
          );
          expect(
            [...owner]
              .filter(([, r]) => r === name)
              .map(([id]) => id)
              .sort(),
          ).toEqual([...here].sort());
          skills += tables.skill!.count();
          skillDefs = tables.skill_def!.count();
        } finally {
          await db.close();
        }
      }
      expect(skills).toBe(BOTS * skillDefs);

      // `tickspace info` of the world lists every region with the players it holds.
      const out: string[] = [];
      await printRegionWorldInfo(root, { out: (l) => out.push(l), err: (l) => out.push(l) }, true);
      const info = JSON.parse(out.join('\n')) as {
        grid: string;
        regions: { name: string; players: number; outbox: number }[];
      };
      expect(info.grid).toBe('2x2');
      for (const r of info.regions) {
        expect(r.players, r.name).toBe([...owner.values()].filter((o) => o === r.name).length);
        expect(r.outbox).toBe(0);
      }
      // A rewind of a region to before a handoff it took part in is refused; after its last one it is not.
      const spawnDir = path.join(root, 'regions', 'r1_1');
      const refused = await refuseRewindPastHandoff(spawnDir, 1).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(String((refused as Error).message)).toMatch(
        /took part in a handoff after that tick \(handoff_\w+ at tick \d+\)/,
      );
      const handoffTick = (refused as { details: { handoffTick: number } }).details.handoffTick;
      await expect(refuseRewindPastHandoff(spawnDir, handoffTick)).resolves.toBeUndefined();
    },
    180_000 + BOTS * 1_500,
  );
});
