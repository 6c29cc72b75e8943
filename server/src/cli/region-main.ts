/**
 * One region process of `tickspace serve --regions`: Frontier with the regions kit (frontier-region.ts)
 * over its own commit log under `<data>/regions/<name>`, the handoff relay on the broker, the border
 * rule, and a WebSocket server on loopback for the gateway. Started by serve-regions.ts with its
 * settings in TICKSPACE_REGION (JSON, {@link RegionChildConfig}); tells the parent its URL over IPC.
 *
 * A player who leaves (a tombstone written in this tick) has their session closed with
 * the move signal (region-sessions.ts): the gateway holding their socket follows them to the next region.
 * TICKSPACE_FAULT=<point>[:n] crashes the process at a handoff point (tests).
 */
import type { ReadonlyDb } from '../engine';
import { createServer } from '../net';
import { faultFromEnv, regionGrid, startRegion, type GhostTables, type HandoffTables } from '../regions';
import { createFrontierRegion } from './frontier-region';
import { GlobalChatRelay } from './frontier-region-chat';
import { closeMovedSessions, refuseMovedAtConnect } from './region-sessions';
import { sendTickSamples, type RegionTickSample } from './region-tick-samples';

/** What the parent passes a region process. */
export interface RegionChildConfig {
  readonly region: string;
  readonly grid: string;
  readonly dir: string;
  readonly natsUrl: string;
  /** The token secret, hex: the same in every region, so one token is valid everywhere. */
  readonly tokenSecret: string;
  readonly worldTiles: number;
  readonly seed: string;
  readonly tickMs: number;
  readonly contentDir?: string;
}

/** What a region process tells its parent once it serves. */
export interface RegionReady {
  readonly ready: { readonly region: string; readonly url: string; readonly tick: number };
}

/** A region process's tick samples, sent when `TICKSPACE_TICK_SAMPLES=1` (see sendTickSamples). */
export interface RegionTicks {
  readonly ticks: readonly RegionTickSample[];
}

/** A region's answer to `status` (after its next tick): what `info` and the tests read. */
export interface RegionStatus {
  readonly region: string;
  readonly tick: number;
  /** Handoffs sent and not answered yet. */
  readonly outbox: number;
  /** The players this region holds (avatar rows), by identity. */
  readonly players: readonly string[];
  readonly sessions: number;
  readonly relay: Readonly<Record<string, number>>;
  /** The ghost relay's counts, and how many ghosts (other regions' avatars) this region holds. */
  readonly ghosts: Readonly<Record<string, number>>;
  /** Global chat lines this region holds (said here or relayed in), as `name: text`. */
  readonly globalChat: readonly string[];
}

const config = JSON.parse(process.env.TICKSPACE_REGION ?? '{}') as RegionChildConfig;
const grid = regionGrid(config.grid, config.worldTiles, config.worldTiles);
const region = await createFrontierRegion({
  region: config.region,
  grid,
  seed: config.seed,
  worldTiles: config.worldTiles,
  lenientContent: true,
  ...(config.contentDir === undefined ? {} : { contentDir: config.contentDir }),
});
const running = await startRegion({
  module: region.module,
  region: config.region,
  dir: config.dir,
  natsUrl: config.natsUrl,
  tickMs: config.tickMs,
  fault: faultFromEnv(),
  ghosts: region.ghosts,
});
const engine = running.db.engine;
// A load test of the region world times every tick (before the server: its writes come first).
if (process.env.TICKSPACE_TICK_SAMPLES === '1')
  sendTickSamples(engine, (ticks) => process.send?.({ ticks } satisfies RegionTicks));
const server = await createServer({
  engine,
  port: 0,
  host: '127.0.0.1',
  tokenSecret: Buffer.from(config.tokenSecret, 'hex'),
  admit: refuseMovedAtConnect(engine),
  // Every client comes through the gateway: one address, many players.
  limits: {
    maxConnectionsPerAddress: Infinity,
    connectsPerSecondPerAddress: Infinity,
    connectBurstPerAddress: Infinity,
  },
});
region.watchBorders(engine);
const chat = new GlobalChatRelay({
  engine,
  fabric: running.fabric,
  region: config.region,
  peers: grid.regions.map((r) => r.name).filter((name) => name !== config.region),
});
await chat.start();
const kit = engine.db as unknown as ReadonlyDb<HandoffTables>;
const ghostsHeld = (engine.db as unknown as ReadonlyDb<GhostTables>).ts_ghost;
closeMovedSessions(server, engine);

const stop = async () => {
  await chat.stop();
  await server.close();
  await running.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
// A region never outlives its world's parent (a crashed parent leaves no orphan holding the log).
process.on('disconnect', () => void stop());
process.on('message', (m) => {
  if (m === 'stop') void stop();
  if (m === 'status')
    void engine.nextTick().then(() => {
      const status: RegionStatus = {
        region: config.region,
        tick: engine.tick,
        outbox: kit.ts_outbox.count(),
        // Ghosts are other regions' players: not held here.
        players: (engine.db as unknown as ReadonlyDb<{ avatar: any }>).avatar
          .iter()
          .map((a) => a.identity as string)
          .filter((identity) => !ghostsHeld.has(identity)),
        sessions: server.hub.sessions().length,
        relay: { ...running.relay.counts },
        ghosts: { ...running.ghosts?.counts, held: ghostsHeld.count() },
        globalChat: (
          engine.db as unknown as {
            chat_message: { filter(i: 'by_channel', v: string): { senderName: string; text: string }[] };
          }
        ).chat_message
          .filter('by_channel', 'global')
          .map((m) => `${m.senderName}: ${m.text}`),
      };
      process.send?.({ status });
    });
});
process.send?.({
  ready: { region: config.region, url: server.url, tick: engine.tick },
} satisfies RegionReady);
