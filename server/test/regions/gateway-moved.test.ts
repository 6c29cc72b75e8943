import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type Connection } from '../../src/client';
import { createEngine, SERVER_IDENTITY, type Identity, type ReadonlyDb } from '../../src/engine';
import { createMemoryFabric, type MemoryFabric } from '../../src/fabric';
import { createServer, createTokenIssuer, type TickspaceServer } from '../../src/net';
import { decodeBatch, SERVER_MESSAGE } from '../../src/protocol';
import { createFrontierRegion } from '../../src/cli/frontier-region';
import { startGateway, type Gateway } from '../../src/cli/gateway';
import { closeMovedSessions, refuseMovedAtConnect } from '../../src/cli/region-sessions';
import {
  HandoffRelay,
  openPlayerDirectory,
  regionGrid,
  type HandoffTables,
  type PlayerDirectory,
} from '../../src/regions';
import { SMALL, who, type FrontierEngine } from '../world/helpers';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const NAMES = ['r0_0', 'r1_0'] as const;
type Name = (typeof NAMES)[number];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Two Frontier regions side by side (border at x = 256; the spawn point is in r1_0), each an
 * engine on its own tick loop with a WebSocket server, the relay over one in-process fabric, and
 * the moved-session guard of a region process. The gateway routes by its own directory bucket, so
 * a test can hold its route stale.
 */
async function regionsBehindGateway(options: { manual?: boolean; moveProbeMs?: number } = {}) {
  const grid = regionGrid('2x1', 512, 512);
  const fabric: MemoryFabric = createMemoryFabric({ manual: options.manual ?? false });
  const directory = await openPlayerDirectory(fabric);
  const secret = randomBytes(32);
  const regions = {} as Record<
    Name,
    { engine: FrontierEngine; server: TickspaceServer; relay: HandoffRelay }
  >;
  for (const name of NAMES) {
    const region = await createFrontierRegion({ ...SMALL, region: name, grid });
    const engine = createEngine({
      module: region.module,
      seed: 'regions',
      tickMs: 20,
      logger: quiet,
    }) as unknown as FrontierEngine;
    const relay = new HandoffRelay({ engine, fabric, region: name, directory, logger: quiet });
    await relay.start();
    const server = await createServer({
      engine,
      tokenSecret: secret,
      logger: quiet,
      admit: refuseMovedAtConnect(engine),
    });
    closeMovedSessions(server, engine);
    engine.start();
    regions[name] = { engine, server, relay };
    cleanups.push(async () => {
      await relay.stop();
      await server.close();
      await engine.stop();
    });
  }
  const routes: PlayerDirectory = await openPlayerDirectory(fabric, 'gateway_routes');
  const gateway: Gateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    tokenSecret: secret,
    directory: routes,
    spawnRegion: 'r1_0',
    regionUrl: (name) => regions[name as Name]?.server.url,
    retryMs: 5,
    moveProbeMs: options.moveProbeMs ?? 100,
  });
  cleanups.push(() => gateway.close());
  /** Runs `reducer` as `sender` in a region's next tick. */
  const call = (name: Name, sender: Identity, reducer: string, args: Record<string, unknown>) =>
    regions[name].engine.call(sender, reducer, args);
  /** Resolves after the first of the region's ticks after which `done` holds. */
  const until = async (name: Name, done: () => boolean) => {
    while (!done()) await regions[name].engine.nextTick();
  };
  /** Ann: joined in the east (r1_0), then handed to the west: a tombstone in the east. */
  const annInTheWest = async () => {
    const ann = who(0xa);
    regions.r1_0.engine.connect(ann);
    expect((await call('r1_0', ann, 'join', { name: 'Ann' })).ok).toBe(true);
    expect((await call('r1_0', SERVER_IDENTITY, 'handoff_out', { entity: ann, to: 'r0_0' })).ok).toBe(true);
    return ann;
  };
  const tokens = createTokenIssuer(secret);
  /** A client through the gateway with `identity`'s token; counts the IDENTITY frames it hears. */
  const client = async (identity: Identity) => {
    const heard = { identities: 0 };
    const count = (frame: Uint8Array) => {
      if (frame[0] === SERVER_MESSAGE.IDENTITY) heard.identities++;
      else if (frame[0] === SERVER_MESSAGE.BATCH)
        for (const m of decodeBatch(frame, SERVER_MESSAGE.BATCH)) count(m);
    };
    class Counting extends WebSocket {
      constructor(url: string) {
        super(url);
        this.on('message', (data: Buffer) => count(new Uint8Array(data)));
      }
    }
    const conn = (await connect({
      url: gateway.url,
      WebSocket: Counting as never,
      token: tokens.issue(identity),
    })) as Connection<any>;
    cleanups.push(() => conn.close());
    return { conn, heard };
  };
  const kit = (name: Name) => regions[name].engine.db as unknown as ReadonlyDb<HandoffTables>;
  return { fabric, directory, routes, regions, kit, gateway, call, until, annInTheWest, client };
}

