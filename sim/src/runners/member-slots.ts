import { Connection, type SharedRows, type TransportFactory } from '@tickspace/server/client';
import type { FrontierModule } from '@tickspace/server/world';
import type { Agent } from '../behaviour/agent';
import type { Member } from '../behaviour/population';
import { BotConnection, type BotRadii, type FrontierConnection } from './bot-connection';

/** Opens an SDK connection for a runner's player or content cache (no reconnects: the runner decides). */
export function openRunnerConnection(
  transport: TransportFactory,
  token: string,
  sharedRows: SharedRows | undefined,
): FrontierConnection {
  return new Connection<FrontierModule>({
    transport,
    token,
    ...(sharedRows === undefined ? {} : { sharedRows }),
    reconnect: false,
    callTimeoutMs: 0,
    onError: () => {},
  });
}

/** What {@link MemberSlots} needs from its runner. */
export interface MemberSlotsHost {
  /** Members by index; `undefined` where this runner does not play the member (another thread does). */
  readonly members: readonly (Member | undefined)[];
  /** A new connection for member `i`. */
  open(i: number): FrontierConnection;
  readonly content: FrontierConnection;
  /** Logical time. */
  now(): number;
  readonly radii: BotRadii | undefined;
}

/**
 * The players a runner plays: each member's connection (made at its start time, again a while
 * after the server closed it), its BotConnection once connected, and the wake of its agent when
 * due. Both the in-process runner and each bot thread of the threaded one step their members with
 * it, in member order.
 */
export class MemberSlots {
  readonly #host: MemberSlotsHost;
  readonly bots: (BotConnection | undefined)[];
  readonly #reconnectAt: number[];
  readonly #agents: (Agent | undefined)[];
  /** Sessions the server closed (each bot came back later); counted until {@link finish}. */
  sessionsClosed = 0;
  #finished = false;

  constructor(host: MemberSlotsHost) {
    this.#host = host;
    const n = host.members.length;
    this.bots = new Array(n).fill(undefined);
    this.#reconnectAt = host.members.map((m) => m?.startMs ?? Number.POSITIVE_INFINITY);
    this.#agents = host.members.map((m) => m?.agent);
  }

  /** Connects the members due at `t` and wakes the connected agents whose wake time has come, in member order. */
  step(t: number): void {
    const agents = this.#agents;
    for (let i = 0; i < agents.length; i++) {
      if (this.#reconnectAt[i]! <= t) this.#connect(i);
      const a = agents[i];
      if (a !== undefined && this.bots[i] !== undefined && a.nextWakeMs <= t) a.wake(t);
    }
  }

  /** Stops counting server closes (the runner's own closes follow) and closes every bot. */
  finish(): void {
    this.#finished = true;
    for (const b of this.bots) b?.close();
  }

  #connect(i: number): void {
    const host = this.#host;
    const m = host.members[i]!;
    this.#reconnectAt[i] = Number.POSITIVE_INFINITY;
    const conn = host.open(i);
    conn.ready.then(
      () => {
        const bot = new BotConnection(
          m.agent,
          conn,
          host.content,
          host.now,
          (at) => {
            this.bots[i] = undefined;
            this.#reconnectAt[i] = at;
          },
          host.radii,
        );
        this.bots[i] = bot;
        bot.start();
        m.agent.attach(bot, host.now());
        conn.onStatus((status) => {
          // Closed by the server (a limit, a replaced session): come back a little later.
          if (status === 'closed' && this.bots[i] === bot) {
            if (!this.#finished) this.sessionsClosed++;
            bot.close();
            this.bots[i] = undefined;
            this.#reconnectAt[i] = host.now() + 5_000;
          }
        });
      },
      () => {
        this.#reconnectAt[i] = host.now() + 5_000;
      },
    );
  }
}
