import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveRegions, type RegionWorld } from '@tickspace/server/regions/serve';
import type { RunningServer, ServerConfig, ServerProbe } from './server-ipc';

/** Frontier's world side in tiles when the run names none (the CLI's default). */
const DEFAULT_WORLD_TILES = 4096;

/**
 * Starts the Frontier world as a region world for the load test (`--regions CxR`): what
 * `tickspace serve --regions` runs (a local nats-server, one process per region with its own
 * fsynced commit log, the gateway in this process), in a fresh data directory that is removed at
 * the stop. Every region times its ticks as one server's are timed, and each sample reaches the
 * probe tagged with its region (tick numbers are per region).
 * @example
 * const server = await startRegionsServer({ ...config, regions: '2x1' }, probe);
 */
export async function startRegionsServer(config: ServerConfig, probe: ServerProbe): Promise<RunningServer> {
  const spec = config.regions!;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-loadtest-regions-'));
  let world: RegionWorld;
  try {
    world = await serveRegions({
      dataDir,
      spec,
      natsUrl: undefined,
      port: config.port ?? 0,
      host: '127.0.0.1',
      seed: config.movement.seed,
      worldTiles: config.worldTiles ?? DEFAULT_WORLD_TILES,
      tickMs: config.movement.tickMs,
      // The driver prints progress; the world's own lines would interleave with it.
      print: (line) => process.stderr.write(`${line}\n`),
      onTicks: (region, samples) => {
        for (const s of samples) probe.tick(s.tick, s.startMs, s.durationMs, s.calls, region);
      },
    });
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: world.gatewayUrl,
    // Entities live in the regions; the gateway counts clients.
    status: () => ({ clients: world.gatewayCounts.clients, entities: 0 }),
    async stop() {
      try {
        await world.stop();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
