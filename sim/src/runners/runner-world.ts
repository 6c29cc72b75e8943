import { createHash } from 'node:crypto';
import { createEngine, type Engine, type ModuleDef } from '@tickspace/server/engine';
import { openDatabase, type Database } from '@tickspace/server/engine/tooling';
import { createSessionHub, type SessionHub } from '@tickspace/server/net';
import { createFrontier } from '@tickspace/server/world';
import { TIER_LIST, type Tier } from '../behaviour/agent';
import { createPopulation, type Member } from '../behaviour/population';
import type { InProcessOptions, SimResult } from './in-process-runner';
import { WorldStats } from './world-stats';

/** What both in-process runners play on: the engine (with its log, if asked), the population, the hub. */
export interface RunnerWorld {
  readonly seed: string;
  readonly totalMs: number;
  readonly engine: Engine<ModuleDef>;
  readonly database: Database<ModuleDef> | undefined;
  readonly members: readonly Member[];
  readonly hub: SessionHub;
  readonly stats: WorldStats;
}

/**
 * Builds a run's world from its options: the Frontier module (or the given one, composed), the
 * engine or database, the seeded population, and a session hub whose tokens and rate limits
 * depend only on the seed and logical time. `extraClients` are connections beyond the members'
 * (content caches).
 */
export async function createRunnerWorld(
  options: InProcessOptions,
  extraClients: number,
): Promise<RunnerWorld> {
  const seed = options.seed ?? 'sim';
  const tickMs = options.tickMs ?? 50;
  const totalMs = (options.minutes ?? 5) * 60_000;
  const frontierModule = options.module ?? (await createFrontier({ ...options.world, seed })).module;
  const module = options.composeModule?.(frontierModule) ?? frontierModule;
  const budget = options.tickBudgetMs === undefined ? {} : { tickBudgetMs: options.tickBudgetMs };
  const database =
    options.dataDir === undefined
      ? undefined
      : await openDatabase({
          dir: options.dataDir,
          module,
          seed,
          tickMs,
          durability: options.durability ?? 'never',
          confirm: 'immediate',
          ...budget,
        });
  const engine = database?.engine ?? createEngine({ module, seed, tickMs, ...budget });
  const members = createPopulation({
    mix: options.mix,
    seed,
    ...(options.joinWindowMs !== undefined ? { joinWindowMs: options.joinWindowMs } : {}),
    ...(options.homeScale !== undefined ? { homeScale: options.homeScale } : {}),
    ...(options.traces !== undefined ? { traces: options.traces } : {}),
    ...(options.recordTo !== undefined ? { recordTo: options.recordTo } : {}),
    ...(options.tierParams !== undefined ? { tierParams: options.tierParams } : {}),
    ...(options.varyParams !== undefined ? { varyParams: options.varyParams } : {}),
  });
  const hub = createSessionHub({
    engine,
    // Derived from the seed (32 bytes whatever its length): the same tokens in every run of a seed.
    tokenSecret: createHash('sha256').update(`tickspace-sim/${seed}`).digest(),
    // Rate limits in logical time: the run does not depend on how fast the machine is.
    clock: () => engine.now,
    limits: {
      // Logical time: a wall-clock budget would make a run's outcome depend on the machine's load
      // (a long fan-out stopped and resynced on a busy machine, not on a quiet one).
      visibilityBudgetMs: 0,
      maxClients: members.length + extraClients + 16,
      ...(options.callsPerSecond !== undefined
        ? { callsPerSecond: options.callsPerSecond, callBurst: options.callsPerSecond * 2 }
        : {}),
    },
    logger: { error: (m, e) => console.error(m, e), warn: (m) => console.warn(m) },
  });
  options.onEngine?.(engine, hub);
  const stats = new WorldStats(engine.tableList.map((t) => t.name));
  engine.onTick((record) => {
    stats.ingest(record);
    options.onTick?.(record);
  });
  return { seed, totalMs, engine, database, members, hub, stats };
}

/** What a run produced, from its world once the last tick has run (`wallMs`: the ticks' wall time). */
export function runResult(world: RunnerWorld, wallMs: number, sessionsClosed: number): SimResult {
  const { engine, members, stats } = world;
  const tiers = Object.fromEntries(TIER_LIST.map((t) => [t, 0])) as Record<Tier, number>;
  for (const m of members) tiers[m.agent.tier]++;
  return {
    seed: world.seed,
    players: members.length,
    ticks: stats.totals.ticks,
    virtualMs: engine.now,
    wallMs,
    ticksPerSecond: stats.totals.ticks / (wallMs / 1000),
    speedup: engine.now / wallMs,
    stateHash: engine.stateHash,
    totals: stats.totals,
    tiers,
    members,
    sessionsClosed,
  };
}
