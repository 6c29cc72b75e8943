import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TickspaceError } from '@tickspace/server/protocol';
import type { Tier } from '../behaviour/agent';
import type { Trace } from '../behaviour/trace-library';
import type { BotRadii } from './bot-connection';
import { addSwarmStats, type SwarmStats } from './bot-swarm';

/** What a worker is told. */
export interface WorkerData {
  readonly url: string;
  readonly seed: string;
  readonly mix: Partial<Record<Tier, number>>;
  readonly index: number;
  readonly workers: number;
  readonly epochMs: number;
  readonly durationMs: number;
  readonly joinWindowMs: number;
  readonly reportEveryMs: number;
  readonly radii: BotRadii | undefined;
  readonly traces: readonly Trace[] | undefined;
}

/** What a worker reports. */
export interface WorkerMessage {
  readonly index: number;
  readonly final: boolean;
  readonly stats: SwarmStats;
}

/** Options of {@link runNetworked}; every one has a documented default. */
export interface NetworkedOptions {
  /** Server WebSocket URL (`ws://host:port/ws`). */
  readonly url: string;
  /** Players of each tier. */
  readonly mix: Partial<Record<Tier, number>>;
  /** Population seed (behaviour only: identities come from the server). @default 'sim' */
  readonly seed?: string;
  /** Real minutes to play. @default 1 */
  readonly minutes?: number;
  /** Worker threads. @default min(4, available parallelism) */
  readonly workers?: number;
  /** First connections are spread over this window, ms. @default 10_000 */
  readonly joinWindowMs?: number;
  /** Subscription radii. @default see {@link BotRadii} */
  readonly radii?: BotRadii;
  /** Human traces for replay bots. @default none */
  readonly traces?: readonly Trace[];
  /** How often workers report, ms. @default 1_000 */
  readonly reportEveryMs?: number;
  /** Called with the summed counters at every report. */
  readonly onProgress?: (stats: SwarmStats, elapsedMs: number) => void;
}

/** What a networked run produced. */
export interface NetworkedResult {
  readonly players: number;
  readonly workers: number;
  readonly wallMs: number;
  readonly stats: SwarmStats;
}

/**
 * Runs a population over real WebSockets against a server URL, spread over worker threads: the
 * same agents, population and SDK code as the in-process runner, in real time. Each worker runs
 * one {@link startBotSwarm} over its share of the members.
 * @throws TickspaceError INVALID_ARGUMENT for an empty population
 * @example
 * const result = await runNetworked({ url: 'ws://127.0.0.1:3000/ws', mix: { human: 500, naive: 50 }, minutes: 2 });
 */
export async function runNetworked(options: NetworkedOptions): Promise<NetworkedResult> {
  const players = Object.values(options.mix).reduce((s, n) => s + (n ?? 0), 0);
  if (players < 1) throw new TickspaceError('INVALID_ARGUMENT', 'runNetworked: the population is empty');
  const workers = Math.max(1, Math.min(options.workers ?? Math.min(4, availableParallelism()), players));
  const durationMs = (options.minutes ?? 1) * 60_000;
  const epochMs = Date.now();
  const latest: SwarmStats[] = [];
  const started = performance.now();
  const threads = Array.from({ length: workers }, (_, index) => {
    const data: WorkerData = {
      url: options.url,
      seed: options.seed ?? 'sim',
      mix: options.mix,
      index,
      workers,
      epochMs,
      durationMs,
      joinWindowMs: options.joinWindowMs ?? 10_000,
      reportEveryMs: options.reportEveryMs ?? 1_000,
      radii: options.radii,
      traces: options.traces,
    };
    return new Worker(new URL('./networked-worker.mjs', import.meta.url), { workerData: data });
  });
  const finals = threads.map(
    (w) =>
      new Promise<void>((resolve, reject) => {
        w.on('message', (m: WorkerMessage) => {
          latest[m.index] = m.stats;
          if (!m.final && options.onProgress !== undefined)
            options.onProgress(sum(latest), performance.now() - started);
        });
        w.on('error', reject);
        w.on('exit', () => resolve());
      }),
  );
  await Promise.all(finals);
  return { players, workers, wallMs: performance.now() - started, stats: sum(latest) };
}

function sum(list: readonly (SwarmStats | undefined)[]): SwarmStats {
  const total: SwarmStats = { online: 0, connects: 0, connectFailures: 0, calls: {}, errors: {} };
  for (const s of list) if (s !== undefined) addSwarmStats(total, s);
  return total;
}
