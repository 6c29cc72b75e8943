/**
 * The messages between the threaded runner's main thread (engine, session hub) and its bot
 * threads (agents and their SDK connections). A bot's transport is a link: the SDK's frames and
 * closes cross as messages, the server's frames come back the same way. Runner plumbing, not
 * part of the game protocol.
 */
import type { Tier } from '../behaviour/agent';
import type { TierParams } from '../behaviour/population';
import type { Trace } from '../behaviour/trace-library';
import type { BotRadii } from './bot-connection';

/** What a bot thread is told when it starts. */
export interface BotThreadData {
  readonly index: number;
  readonly threads: number;
  readonly mix: Partial<Record<Tier, number>>;
  readonly seed: string;
  readonly joinWindowMs: number | undefined;
  readonly homeScale: number | undefined;
  readonly traces: readonly Trace[] | undefined;
  readonly tierParams: TierParams | undefined;
  readonly varyParams: string | undefined;
  readonly radii: BotRadii | undefined;
  readonly sharedRows: boolean;
  /** Every member's token, by member index (the hub issues them in the main thread). */
  readonly tokens: readonly string[];
  /** The link id of this thread's content cache (after every member's). */
  readonly contentLink: number;
}

/**
 * Thread to main. Every `open`, `send` and `close` is held by the main thread until the thread's
 * `done` and then handed to the hub in link order, so what the engine sees does not depend on
 * how the threads were scheduled.
 */
export type FromBotThread =
  | { readonly type: 'open'; readonly link: number }
  | { readonly type: 'send'; readonly link: number; readonly frame: Uint8Array }
  | { readonly type: 'close'; readonly link: number; readonly code: number; readonly reason: string }
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly step: number }
  | { readonly type: 'finished'; readonly sessionsClosed: number };

/** Main to thread: the links' events, in the order the hub produced them, and the run's steps. */
export type ToBotThread =
  | { readonly type: 'opened'; readonly link: number }
  | { readonly type: 'frame'; readonly link: number; readonly frame: Uint8Array }
  | { readonly type: 'closed'; readonly link: number; readonly code: number; readonly reason: string }
  /** The engine's logical time, sent after every tick (what `now` reads between steps). */
  | { readonly type: 'now'; readonly now: number }
  /** Connect and wake this thread's members due at logical time `t`, then answer `done`. */
  | { readonly type: 'step'; readonly step: number; readonly t: number }
  /** Subscribe the content cache; answer `ready` once it holds the content. */
  | { readonly type: 'setup' }
  | { readonly type: 'finish' };

/** The thread that plays a member group: a farm ring's accounts (one script) share a thread. */
export function threadOf(group: number, threads: number): number {
  return group % threads;
}
