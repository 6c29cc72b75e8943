import { createSharedRows } from '@tickspace/server/client';
import type { Engine, ModuleDef, TickRecord } from '@tickspace/server/engine';
import type { Database, Durability } from '@tickspace/server/engine/tooling';
import { createLoopbackTransport, type SessionHub } from '@tickspace/server/net';
import type { FrontierModule, FrontierOptions } from '@tickspace/server/world';
import type { Tier } from '../behaviour/agent';
import type { Member, PopulationMix, TierParams } from '../behaviour/population';
import type { Trace, TraceLibrary } from '../behaviour/trace-library';
import { subscribeContent, type BotRadii, type FrontierConnection } from './bot-connection';
import { MemberSlots, openRunnerConnection } from './member-slots';
import { createRunnerWorld, runResult } from './runner-world';
import type { WorldTotals } from './world-stats';

/** Progress of a run, reported periodically. */
export interface SimProgress {
  readonly virtualMs: number;
  readonly totalMs: number;
  readonly ticks: number;
  readonly wallMs: number;
  readonly online: number;
  readonly calls: number;
  readonly errors: number;
}

/** Options of {@link runInProcess}; every limit has a documented default. */
export interface InProcessOptions {
  /** Players of each tier. */
  readonly mix: PopulationMix;
  /** Seed of the world and of every player. @default 'sim' */
  readonly seed?: string;
  /** Logical minutes to play. @default 5 */
  readonly minutes?: number;
  /** Tick period, ms. @default 50 */
  readonly tickMs?: number;
  /** World options (size, chunk size...). The seed is the run's. @default Frontier's defaults */
  readonly world?: Omit<FrontierOptions, 'seed'>;
  /** First connections are spread over this window, ms. @default 60_000 */
  readonly joinWindowMs?: number;
  /** Settle-distance factor of every player ({@link Agent.homeScale}). @default settleScale(players) */
  readonly homeScale?: number;
  /** Human traces for replay bots. @default none */
  readonly traces?: readonly Trace[];
  /** Where humans record timing. @default none */
  readonly recordTo?: TraceLibrary;
  /** Parameters of the tiers that take them (see {@link TierParams}). @default each tier's defaults */
  readonly tierParams?: TierParams;
  /** Each bot script's own variant of its tier's parameters, drawn from this seed (see `scriptTierParams`). @default '' (as written) */
  readonly varyParams?: string;
  /** Subscription radii of every bot. @default see {@link BotRadii} */
  readonly radii?: BotRadii;
  /** Wraps the module before the engine is made (e.g. to add the detector's `suspicion` table). @default identity */
  readonly composeModule?: (module: FrontierModule) => ModuleDef;
  /** Called once the engine exists, before the first tick (e.g. to attach a detector). */
  readonly onEngine?: (engine: Engine<ModuleDef>, hub: SessionHub) => void;
  /** Called after every tick's fan-out with its record. */
  readonly onTick?: (record: TickRecord) => void;
  /** Called about every `progressEveryMs` of logical time or `progressWallMs` of wall time, whichever comes first. */
  readonly onProgress?: (progress: SimProgress) => void;
  /** @default 30_000 */
  readonly progressEveryMs?: number;
  /** @default 10_000 */
  readonly progressWallMs?: number;
  /** Largest call rate per connection (the server's limit). @default the server's default */
  readonly callsPerSecond?: number;
  /** Keep a commit log (and snapshots) in this directory, for replay, time travel or the offline detector. @default none (memory only) */
  readonly dataDir?: string;
  /** Durability of that log. @default 'never' (a simulation does not need fsync) */
  readonly durability?: Durability;
  /** The Frontier module to run (e.g. its sandboxed bundle), built with `world` and the seed. @default createFrontier's */
  readonly module?: FrontierModule;
  /**
   * The bots' caches share row objects (`createSharedRows`): an update that many bots receive is
   * decoded once; every bot still sees the world only through its own cache. false decodes per
   * bot (for an A/B). @default true
   */
  readonly sharedRows?: boolean;
  /** The engine's CPU budget per tick, ms (see the engine's `tickBudgetMs`). @default none */
  readonly tickBudgetMs?: number;
  /** Awaited before every tick, once the bots have acted (e.g. to publish a module version). */
  readonly beforeTick?: (
    engine: Engine<ModuleDef>,
    database: Database<ModuleDef> | undefined,
  ) => void | Promise<void>;
  /** Awaited after the last tick, before any connection closes: every bot connection (undefined while offline) and the content one. */
  readonly beforeClose?: (connections: {
    readonly bots: readonly (FrontierConnection | undefined)[];
    readonly content: FrontierConnection;
  }) => void | Promise<void>;
}

