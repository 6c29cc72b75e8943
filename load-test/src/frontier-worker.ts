/**
 * A driver worker for the Frontier scenario: runs its share of a seeded sim population (the
 * sim's agents and bot connections, unchanged) against the server, with a counting WebSocket
 * underneath that reports bytes, round trips and update ticks from frame headers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPopulation, startBotSwarm, type BotSwarm, type Tier } from '@tickspace/sim';
import { nowMs, type BotProbe } from './bot-client';
import { createLatencyHistogram } from './histogram';
import { createCountingWebSocket } from './wire-probe';
import type { FromWorker, ToWorker, WorkerReport } from './worker-report';

/** What the main thread hands a Frontier worker. */
export interface FrontierWorkerConfig {
  readonly url: string;
  /** Players of each tier in the whole run. */
  readonly mix: Readonly<Record<string, number>>;
  readonly seed: string;
  /** This worker plays members `i` with `i % workers === workerIndex`. */
  readonly workerIndex: number;
  readonly workers: number;
  /** First connections spread over this window, ms. */
  readonly rampMs: number;
  readonly trackAge: boolean;
}

async function run(config: FrontierWorkerConfig): Promise<void> {
  const port = parentPort!;
  const roundTrip = createLatencyHistogram();
  const updateAge = createLatencyHistogram();
  const tickStarts = new Map<number, number>();
  let pending: [number, number][] = [];
  let counters = {
    messagesIn: 0,
    bytesIn: 0,
    messagesOut: 0,
    bytesOut: 0,
    updates: 0,
    errors: {} as Record<string, number>,
  };
  const probe: BotProbe = {
    received(bytes) {
      counters.messagesIn++;
      counters.bytesIn += bytes;
    },
    sent(bytes) {
      counters.messagesOut++;
      counters.bytesOut += bytes;
    },
    update(tick) {
      counters.updates++;
      if (!config.trackAge) return;
      const start = tickStarts.get(tick);
      if (start !== undefined) updateAge.record(nowMs() - start);
      else pending.push([tick, nowMs()]);
    },
    roundTrip: (ms) => roundTrip.record(ms),
    error(code) {
      counters.errors[code] = (counters.errors[code] ?? 0) + 1;
    },
  };
  const members = createPopulation({
    mix: config.mix as Record<Tier, number>,
    seed: config.seed,
    joinWindowMs: Math.max(1, config.rampMs),
  }).filter((_, i) => i % config.workers === config.workerIndex);
  let swarm: BotSwarm | undefined;
  let lastConnects = 0;
  let lastFailures = 0;
  const report = (): WorkerReport => {
    const stats = swarm?.stats();
    const out: WorkerReport = {
      connected: stats?.online ?? 0,
      accepted: (stats?.connects ?? 0) - lastConnects,
      failed:
        stats === undefined || stats.connectFailures === lastFailures
          ? {}
          : { CONNECT_FAILED: stats.connectFailures - lastFailures },
      lost: {},
      errors: counters.errors,
      messagesIn: counters.messagesIn,
      bytesIn: counters.bytesIn,
      messagesOut: counters.messagesOut,
      bytesOut: counters.bytesOut,
      updates: counters.updates,
      roundTrip: roundTrip.toData(),
      updateAge: updateAge.toData(),
      unresolvedAges: 0,
      // Entities in view are not counted for Frontier bots (their caches hold many tables).
      visibleSum: 0,
      visibleCount: 0,
    };
    lastConnects = stats?.connects ?? 0;
    lastFailures = stats?.connectFailures ?? 0;
    counters = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0, updates: 0, errors: {} };
    roundTrip.reset();
    updateAge.reset();
    return out;
  };
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'start': {
        const t0 = message.t0Ms;
        void startBotSwarm({
          url: config.url,
          members,
          clock: () => nowMs() - t0,
          connect: { WebSocket: createCountingWebSocket(probe) },
        }).then((s) => (swarm = s));
        break;
      }
      case 'ticks': {
        for (let i = 0; i < message.ticks.length; i++)
          tickStarts.set(message.ticks[i]!, message.startsMs[i]!);
        const keep: [number, number][] = [];
        for (const [tick, at] of pending) {
          const start = tickStarts.get(tick);
          if (start !== undefined) updateAge.record(at - start);
          else if (nowMs() - at < 10_000) keep.push([tick, at]);
        }
        pending = keep;
        break;
      }
      case 'report':
        port.postMessage({ type: 'report', report: report() } satisfies FromWorker);
        break;
      case 'stop':
        void (swarm?.stop() ?? Promise.resolve()).then(() => {
          port.postMessage({ type: 'stopped', report: report() } satisfies FromWorker);
          port.close();
        });
        break;
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

void run(workerData as FrontierWorkerConfig);
