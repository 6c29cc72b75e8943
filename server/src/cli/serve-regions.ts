/**
 * `tickspace serve --regions CxR [--nats URL]`: one Frontier world as C x R region processes
 * (region-main.ts), each with its own commit log under `<data>/regions/<name>`, joined by NATS
 * JetStream, behind one gateway port (gateway.ts). Without `--nats` a local nats-server is started
 * with its store under `<data>/nats`. A region process that exits is started again on its log;
 * the gateway keeps its clients' sockets open meanwhile. `npm start` never comes here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJetStreamFabric, startNatsServer, type NatsServer } from '../fabric';
import { TickspaceError } from '../protocol/errors';
import { openPlayerDirectory, regionGrid } from '../regions';
import { loadTokenSecret } from './data-dir-secrets';
import { startGateway, type GatewayCounts } from './gateway';
import type { RegionChildConfig, RegionReady, RegionStatus, RegionTicks } from './region-main';
import type { RegionTickSample } from './region-tick-samples';
import { REGIONS_MANIFEST, type RegionWorldManifest } from './region-world-manifest';

const REGION_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'region-main.ts');

export { REGIONS_MANIFEST, type RegionWorldManifest } from './region-world-manifest';

/** Options for {@link serveRegions}. */
export interface ServeRegionsOptions {
  readonly dataDir: string;
  /** `CxR`, e.g. `2x2`. */
  readonly spec: string;
  /** The operator's JetStream; undefined: start a local nats-server under `<data>/nats`. */
  readonly natsUrl: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly seed: string;
  readonly worldTiles: number;
  readonly tickMs: number;
  readonly print: (line: string) => void;
  /**
   * `<region>=<point>[:n]`: that region's first launch crashes at a handoff point (TICKSPACE_FAULT);
   * its restart runs without it. Tests. @default $TICKSPACE_REGION_FAULT
   */
  readonly fault?: string | undefined;
  /** Receives every region's tick timings as they come (load tests); the regions time none without it. @default none */
  readonly onTicks?: (region: string, samples: readonly RegionTickSample[]) => void;
  /**
   * The broker URL a region process is given, from the world's (tests put a TCP proxy between one
   * region and the broker with it; each launch asks again). @default the world's URL
   */
  readonly regionNatsUrl?: (region: string, natsUrl: string) => string;
}

/** A running region world. */
export interface RegionWorld {
  readonly gatewayUrl: string;
  readonly natsUrl: string;
  /** The local nats-server this world started (pause, kill, restart it in tests); undefined with `--nats`. */
  readonly broker: NatsServer | undefined;
  /** What the gateway did (moves followed, region links made again). */
  readonly gatewayCounts: Readonly<GatewayCounts>;
  /** The current process id of each region. */
  pids(): Record<string, number | undefined>;
  /** Resolves when `region` serves again (after a crash or a kill). */
  ready(region: string): Promise<void>;
  /** Every region's status, each read after its next tick (a region that is down is waited for). */
  status(): Promise<RegionStatus[]>;
  /** Stops the gateway, every region (cleanly: a last durable tick) and the local broker. */
  stop(): Promise<void>;
}

/**
 * Reads or creates `<data>/regions.json`. A world is one layout for its whole life: another grid,
 * size or seed over the same regions' logs would put players in rectangles they never entered.
 * @throws TickspaceError INVALID_ARGUMENT when the flags disagree with the recorded layout.
 */
