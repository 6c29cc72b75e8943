import { Connection, type ConnectOptions } from '@tickspace/server/client';
import type { FrontierModule } from '@tickspace/server/world';
import { WebSocket } from 'ws';
import type { Member } from '../behaviour/population';
import { BotConnection, subscribeContent, type BotRadii, type FrontierConnection } from './bot-connection';

/** Counters of a swarm (or of several, summed). */
export interface SwarmStats {
  online: number;
  connects: number;
  connectFailures: number;
  readonly calls: Record<string, number>;
  readonly errors: Record<string, number>;
}

/** Options of {@link startBotSwarm}. */
export interface BotSwarmOptions {
  /** Server WebSocket URL (`ws://host:port/ws`). */
  readonly url: string;
  /** The members this swarm plays (e.g. one worker's share of a population). */
  readonly members: readonly Member[];
  /** Logical time of the swarm, ms; members connect at their `startMs`. @default ms since the swarm started */
  readonly clock?: () => number;
  /** How often due bots are woken, ms. @default 25 */
  readonly wakeEveryMs?: number;
  /** Subscription radii. @default see {@link BotRadii} */
  readonly radii?: BotRadii;
  /** Extra SDK options for every connection (WebSocket implementation...). */
  readonly connect?: Omit<ConnectOptions, 'url' | 'token' | 'transport'>;
  /** Delay before reconnecting after a failed connection, ms. @default 2_000 */
  readonly retryMs?: number;
}

/** A running swarm. */
export interface BotSwarm {
  /** Counters so far (calls and errors as the bots saw them). */
  stats(): SwarmStats;
  /** Closes every connection. */
  stop(): Promise<void>;
}

/**
 * Runs bots in real time against a server over WebSockets: the same agents and the same
 * {@link BotConnection} as the in-process runner, woken by a timer instead of a tick loop. One
 * content connection per swarm serves every bot's content tables. The load test runs one swarm
 * per worker thread (see {@link runNetworked}).
 * @example
 * const swarm = await startBotSwarm({ url: server.url, members: createPopulation({ mix: { human: 50 }, seed: 'x' }) });
 * // ...later
 * console.log(swarm.stats()); await swarm.stop();
 */
export async function startBotSwarm(options: BotSwarmOptions): Promise<BotSwarm> {
  const started = performance.now();
  const clock = options.clock ?? (() => performance.now() - started);
  const retryMs = options.retryMs ?? 2_000;
  const base: ConnectOptions = {
    WebSocket: WebSocket,
    reconnect: false,
    callTimeoutMs: 30_000,
    onError: () => {},
    ...options.connect,
    url: options.url,
  };
  const open = (token: string) => new Connection<FrontierModule>({ ...base, token });
  const content: FrontierConnection = open('');
  await content.ready;
  await subscribeContent(content);
  const members = options.members;
  const bots: (BotConnection | undefined)[] = new Array(members.length).fill(undefined);
  const tokens: string[] = new Array(members.length).fill('');
  const connectAt: number[] = members.map((m) => m.startMs);
  const stats: SwarmStats = { online: 0, connects: 0, connectFailures: 0, calls: {}, errors: {} };
  let stopped = false;

  const connect = (i: number) => {
    connectAt[i] = Number.POSITIVE_INFINITY;
    const m = members[i]!;
    const conn = open(tokens[i]!);
    conn.ready.then(
      () => {
        if (stopped) {
          conn.close();
          return;
        }
        tokens[i] = conn.token;
        stats.connects++;
        const bot = new BotConnection(
          m.agent,
          conn,
          content,
          clock,
          (at) => {
            bots[i] = undefined;
            connectAt[i] = at;
          },
          options.radii,
        );
        bots[i] = bot;
        bot.start();
        m.agent.attach(bot, clock());
        conn.onStatus((status) => {
          // The server closed us (or the network did): come back later, as a player would.
          if (status === 'closed' && bots[i] === bot) {
            bot.close();
            bots[i] = undefined;
            connectAt[i] = clock() + retryMs;
          }
        });
      },
      () => {
        stats.connectFailures++;
        connectAt[i] = clock() + retryMs;
      },
    );
  };

  const timer = setInterval(() => {
    const t = clock();
    for (let i = 0; i < members.length; i++) {
      if (connectAt[i]! <= t) connect(i);
      const a = members[i]!.agent;
      if (bots[i] !== undefined && a.nextWakeMs <= t) a.wake(t);
    }
  }, options.wakeEveryMs ?? 25);

  return {
    stats() {
      const calls: Record<string, number> = {};
      const errors: Record<string, number> = {};
      let online = 0;
      for (let i = 0; i < members.length; i++) {
        if (bots[i] !== undefined) online++;
        for (const [k, v] of members[i]!.agent.stats.calls) calls[k] = (calls[k] ?? 0) + v;
        for (const [k, v] of members[i]!.agent.stats.errors) errors[k] = (errors[k] ?? 0) + v;
      }
      return { ...stats, online, calls, errors };
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const b of bots) b?.close();
      content.close();
    },
  };
}

/** Adds one swarm's counters into a total. */
export function addSwarmStats(total: SwarmStats, s: SwarmStats): void {
  total.online += s.online;
  total.connects += s.connects;
  total.connectFailures += s.connectFailures;
  for (const [k, v] of Object.entries(s.calls)) total.calls[k] = (total.calls[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.errors)) total.errors[k] = (total.errors[k] ?? 0) + v;
}