/** A client's own avatar in its cache. */
const avatarOf = (conn: Connection<any>) =>
  (conn.db as unknown as { avatar: { find(k: string): { x: number } | undefined } }).avatar.find(
    conn.identity,
  );

const followSelf = (conn: Connection<any>) =>
  conn.subscribe({
    table: 'avatar',
    follow: { table: 'avatar', key: conn.identity as never, radius: 12, exitRadius: 14 },
  });

describe('a client routed to a region its player has left', () => {
  it('is refused there at connect, hears one IDENTITY (the new owner’s) and follows its avatar there', async () => {
    const w = await regionsBehindGateway();
    const ann = await w.annInTheWest();
    await w.until('r0_0', () => w.regions.r0_0.engine.db.avatar.has(ann));
    await w.until('r1_0', () => w.kit('r1_0').ts_outbox.count() === 0);
    expect(await w.directory.find(ann)).toEqual({ region: 'r0_0', epoch: 1 });

    // Ann's client connects while the gateway's route still names the east (where she spawned).
    // The route catches up once the east has answered that link (the directory lagging the arrival).
    void (async () => {
      const east = w.regions.r1_0;
      await w.until('r1_0', () => w.gateway.counts.refused > 0 || east.server.hub.session(ann) !== undefined);
      await w.routes.record(ann, 'r0_0', 1);
    })();
    const { conn, heard } = await w.client(ann);
    expect(conn.identity).toBe(ann);
    // The east refused the link before its handshake: the client never heard the east.
    expect(heard.identities).toBe(1);
    expect(w.gateway.counts.refused).toBeGreaterThan(0);
    expect(w.regions.r1_0.server.hub.session(ann)).toBeUndefined();
    // Its follow query is answered by the west, with her avatar in it, and stays live there.
    await followSelf(conn).applied;
    expect(avatarOf(conn)).toBeDefined();
    const x = avatarOf(conn)!.x;
    await conn.call('move', { dx: -1, dy: 0 });
    while (avatarOf(conn)!.x === x) await new Promise<void>((resolve) => conn.onTick(() => resolve()));
    expect(avatarOf(conn)!.x).toBeLessThan(x);
    expect(heard.identities).toBe(1);
  }, 30_000);

  it('whose handoff is then refused is let in by the old region once the player is back there, with no timeout', async () => {
    const w = await regionsBehindGateway({ manual: true });
    // The name Ann is taken in the west: her arrival there will be refused.
    const other = who(0xb);
    w.regions.r0_0.engine.connect(other);
    expect((await w.call('r0_0', other, 'join', { name: 'ann' })).ok).toBe(true);
    const ann = await w.annInTheWest();
    expect(w.kit('r1_0').ts_moved.has(ann)).toBe(true);

    // In transit (nothing delivered yet): the east refuses Ann's client, and again at each probe.
    const pending = w.client(ann);
    await w.until('r1_0', () => w.gateway.counts.refused >= 2);
    expect(w.regions.r1_0.server.hub.session(ann)).toBeUndefined();
    // The handoff runs: refused in the west, Ann put back in the east, her tombstone gone.
    await w.until('r1_0', () => {
      while (w.fabric.step());
      return w.kit('r1_0').ts_outbox.count() === 0;
    });
    expect(w.kit('r1_0').ts_moved.has(ann)).toBe(false);
    expect(await w.routes.find(ann)).toBeUndefined();
    // The next probe lets her client in where she is; its follow query finds her.
    const { conn, heard } = await pending;
    expect(heard.identities).toBe(1);
    await followSelf(conn).applied;
    expect(avatarOf(conn)).toBeDefined();
    expect(w.regions.r1_0.server.hub.session(ann)).toBeDefined();
  }, 30_000);

  it('waits while the route names an older epoch than the move: one refusal, not one per retry', async () => {
    // No probe of the old region in this test: only the epoch check keeps the gateway away from it.
    const w = await regionsBehindGateway({ moveProbeMs: 3_600_000 });
    const ann = await w.annInTheWest();
    await w.until('r0_0', () => w.regions.r0_0.engine.db.avatar.has(ann));
    // The gateway's route is stale: it names the east at an epoch before the move (epoch 1).
    await w.routes.record(ann, 'r1_0', 0);
    const pending = w.client(ann);
    await w.until('r1_0', () => w.gateway.counts.refused > 0);
    // Twenty east ticks (the gateway retries every 5 ms meanwhile): no second link to the east.
    for (let i = 0; i < 20; i++) await w.regions.r1_0.engine.nextTick();
    expect(w.gateway.counts.refused).toBe(1);
    await w.routes.record(ann, 'r0_0', 1);
    const { conn, heard } = await pending;
    expect(conn.identity).toBe(ann);
    expect(heard.identities).toBe(1);
    expect(w.gateway.counts.refused).toBe(1);
  }, 30_000);
});
