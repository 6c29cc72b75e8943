/**
 * A driver worker thread: connects its share of the bots on the ramp schedule, walks them,
 * counts what they send and receive, and answers the main thread's report requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorCode, nowMs, type BotConnection, type BotConnector, type BotProbe } from './bot-client';
import { createConnectQueue } from './connect-queue';
import { createLatencyHistogram } from './histogram';
import { isObserver } from './observers';
import { applyStep, type MovementScenario } from './scenario';
import type { TargetName } from './server-ipc';
import { createWalker, spawnPosition, type Walker } from './walker';
import type { FromWorker, ToWorker, WorkerReport } from './worker-report';

/** What the main thread hands a worker. */
export interface WorkerConfig {
  readonly target: TargetName;
  readonly url: string;
  readonly scenario: MovementScenario;
  /** Bot numbers this worker runs; when each connects arrives with the `start` message. */
  readonly indices: readonly number[];
  readonly connectTimeoutMs: number;
  /** Whether tick start times will arrive (false against an external `--url`). */
  readonly trackAge: boolean;
  /** Bots in the whole run, and how many of them decode every update (spread evenly). */
  readonly clients: number;
  readonly observers: number;
}

/**
 * Connections one worker has under way at once (socket, handshake, spawn). A driver that falls
 * behind its ramp schedule (a busy machine, a slow server) would otherwise open hundreds of
 * sockets in one burst and overflow the server's accept queue (listen backlog 511): the kernel
 * drops the SYNs, clients retry after 1, 3, 7 s... and time out. Below the backlog, every SYN is
 * accepted and the ramp goes as fast as the server completes handshakes.
 */
const MAX_CONNECTING = 256;

/** Steps are spread over this many time slots per input period, so sends do not come in bursts. */
const SLOTS_PER_INPUT = 10;
/** Updates whose tick start has not arrived after this long are given up on. */
const AGE_GIVE_UP_MS = 10_000;

async function loadConnector(target: TargetName): Promise<BotConnector> {
  if (target === 'colyseus') return (await import('./colyseus-bot')).connectColyseusBot;
  return (await import('./tickspace-bot')).connectTickspaceBot;
}

interface Bot {
  readonly index: number;
  readonly walker: Walker;
  readonly observer: boolean;
  /** The entity's position, tracked by applying each step with the servers' own rule. */
  x: number;
  y: number;
  connection: BotConnection | undefined;
}