/** What a run produced. */
export interface SimResult {
  readonly seed: string;
  readonly players: number;
  readonly ticks: number;
  readonly virtualMs: number;
  readonly wallMs: number;
  /** Ticks per wall-clock second. */
  readonly ticksPerSecond: number;
  /** Logical time over wall time: 2 means twice real time. */
  readonly speedup: number;
  /** Final state hash: same seed, same hash. */
  readonly stateHash: string;
  readonly totals: WorldTotals;
  /** Players by tier. */
  readonly tiers: Record<Tier, number>;
  /** The members, for trials (identity, tier). */
  readonly members: readonly Member[];
  /** Bot sessions the server closed during the run (each bot came back later). */
  readonly sessionsClosed: number;
}

/** Lets every queued microtask (loopback frames, SDK promises, listeners) run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs a population in one process: a real engine with the Frontier module, a real session hub,
 * and every bot on its own SDK connection over the loopback transport (no sockets), in logical
 * time: ticks run back to back, as fast as the machine allows. The same seed gives the same
 * final state hash.
 * @example
 * const result = await runInProcess({ mix: { human: 90, naive: 10 }, seed: 's1', minutes: 2 });
 * console.log(result.speedup, result.stateHash);
 */
export async function runInProcess(options: InProcessOptions): Promise<SimResult> {
  const world = await createRunnerWorld(options, 1);
  const { totalMs, engine, database, members, hub, stats } = world;
  const transport = createLoopbackTransport(hub);
  const sharedRows = options.sharedRows === false ? undefined : createSharedRows();
  const open = (token: string) => openRunnerConnection(transport, token, sharedRows);

  // One shared content cache, like a CDN'd content bundle: bots read the rules from it.
  engine.runTick();
  await engine.flush();
  const content = open('');
  await settle();
  await subscribeContentSettled(content);

  const slots = new MemberSlots({
    members,
    open: (i) => open(hub.tokens.issue(members[i]!.identity)),
    content,
    now: () => engine.now,
    radii: options.radii,
  });
  const bots = slots.bots;

  const started = performance.now();
  const progressEvery = options.progressEveryMs ?? 30_000;
  const progressWall = options.progressWallMs ?? 10_000;
  let nextProgress = progressEvery;
  let nextProgressWall = performance.now() + progressWall;
  while (engine.now < totalMs) {
    slots.step(engine.now);
    await settle();
    await options.beforeTick?.(engine, database);
    engine.runTick();
    // With a commit log, fan-out waits for the write: results reach the bots only after it.
    if (database !== undefined) await engine.flush();
    await settle();
    if (
      options.onProgress !== undefined &&
      (engine.now >= nextProgress || performance.now() >= nextProgressWall)
    ) {
      nextProgress = engine.now + progressEvery;
      nextProgressWall = performance.now() + progressWall;
      options.onProgress(
        progressOf(engine.now, totalMs, stats.totals, started, bots.filter((b) => b !== undefined).length),
      );
    }
  }
  await engine.flush();
  const wallMs = performance.now() - started;
  await settle();
  await options.beforeClose?.({ bots: bots.map((b) => b?.conn), content });
  slots.finish();
  content.close();
  await settle();
  hub.close();
  await database?.close();
  return runResult(world, wallMs, slots.sessionsClosed);
}

/** Subscribes the content cache and waits until it holds the content (loopback: no tick needed). */
export async function subscribeContentSettled(content: FrontierConnection): Promise<void> {
  const done = subscribeContent(content);
  let finished = false;
  done.then(() => (finished = true));
  // The loopback delivers in microtasks; no tick is needed for subscriptions to apply.
  for (let i = 0; i < 100 && !finished; i++) await settle();
  await done;
}

/** A run's progress figures (shared with the threaded runner). */
export function progressOf(
  virtualMs: number,
  totalMs: number,
  totals: WorldTotals,
  started: number,
  online: number,
): SimProgress {
  let calls = 0;
  let errors = 0;
  for (const n of Object.values(totals.calls)) calls += n;
  for (const n of Object.values(totals.errors)) errors += n;
  return {
    virtualMs,
    totalMs,
    ticks: totals.ticks,
    wallMs: performance.now() - started,
    online,
    calls,
    errors,
  };
}
