import { createEngine, type Engine, type ModuleDef } from '@tickspace/server/engine';
import { createServer } from '@tickspace/server/net';
import { createMovementModule } from './movement-module';
import { wallMs, type RunningServer, type ServerConfig, type ServerProbe } from './server-ipc';
import { createTransferModule } from './transfer-module';

/**
 * Every load-test client connects from this one host: the per-address connection limit and
 * connect rate, which keep one host from holding the server, are off.
 */
const ONE_HOST = {
  maxConnectionsPerAddress: Infinity,
  connectsPerSecondPerAddress: Infinity,
  connectBurstPerAddress: Infinity,
};

/**
 * Network limits for the load test: the defaults protect a game from one abusive client; the
 * transfer scenario deliberately sends far more calls per client than a player would.
 */
const TRANSFER_LIMITS = {
  ...ONE_HOST,
  callsPerSecond: 1_000_000,
  callBurst: 1_000_000,
  maxPendingCalls: 65_536,
  maxRateLimitedCalls: 1_000_000,
};

/** The Frontier world (loaded only for that scenario: it brings content and physics). */
async function frontierModule(config: ServerConfig): Promise<ModuleDef> {
  const { createFrontier } = await import('@tickspace/server/world');
  const frontier = await createFrontier({
    seed: config.movement.seed,
    ...(config.worldTiles === undefined ? {} : { worldTiles: config.worldTiles }),
  });
  return frontier.module;
}

/**
 * Starts Tickspace for the load test on 127.0.0.1 (port 0): an in-memory engine running the
 * scenario's module (no commit log, like the Colyseus peer), the network server, and the tick
 * loop. Each tick is timed from the start of its reducers to the end of its fan-out, through the
 * engine's public hooks only.
 * @example
 * const server = await startTickspaceServer(config, probe);
 */
export async function startTickspaceServer(config: ServerConfig, probe: ServerProbe): Promise<RunningServer> {
  const module: ModuleDef =
    config.scenario === 'transfer'
      ? createTransferModule(config.accounts)
      : config.scenario === 'frontier'
        ? await frontierModule(config)
        : createMovementModule(config.movement);
  const engine: Engine<ModuleDef> = createEngine({
    module,
    seed: config.movement.seed,
    tickMs: config.movement.tickMs,
  });
  // A tick ends when its frames are on the sockets: the sessions write the tick's update and
  // results in a microtask queued during the fan-out, so the probe, registered after the server's
  // own hooks, queues its microtask behind those writes.
  const started = new Map<number, number>();
  engine.onCommit((record) => void started.set(record.tick, wallMs() - record.durationMs));
  const server = await createServer({
    engine,
    port: config.port ?? 0,
    host: '127.0.0.1',
    limits: config.scenario === 'transfer' ? TRANSFER_LIMITS : { ...ONE_HOST, maxClients: 50_000 },
  });
  engine.onTick((record) => {
    const startMs = started.get(record.tick)!;
    started.delete(record.tick);
    const calls = record.calls.length;
    queueMicrotask(() => probe.tick(record.tick, startMs, wallMs() - startMs, calls));
  });
  engine.start();
  return {
    url: server.url,
    status: () => ({ clients: server.hub.clientCount, entities: engine.tableList[0]?.count() ?? 0 }),
    async stop() {
      await server.close();
      await engine.stop();
    },
  };
}
