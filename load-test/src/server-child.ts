/**
 * Entry point of the server-under-test child process: `node --import tsx server-child.ts <config>`.
 * Starts the chosen server, reports `ready` with its port, forwards tick samples every
 * {@link FLUSH_MS} and a status line every second, and stops on `stop`, on losing its parent, or
 * after `maxLifetimeS` at the latest, so a crashed driver never leaves a server behind.
 */
import type {
  DriverMessage,
  RunningServer,
  ServerConfig,
  ServerMessage,
  ServerProbe,
  TickSample,
} from './server-ipc';

/** How often tick samples are sent to the driver: short, so update ages resolve quickly. */
const FLUSH_MS = 100;

function send(message: ServerMessage): void {
  if (process.connected) process.send!(message);
}

async function start(config: ServerConfig, probe: ServerProbe): Promise<RunningServer> {
  if (config.target === 'colyseus') {
    const { startColyseusServer } = await import('./colyseus-server');
    return startColyseusServer(config, probe);
  }
  if (config.regions !== undefined) {
    const { startRegionsServer } = await import('./regions-server');
    return startRegionsServer(config, probe);
  }
  const { startTickspaceServer } = await import('./tickspace-server');
  return startTickspaceServer(config, probe);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;
  let pending: TickSample[] = [];
  const probe: ServerProbe = {
    tick(tick, startMs, durationMs, calls = 0, region) {
      pending.push({ tick, startMs, durationMs, calls, ...(region === undefined ? {} : { region }) });
    },
  };
  const server = await start(config, probe);
  const flush = setInterval(() => {
    if (pending.length === 0) return;
    send({ type: 'ticks', samples: pending });
    pending = [];
  }, FLUSH_MS);
  const status = setInterval(() => send({ type: 'status', ...server.status() }), 1000);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(flush);
    clearInterval(status);
    try {
      await server.stop();
    } finally {
      process.exit(code);
    }
  };
  const lifetime = setTimeout(() => void stop(3), config.maxLifetimeS * 1000);
  lifetime.unref();
  process.on('message', (message: DriverMessage) => {
    if (message.type === 'stop') void stop(0);
  });
  process.on('disconnect', () => void stop(0));
  send({ type: 'ready', url: server.url, pid: process.pid });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100);
});