async function run(config: WorkerConfig): Promise<void> {
  const port = parentPort!;
  const connect = await loadConnector(config.target);
  const roundTrip = createLatencyHistogram();
  const updateAge = createLatencyHistogram();
  let counters = emptyCounters();
  const tickStarts = new Map<number, number>();
  let latestTick = 0;
  // Updates waiting for their tick's start time: parallel arrays, compacted on every resolve.
  let pendingTicks: number[] = [];
  let pendingAt: number[] = [];
  let unresolved = 0;

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
      const at = nowMs();
      const start = tickStarts.get(tick);
      if (start !== undefined) updateAge.record(at - start);
      else {
        pendingTicks.push(tick);
        pendingAt.push(at);
      }
    },
    roundTrip(ms) {
      roundTrip.record(ms);
    },
    error(code) {
      counters.errors[code] = (counters.errors[code] ?? 0) + 1;
    },
  };

  const bots: Bot[] = config.indices.map((index) => {
    const at = spawnPosition(config.scenario, index);
    return {
      index,
      walker: createWalker(config.scenario, index),
      observer: isObserver(index, config.clients, config.observers),
      x: at.x,
      y: at.y,
      connection: undefined,
    };
  });
  let connected = 0;
  let stopping = false;
  const connectTimers: NodeJS.Timeout[] = [];
  const connects = createConnectQueue(MAX_CONNECTING, (bot: Bot) =>
    connect({
      url: config.url,
      scenario: config.scenario,
      index: bot.index,
      spawn: { x: bot.x, y: bot.y },
      observer: bot.observer,
      probe,
      connectTimeoutMs: config.connectTimeoutMs,
    }).then(
      (connection) => {
        if (stopping) {
          void connection.close();
          return;
        }
        bot.connection = connection;
        connected++;
        counters.accepted++;
        connection.onLost((reason) => {
          if (bot.connection === undefined) return;
          bot.connection = undefined;
          connected--;
          counters.lost[reason] = (counters.lost[reason] ?? 0) + 1;
        });
      },
      (error: unknown) => {
        const code = errorCode(error);
        counters.failed[code] = (counters.failed[code] ?? 0) + 1;
      },
    ),
  );
  const scheduleConnects = (connectAtMs: readonly number[]) =>
    bots.forEach((bot, i) => {
      const delay = Math.max(0, connectAtMs[i]! - nowMs());
      connectTimers.push(
        setTimeout(() => {
          if (!stopping) connects.push(bot);
        }, delay),
      );
    });

  // Steps: bot k sends in slot k mod SLOTS_PER_INPUT of every input period. Slots are counted
  // from the clock, not from timer firings, so a late timer catches up (at most one period's
  // worth) and the send rate stays at inputHz on a busy machine.
  const slotMs = 1000 / config.scenario.inputHz / SLOTS_PER_INPUT;
  const bySlot: Bot[][] = Array.from({ length: SLOTS_PER_INPUT }, () => []);
  bots.forEach((bot) => bySlot[bot.index % SLOTS_PER_INPUT]!.push(bot));
  const stepsFrom = nowMs();
  let slotsDone = 0;
  const runSlot = (due: Bot[]) => {
    for (let i = 0; i < due.length; i++) {
      const bot = due[i]!;
      const c = bot.connection;
      if (c === undefined) continue;
      const step = bot.walker.next(bot.x, bot.y);
      const next = applyStep(config.scenario, bot.x, bot.y, step.dx, step.dy);
      bot.x = next.x;
      bot.y = next.y;
      try {
        c.move(step.dx, step.dy);
      } catch (error) {
        probe.error(errorCode(error));
      }
    }
  };
  const stepTimer = setInterval(() => {
    const slotsDue = Math.floor((nowMs() - stepsFrom) / slotMs);
    if (slotsDue - slotsDone > SLOTS_PER_INPUT) slotsDone = slotsDue - SLOTS_PER_INPUT;
    for (; slotsDone < slotsDue; slotsDone++) runSlot(bySlot[slotsDone % SLOTS_PER_INPUT]!);
  }, slotMs);

  const resolveAges = () => {
    const now = nowMs();
    const keepTicks: number[] = [];
    const keepAt: number[] = [];
    for (let i = 0; i < pendingTicks.length; i++) {
      const start = tickStarts.get(pendingTicks[i]!);
      if (start !== undefined) updateAge.record(pendingAt[i]! - start);
      else if (now - pendingAt[i]! > AGE_GIVE_UP_MS) unresolved++;
      else {
        keepTicks.push(pendingTicks[i]!);
        keepAt.push(pendingAt[i]!);
      }
    }
    pendingTicks = keepTicks;
    pendingAt = keepAt;
  };

  const report = (): WorkerReport => {
    let visibleSum = 0;
    let visibleCount = 0;
    for (const bot of bots) {
      const visible = bot.connection?.visibleEntities();
      if (visible === undefined) continue;
      visibleSum += visible;
      visibleCount++;
    }
    const out: WorkerReport = {
      connected,
      ...counters,
      roundTrip: roundTrip.toData(),
      updateAge: updateAge.toData(),
      unresolvedAges: unresolved,
      visibleSum,
      visibleCount,
    };
    counters = emptyCounters();
    roundTrip.reset();
    updateAge.reset();
    unresolved = 0;
    return out;
  };

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'start':
        scheduleConnects(message.connectAtMs);
        break;
      case 'ticks': {
        for (let i = 0; i < message.ticks.length; i++) {
          tickStarts.set(message.ticks[i]!, message.startsMs[i]!);
          if (message.ticks[i]! > latestTick) latestTick = message.ticks[i]!;
        }
        // Keep about a minute of ticks at 20 Hz: older updates are long resolved or given up.
        if (tickStarts.size > 2400)
          for (const tick of tickStarts.keys()) if (tick < latestTick - 1200) tickStarts.delete(tick);
        if (pendingTicks.length > 0) resolveAges();
        break;
      }
      case 'report':
        if (pendingTicks.length > 0) resolveAges();
        port.postMessage({ type: 'report', report: report() } satisfies FromWorker);
        break;
      case 'stop':
        stopping = true;
        connects.clear();
        for (const timer of connectTimers) clearTimeout(timer);
        clearInterval(stepTimer);
        void Promise.allSettled(
          bots.map(async (bot) => {
            const c = bot.connection;
            bot.connection = undefined;
            if (c !== undefined) {
              connected--;
              await c.close();
            }
          }),
        ).then(() => {
          port.postMessage({ type: 'stopped', report: report() } satisfies FromWorker);
          port.close();
        });
        break;
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

function emptyCounters() {
  return {
    accepted: 0,
    failed: {} as Record<string, number>,
    lost: {} as Record<string, number>,
    errors: {} as Record<string, number>,
    messagesIn: 0,
    bytesIn: 0,
    messagesOut: 0,
    bytesOut: 0,
    updates: 0,
  };
}

void run(workerData as WorkerConfig);
