import { TickspaceError, type Logger, type ModuleDef } from '../engine';
import { openDatabase, type Database } from '../engine/tooling';
import { createJetStreamFabric, type Fabric } from '../fabric';
import { GhostRelay, type GhostRelayOptions } from './ghost-relay';
import { HANDOFF_POINTS, HandoffRelay, type HandoffPoint } from './handoff-relay';
import { openPlayerDirectory } from './player-directory';

/** Options for {@link startRegion}. */
export interface RegionOptions<M extends ModuleDef> {
  /** The region's module, with `handoffTables()` and `handoffReducers()` in it. */
  readonly module: M;
  readonly region: string;
  /** The region's data directory (its commit log and snapshots). */
  readonly dir: string;
  /** The JetStream server, e.g. `nats://127.0.0.1:4222`. */
  readonly natsUrl: string;
  /** @default 50 */
  readonly tickMs?: number;
  /** A crash hook at each handoff boundary (see {@link faultFromEnv}). @default none */
  readonly fault?: (point: HandoffPoint) => void;
  /** @default 1_000 */
  readonly republishMs?: number;
  /** @default 30_000 */
  readonly ackWaitMs?: number;
  /**
   * How long the start waits for the broker (`connectTimeoutMs` of the fabric). A region that
   * restarts while the broker is down, frozen or cut off waits for it instead of exiting and being
   * relaunched every few seconds. @default Infinity
   */
  readonly brokerWaitMs?: number;
  /**
   * Mirror border rows into the neighbours and keep theirs (the module has the ghost kit): the
   * ghost relay's options but the engine, fabric and region. @default no ghosts
   */
  readonly ghosts?: Omit<GhostRelayOptions, 'engine' | 'fabric' | 'region' | 'logger'>;
  /** @default console */
  readonly logger?: Logger;
}

/** A running region: its database, relays and fabric connection. */
export interface RunningRegion<M extends ModuleDef> {
  readonly db: Database<M>;
  readonly relay: HandoffRelay;
  /** The ghost relay, when the region mirrors border rows. */
  readonly ghosts: GhostRelay | undefined;
  readonly fabric: Fabric;
  /** Stops the relay and the tick loop, closes the fabric and the log. */
  stop(): Promise<void>;
}

/**
 * Opens a region's log (recovering from it), connects to the broker, starts the relay (which
 * re-publishes every outbox row the log holds) and the tick loop. What a region process runs.
 * @throws TickspaceError from openDatabase (BAD_DATA_DIR, DATA_DIR_LOCKED, CORRUPT_LOG...) or FABRIC_UNAVAILABLE; INVALID_ARGUMENT for ghost options that cannot work.
 */
export async function startRegion<M extends ModuleDef>(options: RegionOptions<M>): Promise<RunningRegion<M>> {
  const db = await openDatabase({
    dir: options.dir,
    module: options.module,
    tickMs: options.tickMs,
    logger: options.logger,
  });
  let fabric: Fabric;
  try {
    fabric = await createJetStreamFabric({
      servers: options.natsUrl,
      name: `region-${options.region}`,
      connectTimeoutMs: options.brokerWaitMs ?? Infinity,
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const relay = new HandoffRelay({
    engine: db.engine,
    fabric,
    region: options.region,
    directory: await openPlayerDirectory(fabric),
    republishMs: options.republishMs,
    ackWaitMs: options.ackWaitMs,
    fault: options.fault,
    logger: options.logger,
  });
  await relay.start();
  let ghosts: GhostRelay | undefined;
  try {
    ghosts =
      options.ghosts === undefined
        ? undefined
        : new GhostRelay({
            ...options.ghosts,
            engine: db.engine,
            fabric,
            region: options.region,
            logger: options.logger,
          });
    await ghosts?.start();
  } catch (error) {
    await relay.stop();
    await fabric.close();
    await db.close();
    throw error;
  }
  // No client is connected yet: the first tick tells the module so (a crash ran no disconnects).
  db.engine.serverStarted();
  db.engine.start();
  return {
    db,
    relay,
    ghosts,
    fabric,
    stop: async () => {
      await ghosts?.stop();
      await relay.stop();
      await db.engine.stop();
      await fabric.close();
      await db.close();
    },
  };
}

/**
 * Reads `TICKSPACE_FAULT=<point>[:<n>]`: the process kills itself with SIGKILL the `n`th time
 * (default 1) its relay reaches that handoff point, as a crash there would. For tests of region
 * processes; unset, no hook.
 * @throws TickspaceError INVALID_ARGUMENT naming the known points for an unknown one.
 * @example
 * TICKSPACE_FAULT=after_receiver_durable:3 node region.js
 */
export function faultFromEnv(
  value = process.env.TICKSPACE_FAULT,
): ((point: HandoffPoint) => void) | undefined {
  if (value === undefined || value === '') return undefined;
  const [point, count = '1'] = value.split(':');
  const points = Object.values(HANDOFF_POINTS) as string[];
  const n = Number(count);
  if (!points.includes(point!) || !Number.isInteger(n) || n < 1)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `TICKSPACE_FAULT=${value}: expected <point>[:<n>] with n >= 1 and point one of ${points.join(', ')}`,
      { details: { value } },
    );
  let seen = 0;
  return (reached) => {
    if (reached !== point) return;
    seen++;
    if (seen === n) process.kill(process.pid, 'SIGKILL');
  };
}