function regionManifest(dataDir: string, wanted: RegionWorldManifest): RegionWorldManifest {
  const file = path.join(dataDir, REGIONS_MANIFEST);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(wanted, null, 2)}\n`);
    return wanted;
  }
  const known = JSON.parse(fs.readFileSync(file, 'utf8')) as RegionWorldManifest;
  for (const key of ['grid', 'worldTiles', 'seed', 'tickMs'] as const)
    if (known[key] !== wanted[key])
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `${file}: this region world was created with ${key} ${String(known[key])}, not ${String(wanted[key])}; a world keeps its layout (use another --data for a new one)`,
        { details: { key, recorded: known[key], given: wanted[key] } },
      );
  return known;
}

/**
 * Starts a region world: the broker (unless given), one process per region, the gateway.
 * @throws TickspaceError INVALID_ARGUMENT for a bad grid or a layout that differs from the recorded one; FABRIC_UNAVAILABLE.
 */
export async function serveRegions(options: ServeRegionsOptions): Promise<RegionWorld> {
  const grid = regionGrid(options.spec, options.worldTiles, options.worldTiles);
  const regionsDir = path.join(options.dataDir, 'regions');
  const hadHistory = fs.existsSync(regionsDir);
  const manifest = regionManifest(options.dataDir, {
    grid: options.spec,
    worldTiles: options.worldTiles,
    seed: options.seed,
    tickMs: options.tickMs,
    regions: grid.regions.map((r) => r.name),
  });
  const faults = new Map<string, string>();
  const faultSpec = options.fault ?? process.env.TICKSPACE_REGION_FAULT;
  if (faultSpec !== undefined && faultSpec !== '')
    for (const one of faultSpec.split(',')) {
      const [name, point] = one.split('=');
      if (name === undefined || point === undefined || !manifest.regions.includes(name))
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `TICKSPACE_REGION_FAULT=${faultSpec}: expected <region>=<point>[:n] with region one of ${manifest.regions.join(', ')}`,
        );
      faults.set(name, point);
    }

  const secret = loadTokenSecret(options.dataDir, { recordedTicks: hadHistory ? 1 : 0 });
  let nats: NatsServer | undefined;
  let natsUrl = options.natsUrl;
  if (natsUrl === undefined) {
    const storeDir = path.join(options.dataDir, 'nats');
    nats = await startNatsServer({ storeDir });
    natsUrl = nats.url;
    options.print(
      `[tickspace] no --nats given: started a local nats-server (JetStream) on ${natsUrl}, its store in ${storeDir}`,
    );
  }
  const fabric = await createJetStreamFabric({ servers: natsUrl, name: 'gateway' });
  const directory = await openPlayerDirectory(fabric);

  interface Child {
    process: ChildProcess | undefined;
    url: string | undefined;
    waiters: (() => void)[];
    statusWaiters: ((s: RegionStatus) => void)[];
  }
  const children = new Map<string, Child>();
  let stopping = false;
  const launch = (name: string) => {
    const child = children.get(name)!;
    const config: RegionChildConfig = {
      region: name,
      grid: manifest.grid,
      dir: path.join(regionsDir, name),
      natsUrl: options.regionNatsUrl?.(name, natsUrl!) ?? natsUrl!,
      tokenSecret: secret.value.toString('hex'),
      worldTiles: manifest.worldTiles,
      seed: manifest.seed,
      tickMs: manifest.tickMs,
    };
    const fault = faults.get(name);
    faults.delete(name); // the first launch only
    const proc = fork(REGION_MAIN, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        TICKSPACE_REGION: JSON.stringify(config),
        TICKSPACE_FAULT: fault ?? '',
        TICKSPACE_TICK_SAMPLES: options.onTicks === undefined ? '' : '1',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.process = proc;
    proc.on('message', (m: RegionReady | RegionTicks | { status: RegionStatus }) => {
      if ('ticks' in m) {
        options.onTicks?.(name, m.ticks);
        return;
      }
      if ('status' in m) {
        for (const w of child.statusWaiters.splice(0)) w(m.status);
        return;
      }
      child.url = m.ready.url;
      options.print(`[tickspace] region ${name} serves at tick ${m.ready.tick} (pid ${proc.pid})`);
      for (const w of child.waiters.splice(0)) w();
      // A status asked of the process that died is asked again of this one.
      if (child.statusWaiters.length > 0) proc.send('status', ignoreDeadChannel);
    });
    proc.on('exit', (code, signal) => {
      child.url = undefined;
      child.process = undefined;
      if (stopping) return;
      options.print(
        `[tickspace] region ${name} exited (${signal ?? `code ${code}`}); starting it again from its log`,
      );
      launch(name);
    });
  };
  for (const name of manifest.regions)
    children.set(name, { process: undefined, url: undefined, waiters: [], statusWaiters: [] });
  const ready = (name: string) =>
    new Promise<void>((resolve) => {
      const child = children.get(name)!;
      if (child.url !== undefined) resolve();
      else child.waiters.push(resolve);
    });
  for (const name of manifest.regions) launch(name);
  await Promise.all(manifest.regions.map(ready));

  const half = manifest.worldTiles / 2;
  const gateway = await startGateway({
    port: options.port,
    host: options.host,
    tokenSecret: secret.value,
    directory,
    spawnRegion: grid.regionAt(half, half).name,
    regionUrl: (name) => children.get(name)?.url,
  });
  options.print(
    `[tickspace] region world ${manifest.grid} (${manifest.regions.join(', ')}): clients connect to ${gateway.url}; each region's log is under ${regionsDir}`,
  );
  return {
    gatewayUrl: gateway.url,
    natsUrl,
    broker: nats,
    gatewayCounts: gateway.counts,
    pids: () => Object.fromEntries([...children].map(([name, c]) => [name, c.process?.pid])),
    ready,
    status: () =>
      Promise.all(
        manifest.regions.map(async (name) => {
          await ready(name);
          const child = children.get(name)!;
          return new Promise<RegionStatus>((resolve) => {
            child.statusWaiters.push(resolve);
            child.process?.send('status', ignoreDeadChannel);
          });
        }),
      ),
    stop: async () => {
      stopping = true;
      await gateway.close();
      await Promise.all(
        [...children.values()].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.process === undefined) return resolve();
              c.process.once('exit', () => resolve());
              c.process.send('stop');
            }),
        ),
      );
      await fabric.close();
      await nats?.stop();
    },
  };
}

/**
 * A `status` sent to a region that has just died fails (EPIPE) before its exit is seen; without a
 * callback that is an uncaught 'error'. The waiter stays, and the restarted region is asked again.
 */
function ignoreDeadChannel(): void {}
